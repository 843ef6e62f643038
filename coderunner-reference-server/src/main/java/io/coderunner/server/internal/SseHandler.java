package io.coderunner.server.internal;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.Principal;
import io.coderunner.core.deploy.DeploymentService;
import io.coderunner.core.log.LogCursor;
import io.coderunner.core.log.LogFilter;
import io.coderunner.core.log.LogStore;
import io.coderunner.core.log.StartPosition;
import io.coderunner.websocket.WebSocketConfig;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.PathTemplateMatch;
import io.undertow.util.SameThreadExecutor;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /api/deployments/{id}/logs/stream}: follows a deployment's log as Server-Sent Events.
 * Authentication, validation and the access check run on the I/O thread (they do not block); the
 * stream then lives on that I/O thread as an {@link SseStream} driven by its cursor's signal.
 */
public final class SseHandler implements HttpHandler {
  private final RouteTable routes;
  private final DeploymentService deployments;
  private final LogStore logs;
  private final WebSocketConfig lagBounds;
  private final Duration heartbeat;
  private final Clock clock;
  private final Set<SseStream> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closing;

  public SseHandler(
      RouteTable routes,
      DeploymentService deployments,
      LogStore logs,
      WebSocketConfig lagBounds,
      Duration heartbeat,
      Clock clock) {
    this.routes = routes;
    this.deployments = deployments;
    this.logs = logs;
    this.lagBounds = lagBounds;
    this.heartbeat = heartbeat;
    this.clock = clock;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) {
    try {
      start(exchange);
    } catch (RuntimeException e) {
      Http.sendProblem(exchange, e);
    }
  }

  private void start(HttpServerExchange exchange) {
    if (closing) {
      throw new ApiException(503, "Service Unavailable", "the server is shutting down");
    }
    // A browser EventSource cannot send headers: it may pass the token as access_token instead.
    // The access log records the path without its query, so the token is never logged.
    String queryToken = query(exchange, "access_token");
    Principal p =
        exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION) == null && queryToken != null
            ? routes.authenticateToken(queryToken, RouteTable.Access.USER)
            : routes.authenticate(exchange, RouteTable.Access.USER);
    PathTemplateMatch match = exchange.getAttachment(PathTemplateMatch.ATTACHMENT_KEY);
    String rawId = match == null ? null : match.getParameters().get("id");
    DeploymentId id = Requests.deploymentId(rawId == null ? "" : rawId);
    deployments.get(p, id);

    Requests.Errors errors = new Requests.Errors();
    String afterRaw = query(exchange, "after");
    String lastEventId = exchange.getRequestHeaders().getFirst("Last-Event-ID");
    String field = "after";
    if (lastEventId != null && !lastEventId.isBlank()) {
      afterRaw = lastEventId;
      field = "Last-Event-ID";
    }
    String tailRaw = query(exchange, "tail");
    long after = Requests.longParam(afterRaw, field, -1, 0, Long.MAX_VALUE, errors);
    int tail =
        (int) Requests.longParam(tailRaw, "tail", -1, 0, StartPosition.Tail.MAX_TAIL, errors);
    if (afterRaw != null && tailRaw != null && field.equals("after")) {
      errors.add("tail", "after and tail cannot be combined");
    }
    LogFilter filter =
        Requests.filter(
            query(exchange, "level"),
            query(exchange, "stream"),
            query(exchange, "q"),
            null,
            errors);
    String epoch = query(exchange, "epoch");
    errors.check();

    StartPosition position;
    if (after >= 0) {
      position = epoch == null ? StartPosition.after(after) : StartPosition.after(epoch, after);
    } else if (tail >= 0) {
      position = StartPosition.tail(tail);
    } else {
      position = StartPosition.live();
    }

    exchange.setStatusCode(200);
    exchange.setPersistent(false);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/event-stream; charset=utf-8");
    exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
    exchange.getResponseHeaders().put(new HttpString("X-Accel-Buffering"), "no");
    long head = logs.info(id).map(i -> i.lastSeq()).orElse(0L);
    SseStream stream =
        new SseStream(exchange, id, lagBounds, heartbeat, clock, head, filter, open::remove);
    // The stream filters what it sends, so status events pass any filter; only a tail counts
    // matching lines, so only a tail gives the cursor the filter.
    LogFilter cursorFilter = position instanceof StartPosition.Tail ? filter : LogFilter.all();
    LogCursor cursor = logs.subscribe(id, position, cursorFilter, stream);
    open.add(stream);
    exchange.dispatch(SameThreadExecutor.INSTANCE, () -> stream.begin(cursor));
  }

  private static @Nullable String query(HttpServerExchange exchange, String name) {
    var values = exchange.getQueryParameters().get(name);
    return values == null || values.isEmpty() ? null : String.join(",", values);
  }

  /** Open streams now. */
  public int openStreams() {
    return open.size();
  }

  /** Refuses new streams and ends every open one after it sent what is ready. */
  public void close() {
    closing = true;
    for (SseStream s : open) {
      s.shutdown();
    }
  }
}
