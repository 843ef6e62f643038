package io.coderunner.client.internal;

import io.coderunner.client.ApiException;
import io.coderunner.client.Backoff;
import io.coderunner.client.ClientException;
import io.coderunner.client.Problem;
import io.coderunner.client.TransportException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Sends REST calls with the client's token, and retries what may be retried: any call whose
 * connection could not be opened (nothing was sent), an idempotent call answered 503 or broken off,
 * and any call answered 429 whose {@code Retry-After} is within the client's patience; a 401 is
 * retried once with a renewed token when the token source yields a different one. Waits run on the
 * scheduler, never on a caller's thread.
 */
public final class Transport {
  /** The header that makes a {@code POST} safe to send again: the server stores it once. */
  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  /** A call: the method, the path under the base URI, an optional JSON body, extra headers. */
  @SuppressWarnings("ArrayRecordComponent") // built once per call and never compared
  public record Call(
      String method,
      String path,
      byte @Nullable [] body,
      boolean authenticated,
      Set<Integer> ok,
      Map<String, String> headers) {
    public Call(
        String method,
        String path,
        byte @Nullable [] body,
        boolean authenticated,
        Set<Integer> ok) {
      this(method, path, body, authenticated, ok, Map.of());
    }

    /**
     * Whether sending it twice does what sending it once does: the idempotent methods, and a call
     * with an idempotency key.
     */
    boolean idempotent() {
      return method.equals("GET")
          || method.equals("PUT")
          || method.equals("DELETE")
          || method.equals("HEAD")
          || headers.containsKey(IDEMPOTENCY_KEY);
    }

    String name() {
      return method + " " + path;
    }
  }

  /** An answer with one of the call's expected statuses. */
  @SuppressWarnings("ArrayRecordComponent") // read once and never compared
  public record Answer(int status, HttpHeaders headers, byte[] body) {}

  private final HttpClient http;
  private final URI base;
  private final Duration requestTimeout;
  private final Backoff retry;
  private final Duration maxRetryAfter;
  private final ScheduledExecutorService scheduler;
  private final RandomGenerator random;
  private final Tokens tokens;

  public Transport(
      HttpClient http,
      URI base,
      Duration requestTimeout,
      Backoff retry,
      Duration maxRetryAfter,
      ScheduledExecutorService scheduler,
      RandomGenerator random,
      Tokens tokens) {
    this.http = http;
    this.base = base;
    this.requestTimeout = requestTimeout;
    this.retry = retry;
    this.maxRetryAfter = maxRetryAfter;
    this.scheduler = scheduler;
    this.random = random;
    this.tokens = tokens;
  }

  /** Sends {@code call} and maps a successful answer with {@code read}. */
  public <T> CompletableFuture<T> send(Call call, Function<Answer, T> read) {
    return attempt(call, 1, false)
        .thenApply(
            a -> {
              try {
                return read.apply(a);
              } catch (RuntimeException e) {
                throw new ClientException(
                    "the answer to "
                        + call.name()
                        + " is not what the API returns: "
                        + e.getMessage(),
                    e);
              }
            });
  }

  private CompletableFuture<Answer> attempt(Call call, int n, boolean renewed) {
    CompletableFuture<@Nullable String> token =
        call.authenticated()
            ? tokens.current().thenApply(t -> (@Nullable String) t)
            : CompletableFuture.completedFuture(null);
    return token.thenCompose(
        t -> {
          HttpRequest request = request(call, t);
          CompletableFuture<Answer> out = new CompletableFuture<>();
          var unused =
              http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                  .whenComplete(
                      (r, failure) -> {
                        var unusedSettled =
                            next(call, n, renewed, t, r, failure)
                                .whenComplete((a, e) -> settle(out, a, e));
                      });
          return out;
        });
  }

  private CompletableFuture<Answer> next(
      Call call,
      int n,
      boolean renewed,
      @Nullable String token,
      @Nullable HttpResponse<byte[]> r,
      @Nullable Throwable failure) {
    if (failure != null) {
      Throwable cause = unwrap(failure);
      boolean unsent = isConnectFailure(cause);
      if ((unsent || (call.idempotent() && cause instanceof IOException))
          && n < retry.maxAttempts()) {
        return later(retry.delay(n, random), () -> attempt(call, n + 1, renewed));
      }
      return CompletableFuture.failedFuture(
          new TransportException(
              call.name() + " failed after " + n + (n == 1 ? " attempt: " : " attempts: ") + cause,
              cause));
    }
    HttpResponse<byte[]> res = java.util.Objects.requireNonNull(r);
    int status = res.statusCode();
    if (call.ok().contains(status)) {
      return CompletableFuture.completedFuture(new Answer(status, res.headers(), res.body()));
    }
    Problem problem = Json.problem(status, res.headers(), res.body());
    if (status == 401 && call.authenticated() && !renewed && token != null && tokens.renewable()) {
      return tokens
          .renew(token)
          .thenCompose(
              fresh ->
                  fresh.isPresent()
                      ? attempt(call, n, true)
                      : CompletableFuture.failedFuture(ApiException.of(problem)));
    }
    if (n < retry.maxAttempts()) {
      Duration asked = problem.retryAfter();
      if (status == 429 && asked != null && asked.compareTo(maxRetryAfter) <= 0) {
        return later(asked, () -> attempt(call, n + 1, renewed));
      }
      // 507: the server's disk refused the write and asks for a later try, which a key keeps safe
      if ((status == 503 || status == 507) && call.idempotent()) {
        Duration wait = retry.delay(n, random);
        if (asked != null && asked.compareTo(maxRetryAfter) <= 0 && asked.compareTo(wait) > 0) {
          wait = asked;
        }
        return later(wait, () -> attempt(call, n + 1, renewed));
      }
    }
    return CompletableFuture.failedFuture(ApiException.of(problem));
  }

  private HttpRequest request(Call call, @Nullable String token) {
    byte[] body = call.body();
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(call.path()))
            .timeout(requestTimeout)
            .header("Accept", "application/json")
            .method(
                call.method(),
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    call.headers().forEach(b::header);
    return b.build();
  }

  /** Runs {@code next} after {@code delay} on the scheduler. */
  public <T> CompletableFuture<T> later(Duration delay, Supplier<CompletableFuture<T>> next) {
    CompletableFuture<T> out = new CompletableFuture<>();
    try {
      var unused =
          scheduler.schedule(
              () -> {
                var unusedSettled = next.get().whenComplete((v, e) -> settle(out, v, e));
              },
              delay.toNanos(),
              TimeUnit.NANOSECONDS);
    } catch (RuntimeException e) {
      out.completeExceptionally(new ClientException("the client is closed", e));
    }
    return out;
  }

  private static <T> void settle(
      CompletableFuture<T> out, @Nullable T value, @Nullable Throwable e) {
    if (e != null) {
      out.completeExceptionally(unwrap(e));
    } else {
      out.complete(value);
    }
  }

  static boolean isConnectFailure(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ConnectException || c instanceof HttpConnectTimeoutException) {
        return true;
      }
    }
    return false;
  }

  /** The failure inside a {@link CompletionException}. */
  public static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while (c instanceof CompletionException && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  /** Waits for {@code f} and rethrows its failure as it was thrown, for the blocking API. */
  public static <T> T join(CompletableFuture<T> f) {
    try {
      return f.join();
    } catch (CompletionException | java.util.concurrent.CancellationException e) {
      Throwable cause = unwrap(e);
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new ClientException(String.valueOf(cause.getMessage()), cause);
    }
  }
}
