package io.coderunner.metrics;

/**
 * Every metric name CodeRunner registers, in Micrometer's lowercase dotted form. A registry turns
 * them into its own convention: Prometheus gets snake_case, the base unit and {@code _total} for
 * counters (for example {@link #LOGS_APPENDED} becomes {@code
 * coderunner_logs_appended_lines_total}).
 *
 * <p>Tags are bounded: a status, a method, a route template, never a deployment id.
 */
public final class CodeRunnerMetricNames {
  private CodeRunnerMetricNames() {}

  /** Common prefix of every CodeRunner metric. */
  public static final String PREFIX = "coderunner.";

  /** Lines ever appended to the log store (function counter, lines). */
  public static final String LOGS_APPENDED = PREFIX + "logs.appended";

  /** Approximate size of the lines ever appended (function counter, bytes). */
  public static final String LOGS_APPENDED_BYTES = PREFIX + "logs.appended.bytes";

  /** Lines dropped by retention or the global byte budget (function counter, lines). */
  public static final String LOGS_EVICTED = PREFIX + "logs.evicted";

  /** Lines the store keeps now (gauge, lines). */
  public static final String LOGS_RETAINED = PREFIX + "logs.retained";

  /** Approximate size of the lines the store keeps now (gauge, bytes). */
  public static final String LOGS_RETAINED_BYTES = PREFIX + "logs.retained.bytes";

  /**
   * The store's global byte budget (gauge, bytes; NaN when it has none): retained bytes over it
   * make the store evict the oldest lines.
   */
  public static final String LOGS_BUDGET = PREFIX + "logs.budget";

  /** Gaps reported to cursors that fell behind retention (function counter, gaps). */
  public static final String LOGS_GAPS = PREFIX + "logs.gaps";

  /**
   * Deployment logs the store holds (gauge, logs). Not {@code logs.count}: Prometheus reserves the
   * {@code _count} suffix for histograms and summaries.
   */
  public static final String LOGS_STORED = PREFIX + "logs.stored";

  /** Open cursors on the store's logs (gauge, cursors). */
  public static final String LOGS_CURSORS = PREFIX + "logs.cursors";

  /** Deployments by status (gauge, deployments, tag {@link #TAG_STATUS}). */
  public static final String DEPLOYMENTS = PREFIX + "deployments";

  /** Processes a deployment service asked its runner to start (function counter). */
  public static final String DEPLOYMENTS_STARTS = PREFIX + "deployments.starts";

  /**
   * Deployments that failed (function counter, tag {@link #TAG_REASON}: {@code start} when no
   * process ran, {@code exit} when it exited with a non-zero code).
   */
  public static final String DEPLOYMENTS_FAILURES = PREFIX + "deployments.failures";

  /**
   * HTTP requests served (timer, seconds, tags {@link #TAG_METHOD}, {@link #TAG_ROUTE}, {@link
   * #TAG_STATUS}, {@link #TAG_OUTCOME}).
   */
  public static final String HTTP_SERVER_REQUESTS = PREFIX + "http.server.requests";

  /** Bytes received on all network interfaces, loopback included (function counter, bytes). */
  public static final String NETWORK_RECEIVED_BYTES = PREFIX + "network.received.bytes";

  /** Bytes sent on all network interfaces, loopback included (function counter, bytes). */
  public static final String NETWORK_SENT_BYTES = PREFIX + "network.sent.bytes";

  /** Health of a component (gauge: 1 UP, 0.5 DEGRADED, 0 DOWN; tag {@link #TAG_COMPONENT}). */
  public static final String HEALTH_STATUS = PREFIX + "health.status";

  /**
   * State of a health check's circuit breaker (gauge: 0 closed, 1 half-open, 2 open; tag {@link
   * #TAG_COMPONENT}).
   */
  public static final String HEALTH_BREAKER_STATE = PREFIX + "health.breaker.state";

  /** Open WebSocket connections (gauge, no unit). */
  public static final String WS_CONNECTIONS = PREFIX + "ws.connections";

  /** Open WebSocket connections that authenticated (gauge, no unit). */
  public static final String WS_CONNECTIONS_AUTHENTICATED = PREFIX + "ws.connections.authenticated";

  /** Live subscriptions over WebSocket (gauge, no unit). */
  public static final String WS_SUBSCRIPTIONS = PREFIX + "ws.subscriptions";

  /** WebSocket connections ever accepted (function counter, no unit). */
  public static final String WS_CONNECTIONS_ACCEPTED = PREFIX + "ws.connections.accepted";

  /** WebSocket frames written (function counter, no unit). */
  public static final String WS_FRAMES_SENT = PREFIX + "ws.frames.sent";

  /** Bytes written to WebSocket connections (function counter, bytes). */
  public static final String WS_BYTES_SENT = PREFIX + "ws.bytes.sent";

  /** Log lines written to WebSocket connections (function counter, no unit). */
  public static final String WS_LINES_SENT = PREFIX + "ws.lines.sent";

  /** {@code logs} frames encoded, a frame shared by connections once (function counter). */
  public static final String WS_FRAMES_ENCODED = PREFIX + "ws.frames.encoded";

  /** {@code logs} frames sent from another connection's encoding (function counter). */
  public static final String WS_FRAMES_SHARED = PREFIX + "ws.frames.shared";

  /** WebSocket connections closed by the server (function counter, tag {@link #TAG_CODE}). */
  public static final String WS_CLOSES = PREFIX + "ws.closes";

  /** Failed WebSocket authentications (function counter, tag {@link #TAG_REASON}). */
  public static final String WS_AUTH_FAILURES = PREFIX + "ws.auth.failures";

  /**
   * Time from a live line's append to the WebSocket frame holding it being written (timer, seconds,
   * with fixed histogram buckets); one sample per timed frame (one live frame in the listener's
   * timing interval of each connection), timed from its oldest line.
   */
  public static final String WS_DELIVERY_LATENCY = PREFIX + "ws.delivery.latency";

  /** Subscriptions that resumed from a position (counter, tag {@link #TAG_OUTCOME}). */
  public static final String WS_RESUMES = PREFIX + "ws.resumes";

  /** Tag: a WebSocket close code, or {@link #OTHER} for one outside the known set. */
  public static final String TAG_CODE = "code";

  /** Tag: why an authentication failed, from a fixed set, or {@link #OTHER}. */
  public static final String TAG_REASON = "reason";

  /** The value of a bounded tag for anything outside its fixed set. */
  public static final String OTHER = "other";

  /** Tag: a health component's name, from the bounded set the host registers. */
  public static final String TAG_COMPONENT = "component";

  /** Tag: whether a health component is critical ({@code true}) or not ({@code false}). */
  public static final String TAG_CRITICAL = "critical";

  /** Tag: a deployment status, or an HTTP status code. */
  public static final String TAG_STATUS = "status";

  /** Tag: the HTTP method, or {@code OTHER} for a non-standard one. */
  public static final String TAG_METHOD = "method";

  /** Tag: the route template that matched, or {@link #UNKNOWN_ROUTE}. */
  public static final String TAG_ROUTE = "route";

  /**
   * Tag: the status class of an HTTP request ({@code SUCCESS}, {@code CLIENT_ERROR}, ...), or how a
   * resume ended ({@code continued}, {@code gap}, {@code reset}).
   */
  public static final String TAG_OUTCOME = "outcome";

  /** The {@link #TAG_ROUTE} of a request that matched no route. */
  public static final String UNKNOWN_ROUTE = "UNKNOWN";
}
