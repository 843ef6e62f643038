package io.coderunner.server.internal;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.DeploymentNotFoundException;
import io.coderunner.core.Principal;
import io.coderunner.core.auth.JwtService;
import io.coderunner.core.auth.VerifiedToken;
import io.coderunner.core.deploy.DeploymentService;
import io.coderunner.core.follow.ConnectionQuota;
import io.coderunner.core.follow.FollowConfig;
import io.coderunner.core.log.LogFilter;
import io.coderunner.core.log.LogStore;
import io.coderunner.core.log.StartPosition;
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
 * Authentication, validation, the access check and the stream quota run on the I/O thread (they do
 * not block); the stream then lives on that I/O thread as an {@link SseStream}.
 */
public final class SseHandler implements HttpHandler {
  /** Seconds a client refused for too many streams is asked to wait. */
  static final long RETRY_AFTER_SECONDS = 5;

  /** Longest {@code Last-Event-ID} accepted: an epoch of up to 128 characters, a colon, a seq. */
  private static final int MAX_EVENT_ID_LENGTH = 160;

  private final RouteTable routes;
  private final DeploymentService deployments;
  private final LogStore logs;
  private final JwtService jwt;
  private final FollowConfig follow;
  private final Duration heartbeat;
  private final Clock clock;
  private final ConnectionQuota quota;
  private final Set<SseStream> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closing;

  public SseHandler(
      RouteTable routes,
      DeploymentService deployments,
      LogStore logs,
      JwtService jwt,
      FollowConfig follow,
      Duration heartbeat,
      ConnectionQuota quota,
      Clock clock) {
    this.routes = routes;
    this.deployments = deployments;
    this.logs = logs;
    this.jwt = jwt;
    this.follow = follow;
    this.heartbeat = heartbeat;
    this.quota = quota;
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
    VerifiedToken token =
        exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION) == null && queryToken != null
            ? routes.verifyToken(queryToken, RouteTable.Access.USER)
            : routes.verify(exchange, RouteTable.Access.USER);
    Principal p = token.principal();
    PathTemplateMatch match = exchange.getAttachment(PathTemplateMatch.ATTACHMENT_KEY);
    String rawId = match == null ? null : match.getParameters().get("id");
    DeploymentId id = Requests.deploymentId(rawId == null ? "" : rawId);
    deployments.get(p, id);

    Requests.Errors errors = new Requests.Errors();
    StartPosition position = position(exchange, errors);
    LogFilter filter =
        Requests.filter(
            query(exchange, "level"),
            query(exchange, "stream"),
            query(exchange, "q"),
            null,
            errors);
    errors.check();

    switch (quota.admit(p.id())) {
      case TOO_MANY -> throw tooMany("too many event streams are open; retry later");
      case TOO_MANY_FOR_PRINCIPAL ->
          throw tooMany("too many event streams are open for this user; close one first");
      case ADMITTED -> {
        // go on
      }
    }
    SseStream stream;
    try {
      stream = open(exchange, id, p, position, filter, token);
    } catch (RuntimeException e) {
      quota.release(p.id());
      if (e instanceof DeploymentNotFoundException) {
        throw ApiException.notFound("no deployment " + id.value());
      }
      throw e;
    }
    exchange.dispatch(SameThreadExecutor.INSTANCE, stream::begin);
  }

  private SseStream open(
      HttpServerExchange exchange,
      DeploymentId id,
      Principal p,
      StartPosition position,
      LogFilter filter,
      VerifiedToken token) {
    SseStream stream =
        new SseStream(
            exchange,
            id,
            follow,
            logs,
            clock,
            heartbeat,
            ended -> {
              if (open.remove(ended)) {
                quota.release(p.id());
              }
            });
    stream.open(position, filter, jwt.validUntil(token));
    open.add(stream);
    exchange.setStatusCode(200);
    exchange.setPersistent(false);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/event-stream; charset=utf-8");
    exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
    exchange.getResponseHeaders().put(new HttpString("X-Accel-Buffering"), "no");
    return stream;
  }

  private static ApiException tooMany(String detail) {
    return ApiException.tooManyRequests(detail, RETRY_AFTER_SECONDS);
  }

  /**
   * Where the stream starts: {@code Last-Event-ID} ({@code <epoch>:<seq>}, or a bare seq from older
   * clients) wins over {@code after} (with {@code epoch}) and {@code tail}; none of them is live.
   */
  private static StartPosition position(HttpServerExchange exchange, Requests.Errors errors) {
    String epoch = query(exchange, "epoch");
    String afterRaw = query(exchange, "after");
    String tailRaw = query(exchange, "tail");
    String lastEventId = exchange.getRequestHeaders().getFirst("Last-Event-ID");
    StartPosition position = StartPosition.live();
    if (lastEventId != null && !lastEventId.isBlank()) {
      String value = lastEventId.trim();
      int colon = value.lastIndexOf(':');
      if (value.length() > MAX_EVENT_ID_LENGTH) {
        errors.add("Last-Event-ID", "must be at most " + MAX_EVENT_ID_LENGTH + " characters");
      } else if (colon == 0) {
        errors.add("Last-Event-ID", "must be <epoch>:<seq> or a seq");
      } else {
        if (colon > 0) {
          epoch = value.substring(0, colon);
          value = value.substring(colon + 1);
        }
        long seq = Requests.longParam(value, "Last-Event-ID", -1, 0, Long.MAX_VALUE, errors);
        if (seq >= 0) {
          position = new StartPosition.After(seq, epoch);
        }
      }
    } else {
      long after = Requests.longParam(afterRaw, "after", -1, 0, Long.MAX_VALUE, errors);
      int tail =
          (int) Requests.longParam(tailRaw, "tail", -1, 0, StartPosition.Tail.MAX_TAIL, errors);
      if (afterRaw != null && tailRaw != null) {
        errors.add("tail", "after and tail cannot be combined");
      } else if (after >= 0) {
        position = new StartPosition.After(after, epoch);
      } else if (tail >= 0) {
        position = StartPosition.tail(tail);
      }
    }
    if (epoch != null && (epoch.isBlank() || epoch.length() > 128)) {
      errors.add("epoch", "must be 1 to 128 characters");
    }
    return position;
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
