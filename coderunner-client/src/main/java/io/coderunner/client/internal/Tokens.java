package io.coderunner.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.coderunner.client.ClientException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The client's bearer token: a fixed one, or one fetched from a source (the caller's supplier, or a
 * login) when none is held, when the held one nears its expiry, and when the server refused it.
 * Concurrent fetches share one. Thread-safe.
 */
public final class Tokens {
  /** The most a token is refreshed ahead of its expiry. */
  static final Duration MAX_AHEAD = Duration.ofSeconds(60);

  private final @Nullable Supplier<CompletableFuture<String>> source;
  private final Clock clock;
  private @Nullable String current; // guarded by this
  private @Nullable CompletableFuture<String> fetching; // guarded by this

  private Tokens(
      @Nullable String fixed, @Nullable Supplier<CompletableFuture<String>> source, Clock clock) {
    this.current = fixed;
    this.source = source;
    this.clock = clock;
  }

  /** No token: only unauthenticated calls (login, health) can be made. */
  public static Tokens none(Clock clock) {
    return new Tokens(null, null, clock);
  }

  /** Always {@code token}; a refused one is final. */
  public static Tokens fixed(String token, Clock clock) {
    return new Tokens(Objects.requireNonNull(token, "token"), null, clock);
  }

  /** Tokens from {@code source}, asked again before each one's expiry and after a refusal. */
  public static Tokens from(Supplier<CompletableFuture<String>> source, Clock clock) {
    return new Tokens(null, Objects.requireNonNull(source, "source"), clock);
  }

  /** Whether any token can be had. */
  public boolean available() {
    synchronized (this) {
      return current != null || source != null;
    }
  }

  /** Whether a refused or expiring token can be replaced. */
  public boolean renewable() {
    return source != null;
  }

  /** The token to send now: the held one, unless it nears its expiry and a source can renew it. */
  public CompletableFuture<String> current() {
    synchronized (this) {
      String held = current;
      if (held != null && (source == null || !due(held))) {
        return CompletableFuture.completedFuture(held);
      }
      if (source == null) {
        return CompletableFuture.failedFuture(
            new ClientException("the client has no token: configure one, or log in"));
      }
      return fetchLocked();
    }
  }

  /** A token fetched now from the source, for a refresh that is due; the held one without one. */
  public CompletableFuture<String> refresh() {
    synchronized (this) {
      return source == null ? current() : fetchLocked();
    }
  }

  /**
   * A token to use instead of {@code refused}: empty when there is no source or the source yields
   * the same one again (so the refusal is final).
   */
  public CompletableFuture<Optional<String>> renew(String refused) {
    CompletableFuture<String> next;
    synchronized (this) {
      if (source == null) {
        return CompletableFuture.completedFuture(Optional.empty());
      }
      String held = current;
      if (held != null && !held.equals(refused)) {
        return CompletableFuture.completedFuture(Optional.of(held)); // renewed meanwhile
      }
      current = null;
      next = fetchLocked();
    }
    return next.thenApply(t -> t.equals(refused) ? Optional.<String>empty() : Optional.of(t));
  }

  /** When the held token should be refreshed, if it is known and has an expiry. */
  public Optional<Instant> refreshAt() {
    String held;
    synchronized (this) {
      held = current;
    }
    return held == null ? Optional.empty() : refreshAt(held);
  }

  private CompletableFuture<String> fetchLocked() {
    CompletableFuture<String> f = fetching;
    if (f != null) {
      return f;
    }
    Supplier<CompletableFuture<String>> s = Objects.requireNonNull(source);
    CompletableFuture<String> started;
    try {
      started = Objects.requireNonNull(s.get(), "the token source returned null");
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<String> mine = new CompletableFuture<>();
    fetching = mine;
    var unused =
        started.whenComplete(
            (token, failure) -> {
              synchronized (this) {
                fetching = null;
                if (failure == null && token != null) {
                  current = token;
                }
              }
              if (failure != null) {
                mine.completeExceptionally(failure);
              } else if (token == null) {
                mine.completeExceptionally(new IllegalStateException("the token source gave null"));
              } else {
                mine.complete(token);
              }
            });
    return mine;
  }

  private boolean due(String token) {
    return refreshAt(token).map(at -> !clock.instant().isBefore(at)).orElse(false);
  }

  /**
   * When to refresh {@code token}: a fifth of its lifetime before {@code exp}, at most a minute
   * before; empty when it is not a JWT with {@code exp}.
   */
  static Optional<Instant> refreshAt(String token) {
    Optional<JsonNode> claims = claims(token);
    if (claims.isEmpty() || !claims.get().path("exp").canConvertToLong()) {
      return Optional.empty();
    }
    Instant exp = Instant.ofEpochSecond(claims.get().get("exp").asLong());
    Duration ahead = MAX_AHEAD;
    if (claims.get().path("iat").canConvertToLong()) {
      Instant iat = Instant.ofEpochSecond(claims.get().get("iat").asLong());
      Duration fifth = Duration.between(iat, exp).dividedBy(5);
      if (fifth.compareTo(ahead) < 0 && !fifth.isNegative()) {
        ahead = fifth;
      }
    }
    return Optional.of(exp.minus(ahead));
  }

  /** The payload of a JWT, unverified: the client only reads {@code exp} and {@code iat}. */
  static Optional<JsonNode> claims(String token) {
    int first = token.indexOf('.');
    int second = first < 0 ? -1 : token.indexOf('.', first + 1);
    if (second < 0) {
      return Optional.empty();
    }
    try {
      byte[] json = Base64.getUrlDecoder().decode(token.substring(first + 1, second));
      JsonNode node = Json.MAPPER.readTree(new String(json, StandardCharsets.UTF_8));
      return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
    } catch (IllegalArgumentException | IOException e) {
      return Optional.empty();
    }
  }
}
