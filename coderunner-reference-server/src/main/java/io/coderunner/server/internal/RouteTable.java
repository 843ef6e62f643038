package io.coderunner.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.coderunner.core.Principal;
import io.coderunner.core.auth.JwtService;
import io.coderunner.core.auth.VerifiedToken;
import io.coderunner.metrics.CodeRunnerMetricNames;
import io.coderunner.metrics.HttpServerMetrics;
import io.undertow.Handlers;
import io.undertow.io.Receiver;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.server.RoutingHandler;
import io.undertow.util.Headers;
import io.undertow.util.PathTemplateMatch;
import io.undertow.util.PathTemplateMatcher;
import io.undertow.util.Protocols;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;

/**
 * The routes the server registers, and the wrapper every JSON route runs in: it moves to a worker
 * thread, authenticates the bearer token, applies the per-principal rate limit, runs the handler
 * and maps whatever it throws to problem+json. Every routed request, JSON or raw, is timed into
 * {@code coderunner.http.server.requests} under its route template; a request no route matches
 * (404, 405) is timed under {@code route=UNKNOWN}.
 */
public final class RouteTable {
  /** Who may call a route. */
  public enum Access {
    PUBLIC,
    USER,
    ADMIN
  }

  /** One registered route, as {@code /openapi.json} must list it. */
  public record Route(String method, String path, Access access) {}

  /** A JSON route's body. */
  @FunctionalInterface
  public interface JsonHandler {
    Reply handle(Call call) throws Exception;
  }

  /** What a JSON route answers: a status, an optional body and extra headers. */
  public record Reply(int status, @Nullable Object body, Map<String, String> headers) {
    public static Reply ok(Object body) {
      return new Reply(200, body, Map.of());
    }

    public static Reply of(int status, @Nullable Object body) {
      return new Reply(status, body, Map.of());
    }
  }

  /** One request to a JSON route. */
  public static final class Call {
    private final HttpServerExchange exchange;
    private final @Nullable Principal principal;
    private final byte[] body;

    Call(HttpServerExchange exchange, @Nullable Principal principal, byte[] body) {
      this.exchange = exchange;
      this.principal = principal;
      this.body = body;
    }

    public HttpServerExchange exchange() {
      return exchange;
    }

    /** The authenticated caller; only on {@link Access#USER} and {@link Access#ADMIN} routes. */
    public Principal principal() {
      Principal p = principal;
      if (p == null) {
        throw ApiException.unauthorized("a bearer token is required");
      }
      return p;
    }

    public String pathParam(String name) {
      PathTemplateMatch match = exchange.getAttachment(PathTemplateMatch.ATTACHMENT_KEY);
      String value = match == null ? null : match.getParameters().get(name);
      return value == null ? "" : value;
    }

    public @Nullable String query(String name) {
      var values = exchange.getQueryParameters().get(name);
      if (values == null || values.isEmpty()) {
        return null;
      }
      return String.join(",", values);
    }

    /** The body's length in bytes. */
    public int bodyLength() {
      return body.length;
    }

    /**
     * Starts a body written as it is made, for a {@link #written} route: chunked for an HTTP/1.1
     * client even when the connection closes after it, so that a cut body lacks its last chunk and
     * the client can tell (an HTTP/1.0 client gets a body that ends where the connection does).
     */
    public OutputStream streamBody() {
      if (exchange.getProtocol().equals(Protocols.HTTP_1_1)) {
        exchange.getResponseHeaders().put(Headers.TRANSFER_ENCODING, Headers.CHUNKED.toString());
      }
      exchange.startBlocking();
      return exchange.getOutputStream();
    }

    /** The body, read whole before the handler ran, as a JSON object. */
    public JsonNode jsonBody() {
      return Http.parseObject(body);
    }
  }

  private final RoutingHandler routing = Handlers.routing();
  private final List<Route> routes = new ArrayList<>();
  private final PathTemplateMatcher<Set<String>> allowed = new PathTemplateMatcher<>();
  private final JwtService jwt;
  private final TokenBuckets apiLimit;
  private final int maxBodyBytes;

  /**
   * A body declared over the limit but at most this long is read and dropped before the 413, so
   * that the client gets the answer; a longer one is answered and the connection closed at once.
   */
  static final long MAX_DRAINED_BYTES = 8L << 20;

  private final Duration bodyTimeout;
  private final HttpServerMetrics metrics;

