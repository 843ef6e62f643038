package io.coderunner.server.internal;

import io.coderunner.core.follow.ConnectionQuota;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * First handler of every request: assigns the request id, sets the security headers, answers CORS
 * preflights, adds CORS headers for allowed origins, and writes one access log line when the
 * exchange completes.
 */
public final class FrontHandler implements HttpHandler {
  private static final Logger access = LoggerFactory.getLogger("io.coderunner.server.access");

  /** Every response's policy; the dashboard's page sets its own ({@link DashboardRoutes}). */
  static final String API_CSP = "default-src 'none'; frame-ancestors 'none'";

  private static final String ALLOW_METHODS = "GET, POST, PUT, DELETE, OPTIONS";
  private static final String ALLOW_HEADERS =
      "Authorization, Content-Type, X-Request-Id, Last-Event-ID";
  private static final String EXPOSE_HEADERS = "Location, Retry-After, X-Request-Id";

  private final HttpHandler next;
  private final Set<String> corsOrigins;
  private final Supplier<Set<String>> ownOrigins;
  private final ClientAddresses clients;
  private final ConnectionQuota proxied;

  /**
   * @param corsOrigins configured origins (lower case)
   * @param ownOrigins the server's own origins, known once it listens
   * @param clients who a request's client is
   * @param proxied requests in flight per client behind a trusted proxy, whose connections the
   *     listener does not cap
   */
  public FrontHandler(
      HttpHandler next,
      Set<String> corsOrigins,
      Supplier<Set<String>> ownOrigins,
      ClientAddresses clients,
      ConnectionQuota proxied) {
    this.next = next;
    this.corsOrigins = Set.copyOf(corsOrigins);
    this.ownOrigins = ownOrigins;
    this.clients = clients;
    this.proxied = proxied;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    long start = System.nanoTime();
    String requestId = requestId(exchange.getRequestHeaders().getFirst(Http.REQUEST_ID));
    exchange.putAttachment(Http.REQUEST_ID_KEY, requestId);
    HeaderMap out = exchange.getResponseHeaders();
    out.put(Http.REQUEST_ID, requestId);
    out.put(new HttpString("X-Content-Type-Options"), "nosniff");
    out.put(new HttpString("Referrer-Policy"), "no-referrer");
    out.put(new HttpString("X-Frame-Options"), "DENY");
    String path = exchange.getRequestPath();
    out.put(new HttpString("Content-Security-Policy"), API_CSP);
    if (path.startsWith("/api/") || path.equals("/openapi.json")) {
      out.put(Headers.CACHE_CONTROL, "no-store");
    }
    exchange.addExchangeCompleteListener(
        (ex, nextListener) -> {
          try {
            MDC.put("requestId", requestId);
            access.info(
                "{} {} {} {} ms request_id={}",
                ex.getRequestMethod(),
                ex.getRequestURI(),
                ex.getStatusCode(),
                (System.nanoTime() - start) / 1_000_000,
                requestId);
          } finally {
            MDC.remove("requestId");
            nextListener.proceed();
          }
        });

    if (clients.viaProxy(exchange) && !admitProxied(exchange)) {
      return;
    }
    String origin = exchange.getRequestHeaders().getFirst(Headers.ORIGIN);
    if (origin != null) {
      boolean allowed = isAllowed(origin);
      boolean preflight =
          exchange.getRequestMethod().equals(Methods.OPTIONS)
              && exchange.getRequestHeaders().contains("Access-Control-Request-Method");
      if (preflight) {
        if (!allowed) {
          Http.sendProblem(
              exchange, ApiException.forbidden("origin " + origin + " is not allowed"));
          return;
        }
        out.put(new HttpString("Access-Control-Allow-Origin"), origin);
        out.add(Headers.VARY, "Origin");
        out.put(new HttpString("Access-Control-Allow-Methods"), ALLOW_METHODS);
        out.put(new HttpString("Access-Control-Allow-Headers"), ALLOW_HEADERS);
        out.put(new HttpString("Access-Control-Max-Age"), "600");
        exchange.setStatusCode(204);
        exchange.endExchange();
        return;
      }
      if (allowed) {
        out.put(new HttpString("Access-Control-Allow-Origin"), origin);
        out.add(Headers.VARY, "Origin");
        out.put(new HttpString("Access-Control-Expose-Headers"), EXPOSE_HEADERS);
      }
    }
    try {
      MDC.put("requestId", requestId);
      next.handleRequest(exchange);
    } catch (Exception | LinkageError e) {
      Http.sendProblem(exchange, e);
    } finally {
      MDC.remove("requestId");
    }
  }

  /** Takes a place for a proxied client's request, released when it completes, or answers 429. */
  private boolean admitProxied(HttpServerExchange exchange) {
    String client = clients.of(exchange);
    if (proxied.admit(client) != ConnectionQuota.Admission.ADMITTED) {
      Http.sendProblem(
          exchange,
          ApiException.tooManyRequests(
              "too many requests in flight from " + client + "; retry when one has finished", 1));
      return false;
    }
    exchange.addExchangeCompleteListener(
        (ex, nextListener) -> {
          proxied.release(client);
          nextListener.proceed();
        });
    return true;
  }

  boolean isAllowed(String origin) {
    String lower = origin.toLowerCase(Locale.ROOT);
    return corsOrigins.contains(lower) || ownOrigins.get().contains(lower);
  }

  /** The client's id when it is short and plain, else a new one. */
  static String requestId(@org.jspecify.annotations.Nullable String given) {
    if (given != null && !given.isEmpty() && given.length() <= 128) {
      boolean plain = true;
      for (int i = 0; i < given.length() && plain; i++) {
        char c = given.charAt(i);
        plain =
            (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '-'
                || c == '_'
                || c == '.'
                || c == ':';
      }
      if (plain) {
        return given;
      }
    }
    return UUID.randomUUID().toString();
  }
}
