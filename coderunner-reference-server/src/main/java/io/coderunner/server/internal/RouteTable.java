package io.coderunner.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.coderunner.core.Principal;
import io.coderunner.core.auth.JwtService;
import io.coderunner.core.auth.VerifiedToken;
import io.coderunner.metrics.CodeRunnerMetricNames;
import io.coderunner.metrics.HttpServerMetrics;
import io.undertow.Handlers;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import io.undertow.util.Headers;
import io.undertow.util.PathTemplateMatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

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
    private final int maxBodyBytes;

    Call(HttpServerExchange exchange, @Nullable Principal principal, int maxBodyBytes) {
      this.exchange = exchange;
      this.principal = principal;
      this.maxBodyBytes = maxBodyBytes;
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

    public JsonNode jsonBody() throws java.io.IOException {
      return Http.parseObject(Http.readBody(exchange, maxBodyBytes));
    }
  }

  private final RoutingHandler routing = Handlers.routing();
  private final List<Route> routes = new ArrayList<>();
  private final JwtService jwt;
  private final TokenBuckets apiLimit;
  private final int maxBodyBytes;
  private final HttpServerMetrics metrics;

  public RouteTable(
      JwtService jwt, TokenBuckets apiLimit, int maxBodyBytes, HttpServerMetrics metrics) {
    this.jwt = jwt;
    this.apiLimit = apiLimit;
    this.maxBodyBytes = maxBodyBytes;
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
            ex ->
                Http.sendProblem(
                    ex,
                    new ApiException(
                        405,
                        "Method Not Allowed",
                        ex.getRequestMethod() + " is not allowed on " + ex.getRequestPath()))));
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

  /** Registers a JSON route. */
  public void json(String method, String path, Access access, JsonHandler handler) {
    add(method, path, access, new JsonRoute(access, handler));
  }

  /** Registers a route whose handler answers on its own (SSE, WebSocket, static text). */
  public void raw(String method, String path, Access access, HttpHandler handler) {
    add(method, path, access, handler);
  }

  private void add(String method, String path, Access access, HttpHandler handler) {
    routing.add(method, path, timed(path, handler));
    routes.add(new Route(method, path, access));
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
    String header = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
    if (header == null || header.isBlank()) {
      throw ApiException.unauthorized("a bearer token is required");
    }
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
      throw ApiException.unauthorized("the Authorization header must be 'Bearer <token>'");
    }
    return verifyToken(header.substring(7).trim(), access);
  }

  /**
   * The caller holding {@code token}, rate-limited: for transports that cannot send headers (a
   * browser {@code EventSource}).
   *
   * @throws ApiException as {@link #authenticate}
   */
  public VerifiedToken verifyToken(String token, Access access) {
    VerifiedToken verified = jwt.verify(token);
    Principal p = verified.principal();
    long wait = apiLimit.tryTake(p.id());
    if (wait > 0) {
      throw ApiException.tooManyRequests("too many requests; retry in " + wait + " s", wait);
    }
    if (access == Access.ADMIN && !p.isAdmin()) {
      throw ApiException.forbidden("this route needs role admin");
    }
    return verified;
  }

  private final class JsonRoute implements HttpHandler {
    private final Access access;
    private final JsonHandler handler;

    JsonRoute(Access access, JsonHandler handler) {
      this.access = access;
      this.handler = handler;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
      if (exchange.isInIoThread()) {
        exchange.dispatch(this);
        return;
      }
      try {
        Principal p = access == Access.PUBLIC ? null : authenticate(exchange, access);
        Reply reply = handler.handle(new Call(exchange, p, maxBodyBytes));
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