  /**
   * @param maxBodyBytes a larger body gets 413
   * @param bodyTimeout a body that has not arrived whole within this gets 408
   */
  public RouteTable(
      JwtService jwt,
      TokenBuckets apiLimit,
      int maxBodyBytes,
      Duration bodyTimeout,
      HttpServerMetrics metrics) {
    this.jwt = jwt;
    this.apiLimit = apiLimit;
    this.maxBodyBytes = maxBodyBytes;
    this.bodyTimeout = bodyTimeout;
    this.metrics = metrics;
    routing.setFallbackHandler(
        timed(
            CodeRunnerMetricNames.UNKNOWN_ROUTE,
            ex ->
                Http.sendProblem(
                    ex, ApiException.notFound("no route for " + ex.getRequestPath()))));
    routing.setInvalidMethodHandler(
        timed(
            CodeRunnerMetricNames.UNKNOWN_ROUTE,
            ex -> {
              var match = allowed.match(ex.getRelativePath());
              if (match != null) {
                ex.getResponseHeaders().put(Headers.ALLOW, String.join(", ", match.getValue()));
              }
              Http.sendProblem(
                  ex,
                  new ApiException(
                      405,
                      "Method Not Allowed",
                      ex.getRequestMethod() + " is not allowed on " + ex.getRequestPath()));
            }));
  }

  /**
   * Wraps {@code next} so that the request is timed under {@code route} when its exchange completes
   * (for an event stream or a WebSocket upgrade: when the stream ends or the upgrade is answered).
   */
  private HttpHandler timed(String route, HttpHandler next) {
    return exchange -> {
      long start = System.nanoTime();
      String method = exchange.getRequestMethod().toString();
      exchange.addExchangeCompleteListener(
          (ex, nextListener) -> {
            try {
              metrics.record(
                  method, route, ex.getStatusCode(), Duration.ofNanos(System.nanoTime() - start));
            } finally {
              nextListener.proceed();
            }
          });
      next.handleRequest(exchange);
    };
  }

  /** Registers a JSON route, metered by the per-principal API rate. */
  public void json(String method, String path, Access access, JsonHandler handler) {
    add(method, path, access, new JsonRoute(access, true, handler));
  }

  /**
   * Registers a JSON route that is not metered by the API rate because its handler meters what it
   * costs itself (ingest: requests, lines and bytes).
   */
  public void jsonOwnBudget(String method, String path, Access access, JsonHandler handler) {
    add(method, path, access, new JsonRoute(access, false, handler));
  }

  /** Answers a call on its own, such as by streaming a body too large to build in memory. */
  public interface CallHandler {
    void handle(Call call) throws Exception;
  }

  /**
   * Registers a route whose handler writes its own answer, on a worker, after authentication and
   * the API rate: a failure before the answer started becomes a problem; one after it cuts the
   * connection, so a client never takes a cut body for a whole one.
   */
  public void written(String method, String path, Access access, CallHandler handler) {
    add(
        method,
        path,
        access,
        exchange ->
            exchange.dispatch(
                () -> {
                  try {
                    Principal p = access == Access.PUBLIC ? null : authenticate(exchange, access);
                    handler.handle(new Call(exchange, p, NO_BODY));
                  } catch (Throwable t) { // every failure becomes an answer or a cut
                    if (exchange.isResponseStarted()) {
                      IoUtils.safeClose(exchange.getConnection());
                    } else {
                      Http.sendProblem(exchange, t);
                    }
                  }
                }));
  }

  /** Registers a route whose handler answers on its own (a page, an asset, static text). */
  public void raw(String method, String path, Access access, HttpHandler handler) {
    add(method, path, access, handler);
  }

  /**
   * Registers a route that holds its connection open (an event stream, a WebSocket upgrade): unlike
   * every other {@code GET}, it answers no {@code HEAD}, which would open the stream.
   */
  public void stream(String method, String path, Access access, HttpHandler handler) {
    register(method, path, access, handler);
  }

  /**
   * Registers {@code handler}, and for a {@code GET} the same handler for {@code HEAD}: Undertow
   * sends a {@code HEAD}'s headers, {@code Content-Length} included, and drops its body.
   */
  private void add(String method, String path, Access access, HttpHandler handler) {
    register(method, path, access, handler);
    if (method.equals("GET")) {
      routing.add("HEAD", path, timed(path, handler));
      allowedAt(path).add("HEAD");
    }
  }

  private void register(String method, String path, Access access, HttpHandler handler) {
    routing.add(method, path, timed(path, handler));
    routes.add(new Route(method, path, access));
    allowedAt(path).add(method);
  }

  /** The methods of {@code path}, for the {@code Allow} of a 405; kept in registration order. */
  private Set<String> allowedAt(String path) {
    Set<String> methods = allowed.get(path);
    if (methods == null) {
      methods = new LinkedHashSet<>();
      allowed.add(path, methods);
    }
    return methods;
  }

  public HttpHandler handler() {
    return routing;
  }

  public List<Route> routes() {
    return Collections.unmodifiableList(routes);
  }

  /**
   * The caller of {@code exchange}, from its {@code Authorization: Bearer} header, rate-limited.
   *
   * @throws ApiException 401 without a valid token, 403 for a non-admin on an admin route, 429 past
   *     the rate
   */
  public Principal authenticate(HttpServerExchange exchange, Access access) {
    return verify(exchange, access).principal();
  }

  /** {@link #authenticate}, with the token's expiry, for a response that outlives the request. */
  public VerifiedToken verify(HttpServerExchange exchange, Access access) {
    return verify(exchange, access, true);
  }

  private VerifiedToken verify(HttpServerExchange exchange, Access access, boolean metered) {
    String header = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
    if (header == null || header.isBlank()) {
      throw ApiException.unauthorized("a bearer token is required");
    }
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
      throw ApiException.unauthorized("the Authorization header must be 'Bearer <token>'");
    }
    return verifyToken(header.substring(7).trim(), access, metered);
  }

  /**
   * The caller holding {@code token}, rate-limited: for transports that cannot send headers (a
   * browser {@code EventSource}).
   *
   * @throws ApiException as {@link #authenticate}
   */
  public VerifiedToken verifyToken(String token, Access access) {
    return verifyToken(token, access, true);
  }

  private VerifiedToken verifyToken(String token, Access access, boolean metered) {
    VerifiedToken verified = jwt.verify(token);
    Principal p = verified.principal();
    long wait = metered ? apiLimit.tryTake(p.id()) : 0;
    if (wait > 0) {
      throw ApiException.tooManyRequests("too many requests; retry in " + wait + " s", wait);
    }
    if (access == Access.ADMIN && !p.isAdmin()) {
      throw ApiException.forbidden("this route needs role admin");
    }
    return verified;
  }

  private static final byte[] NO_BODY = new byte[0];

  private final class JsonRoute implements HttpHandler {
    private final Access access;
    private final boolean metered;
    private final JsonHandler handler;

    JsonRoute(Access access, boolean metered, JsonHandler handler) {
      this.access = access;
      this.metered = metered;
      this.handler = handler;
    }

    /**
     * On the I/O thread: reads the body, if any, without a worker (Undertow's receiver), under the
     * size cap and the body timeout, then runs the handler on a worker.
     */
    @Override
    public void handleRequest(HttpServerExchange exchange) {
      long declared = exchange.getRequestContentLength();
      boolean chunked = exchange.getRequestHeaders().contains(Headers.TRANSFER_ENCODING);
      if (declared <= 0 && !chunked) {
        exchange.dispatch(() -> run(exchange, NO_BODY));
        return;
      }
      boolean tooLarge = declared > maxBodyBytes;
      if (tooLarge && declared > MAX_DRAINED_BYTES) {
        refuse(exchange, ApiException.tooLarge(maxBodyBytes));
        return;
      }
      AtomicBoolean settled = new AtomicBoolean();
      XnioExecutor.Key timer =
          exchange
              .getIoThread()
              .executeAfter(
                  () -> {
                    if (settled.compareAndSet(false, true)) {
                      refuse(
                          exchange,
                          new ApiException(
                              408,
                              "Request Timeout",
                              "the request body did not arrive within " + bodyTimeout));
                    }
                  },
                  bodyTimeout.toMillis(),
                  TimeUnit.MILLISECONDS);
      Receiver receiver = exchange.getRequestReceiver();
      if (tooLarge) {
        // Read what the client sends and drop it, then answer: closing with its body unread
        // would reset the connection, and the client might never see the 413.
        receiver.receivePartialBytes(
            (ex, chunk, last) -> {
              if (last && settled.compareAndSet(false, true)) {
                timer.remove();
                refuse(ex, ApiException.tooLarge(maxBodyBytes));
              }
            },
            (ex, failure) -> {
              if (settled.compareAndSet(false, true)) {
                timer.remove();
                refuse(ex, ApiException.tooLarge(maxBodyBytes));
              }
            });
        return;
      }
      receiver.setMaxBufferSize(maxBodyBytes);
      receiver.receiveFullBytes(
          (ex, body) -> {
            if (settled.compareAndSet(false, true)) {
              timer.remove();
              ex.dispatch(() -> run(ex, body));
            }
          },
          (ex, failure) -> {
            if (settled.compareAndSet(false, true)) {
              timer.remove();
              refuse(
                  ex,
                  failure instanceof RequestTooBigException
                      ? ApiException.tooLarge(maxBodyBytes)
                      : ApiException.badRequest("body", "the request body could not be read"));
            }
          });
    }

    /** Answers {@code problem} and closes the connection: the rest of the body is not read. */
    private void refuse(HttpServerExchange exchange, ApiException problem) {
      exchange.setPersistent(false);
      Http.sendProblem(exchange, problem);
    }

    private void run(HttpServerExchange exchange, byte[] body) {
      try {
        Principal p =
            access == Access.PUBLIC ? null : verify(exchange, access, metered).principal();
        Reply reply = handler.handle(new Call(exchange, p, body));
        reply
            .headers()
            .forEach(
                (k, v) -> exchange.getResponseHeaders().put(new io.undertow.util.HttpString(k), v));
        Http.sendJson(exchange, reply.status(), reply.body());
      } catch (Throwable t) { // every failure becomes an answer, never an escaped exception
        Http.sendProblem(exchange, t);
      }
    }
  }
}
