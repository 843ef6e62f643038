package io.coderunner.server.internal;

import static io.coderunner.server.internal.SettingKind.BOOLEAN;
import static io.coderunner.server.internal.SettingKind.FSYNC;
import static io.coderunner.server.internal.SettingKind.LIST;
import static io.coderunner.server.internal.SettingKind.ON_RESTART;
import static io.coderunner.server.internal.SettingKind.PATH;
import static io.coderunner.server.internal.SettingKind.PERCENT;
import static io.coderunner.server.internal.SettingKind.SECRET;
import static io.coderunner.server.internal.SettingKind.STRING;
import static io.coderunner.server.internal.SettingKind.STRING_MAP;
import static io.coderunner.server.internal.SettingKind.USERS;
import static io.coderunner.server.internal.SettingKind.bytes;
import static io.coderunner.server.internal.SettingKind.duration;
import static io.coderunner.server.internal.SettingKind.integer;
import static io.coderunner.server.internal.SettingKind.longBytes;
import static io.coderunner.server.internal.SettingKind.longInteger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Every setting of the reference server, each declared once. The config-file loader, the
 * environment and flags, the validation messages, {@code --help}, {@code --print-config} and the
 * settings table in {@code docs/configuration.md} all come from {@link #ALL}. Defaults are not
 * declared here: they are what {@link io.coderunner.server.ServerConfig#builder()} and the
 * libraries' own builders start from.
 */
public final class Settings {
  /** The settings, in the order the docs list them. */
  public static final List<Setting<?>> ALL =
      List.of(
          Setting.of(
              "host",
              STRING,
              "Address to listen on: an IP address or host name; `0.0.0.0` listens on every interface",
              c -> c.host(),
              (d, v) -> d.server.host(v)),
          Setting.of(
              "port",
              integer(0, 65_535),
              "Port to listen on; `0` picks a free one (the listening line says which)",
              c -> c.port(),
              (d, v) -> d.server.port(v)),
          Setting.of(
              "demo",
              BOOLEAN,
              "Run the demo: in-memory stores (unless `dataDir` is set), users `demo` and `admin`, a deployment that keeps logging, a generated JWT secret unless one is set",
              c -> c.demo(),
              (d, v) -> d.server.demo(v)),
          Setting.of(
                  "dataDir",
                  PATH,
                  "Where deployments and their logs are kept (`--data-dir`); created if missing, locked while the server runs",
                  c -> c.dataDir(),
                  (d, v) -> d.server.dataDir(v))
              .documentedDefault("`./data`; in memory with `--demo`"),
          Setting.of(
              "storage.fsync",
              FSYNC,
              "When an acknowledged log line is on the disk: `always` (fsynced before the answer), `batch` (at most `storage.batchInterval` of lines at risk), `none` (never fsynced)",
              c -> c.storageFsync(),
              (d, v) -> d.server.storageFsync(v)),
          Setting.of(
              "storage.batchInterval",
              duration(Duration.ofMillis(1), Duration.ofSeconds(10)),
              "Under `batch` and `none`, the longest an acknowledged line waits to be written",
              c -> c.storageBatchInterval(),
              (d, v) -> d.server.storageBatchInterval(v)),
          Setting.of(
              "deployments.onRestart",
              ON_RESTART,
              "A deployment that was active when the server stopped is marked failed with a line saying so; `start` then starts it again. Processes a killed server left running are stopped first either way",
              c -> c.deploymentsOnRestart(),
              (d, v) -> d.server.deploymentsOnRestart(v)),
          Setting.of(
              "users",
              USERS,
              "Who may log in; make a `passwordHash` with `hash-password`",
              c -> c.users(),
              (d, v) -> d.server.users(v)),
          Setting.of(
              "corsOrigins",
              LIST,
              "Browser origins (`scheme://host[:port]`) that may call the API and open `/ws`, besides the server's own",
              c -> c.corsOrigins(),
              (d, v) -> d.server.corsOrigins(v)),
          Setting.of(
              "shutdownTimeout",
              duration(Duration.ZERO, Duration.ofMinutes(10)),
              "How long shutdown waits for in-flight requests and connections",
              c -> c.shutdownTimeout(),
              (d, v) -> d.server.shutdownTimeout(v)),
          Setting.of(
              "http.maxBodyBytes",
              bytes(1024, 64 << 20),
              "Largest request body; a larger one gets 413",
              c -> c.maxBodyBytes(),
              (d, v) -> d.server.maxBodyBytes(v)),
          Setting.of(
              "http.requestHeaderTimeout",
              duration(Duration.ofMillis(100), Duration.ofHours(1)),
              "Time a request's headers may take to arrive; then the connection is closed",
              c -> c.requestHeaderTimeout(),
              (d, v) -> d.server.requestHeaderTimeout(v)),
          Setting.of(
              "http.requestBodyTimeout",
              duration(Duration.ofMillis(100), Duration.ofHours(1)),
              "Time a request's body may take to arrive; then 408 and the connection is closed",
              c -> c.requestBodyTimeout(),
              (d, v) -> d.server.requestBodyTimeout(v)),
          Setting.of(
              "http.idleTimeout",
              duration(Duration.ofMillis(100), Duration.ofHours(1)),
              "Time a keep-alive connection may wait for its next request",
              c -> c.idleTimeout(),
              (d, v) -> d.server.idleTimeout(v)),
          Setting.of(
              "http.maxConnectionsPerAddress",
              integer(1, 1_000_000),
              "Open connections per client address; one more is closed at accept (behind a trusted proxy: requests in flight per client, then 429)",
              c -> c.maxConnectionsPerAddress(),
              (d, v) -> d.server.maxConnectionsPerAddress(v)),
          Setting.of(
              "http.trustedProxies",
              LIST,
              "Proxies (IP addresses or CIDR ranges) whose `Forwarded` or `X-Forwarded-For` names the client",
              c -> c.trustedProxies(),
              (d, v) -> d.server.trustedProxies(v)),
          Setting.of(
              "api.requestsPerMinute",
              integer(1, 10_000_000),
              "Control-API requests per minute per principal, then 429 (ingest has its own budget)",
              c -> c.apiRequestsPerMinute(),
              (d, v) -> d.server.apiRequestsPerMinute(v)),
          Setting.of(
              "login.failuresPerMinutePerUserAndAddress",
              integer(1, 100_000),
              "Wrong passwords per minute for one username from one address, then 429",
              c -> c.loginFailuresPerMinutePerUserAndAddress(),
              (d, v) -> d.server.loginFailuresPerMinutePerUserAndAddress(v)),
          Setting.of(
              "login.failuresPerMinutePerAddress",
              integer(1, 100_000),
              "Wrong passwords per minute from one address, whatever the username, then 429",
              c -> c.loginFailuresPerMinutePerAddress(),
              (d, v) -> d.server.loginFailuresPerMinutePerAddress(v)),
          Setting.of(
              "login.failuresPerMinutePerUser",
              integer(1, 1_000_000),
              "Wrong passwords per minute for one username from all addresses; past it an address that has not failed for it may still try once",
              c -> c.loginFailuresPerMinutePerUser(),
              (d, v) -> d.server.loginFailuresPerMinutePerUser(v)),
          Setting.of(
                  "login.maxConcurrentPasswordChecks",
                  integer(1, 1024),
                  "Password checks at once; one more login gets 503 with `Retry-After: 1`",
                  c -> c.maxConcurrentPasswordChecks(),
                  (d, v) -> d.server.maxConcurrentPasswordChecks(v))
              .documentedDefault("the number of cores"),
          Setting.of(
                  "jwt.secret",
                  SECRET,
                  "The HS256 secret that signs and verifies tokens; required outside the demo. Prefer the environment to a shared file",
                  c -> c.jwtSecret(),
                  (d, v) -> d.server.jwtSecret(v))
              .documentedDefault("none (demo: generated per run)"),
          Setting.of(
              "jwt.tokenTtl",
              duration(Duration.ofSeconds(1), Duration.ofDays(30)),
              "Lifetime of issued tokens",
              c -> c.tokenTtl(),
              (d, v) -> d.server.tokenTtl(v)),
          Setting.of(
              "jwt.issuer",
              STRING,
              "The `iss` of issued tokens, required of presented ones",
              c -> c.jwtIssuer(),
              (d, v) -> d.server.jwtIssuer(v)),
          Setting.of(
              "jwt.audience",
              STRING,
              "The `aud` of issued tokens, required of presented ones",
              c -> c.jwtAudience(),
              (d, v) -> d.server.jwtAudience(v)),
          Setting.of(
              "jwt.leeway",
              duration(Duration.ZERO, Duration.ofMinutes(5)),
              "Clock skew allowed when checking a token's `exp`, `nbf` and `iat`",
              c -> c.jwtLeeway(),
              (d, v) -> d.server.jwtLeeway(v)),
          Setting.of(
              "jwt.maxTokenLength",
              integer(256, 1 << 20),
              "Longest token accepted, in characters; a longer one is refused unread",
              c -> c.jwtMaxTokenLength(),
              (d, v) -> d.server.jwtMaxTokenLength(v)),
          Setting.of(
              "ingest.requestsPerSecond",
              integer(1, 1_000_000),
              "Ingest requests (`POST …/logs`) per second per principal, burst one second's worth, then 429",
              c -> c.ingestRequestsPerSecond(),
              (d, v) -> d.server.ingestRequestsPerSecond(v)),
          Setting.of(
              "ingest.linesPerSecond",
              integer(1, 100_000_000),
              "Ingested lines per second per principal, burst one second's worth, then 429; more lines in one request get 413",
              c -> c.ingestLinesPerSecond(),
              (d, v) -> d.server.ingestLinesPerSecond(v)),
          Setting.of(
              "ingest.bytesPerSecond",
              longBytes(1024, 1L << 40),
              "Ingest request-body bytes per second per principal, burst one second's worth, then 429; a larger body gets 413",
              c -> c.ingestBytesPerSecond(),
              (d, v) -> d.server.ingestBytesPerSecond(v)),
          Setting.of(
              "retention.maxLines",
              longInteger(1, 1_000_000_000L),
              "Lines kept per deployment; older ones are dropped (a follower gets a `gap`)",
              c -> c.retention().maxLines(),
              (d, v) -> d.retention.maxLines(v)),
          Setting.of(
              "retention.maxBytes",
              longBytes(1024, Long.MAX_VALUE),
              "Bytes kept per deployment",
              c -> c.retention().maxBytes(),
              (d, v) -> d.retention.maxBytes(v)),
          Setting.of(
              "retention.maxAge",
              duration(Duration.ofSeconds(1), null),
              "Age after which lines are dropped",
              c -> c.retention().maxAge(),
              (d, v) -> d.retention.maxAge(v)),
          Setting.of(
              "retention.globalMaxBytes",
              longBytes(1024, Long.MAX_VALUE),
              "Bytes kept for all deployments together; the owner holding most loses its oldest first",
              c -> c.retention().globalMaxBytes(),
              (d, v) -> d.retention.globalMaxBytes(v)),
          Setting.of(
              "retention.maxLineBytes",
              bytes(256, 1 << 20),
              "Longest line (UTF-8) kept whole, ingested or printed by a process; a longer one is cut and marked",
              c -> c.retention().maxLineBytes(),
              (d, v) -> d.retention.maxLineBytes(v)),
          Setting.of(
              "retention.idempotencyWindow",
              duration(Duration.ofSeconds(1), null),
              "How long a deployment's log remembers an ingest's `Idempotency-Key`: a retry within it is answered with the first request's seqs",
              c -> c.retention().idempotencyWindow(),
              (d, v) -> d.retention.idempotencyWindow(v)),
          Setting.of(
              "retention.maxIdempotencyKeys",
              integer(1, 1_000_000),
              "Most `Idempotency-Key`s a deployment's log remembers; past it the oldest is forgotten first",
              c -> c.retention().maxIdempotencyKeys(),
              (d, v) -> d.retention.maxIdempotencyKeys(v)),
          Setting.of(
              "follow.maxBatchLines",
              integer(1, 100_000),
              "Most lines in one `logs` frame or event-stream write",
              c -> c.follow().maxBatchLines(),
              (d, v) -> d.follow.maxBatchLines(v)),
          Setting.of(
              "follow.maxBatchBytes",
              longBytes(4 << 10, 64 << 20),
              "Most bytes in one `logs` frame or event-stream write",
              c -> c.follow().maxBatchBytes(),
              (d, v) -> d.follow.maxBatchBytes(v)),
          Setting.of(
              "follow.maxScanLinesPerTurn",
              integer(1, 1_000_000),
              "Lines a filtered follower examines in one turn before yielding the thread",
              c -> c.follow().maxScanLinesPerTurn(),
              (d, v) -> d.follow.maxScanLinesPerTurn(v)),
          Setting.of(
              "follow.maxScanBytesPerTurn",
              longBytes(4 << 10, 1L << 30),
              "Bytes a filtered follower examines in one turn before yielding the thread",
              c -> c.follow().maxScanBytesPerTurn(),
              (d, v) -> d.follow.maxScanBytesPerTurn(v)),
          Setting.of(
              "follow.maxLagBytes",
              longBytes(64 << 10, 1L << 40),
              "How far behind the head a follower may fall, in bytes, before it is closed (WebSocket 4008)",
              c -> c.follow().maxLagBytes(),
              (d, v) -> d.follow.maxLagBytes(v)),
          Setting.of(
              "follow.maxLagTime",
              duration(Duration.ofMillis(100), Duration.ofHours(1)),
              "How long a follower may stay behind before it is closed (WebSocket 4008)",
              c -> c.follow().maxLagTime(),
              (d, v) -> d.follow.maxLagTime(v)),
          Setting.of(
              "follow.lagBytesGrace",
              duration(Duration.ZERO, Duration.ofMinutes(1)),
              "How long a follower may stay past `maxLagBytes` before it is closed",
              c -> c.follow().lagBytesGrace(),
              (d, v) -> d.follow.lagBytesGrace(v)),
          Setting.of(
              "websocket.maxInboundFrameBytes",
              bytes(1 << 10, 16 << 20),
              "Largest client frame; a larger one closes with 1009",
              c -> c.websocket().maxInboundFrameBytes(),
              (d, v) -> d.websocket.maxInboundFrameBytes(v)),
          Setting.of(
              "websocket.authTimeout",
              duration(Duration.ofMillis(100), Duration.ofMinutes(5)),
              "Time an unauthenticated connection has to send `auth`; then 4401",
              c -> c.websocket().authTimeout(),
              (d, v) -> d.websocket.authTimeout(v)),
          Setting.of(
              "websocket.maxConnections",
              integer(1, 10_000_000),
              "Open WebSocket connections in all; one more closes with 4429",
              c -> c.websocket().maxConnections(),
              (d, v) -> d.websocket.maxConnections(v)),
          Setting.of(
              "websocket.maxConnectionsPerPrincipal",
              integer(1, 10_000_000),
              "Open WebSocket connections of one principal; one more closes with 4429",
              c -> c.websocket().maxConnectionsPerPrincipal(),
              (d, v) -> d.websocket.maxConnectionsPerPrincipal(v)),
          Setting.of(
              "websocket.maxSubscriptionsPerConnection",
              integer(1, 10_000),
              "Subscriptions on one connection; one more gets an `error`",
              c -> c.websocket().maxSubscriptionsPerConnection(),
              (d, v) -> d.websocket.maxSubscriptionsPerConnection(v)),
          Setting.of(
              "websocket.inboundMessagesPerSecond",
              integer(1, 100_000),
              "Client frames per second per connection, sustained; past the burst the connection closes with 4429",
              c -> c.websocket().inboundMessagesPerSecond(),
              (d, v) -> d.websocket.inboundMessagesPerSecond(v)),
          Setting.of(
              "websocket.inboundBurst",
              integer(1, 1_000_000),
              "Client frames a connection may send at once above the sustained rate",
              c -> c.websocket().inboundBurst(),
              (d, v) -> d.websocket.inboundBurst(v)),
          Setting.of(
              "websocket.maxMalformedFrames",
              integer(0, 1000),
              "Malformed frames answered with `error` before the connection closes with 4400",
              c -> c.websocket().maxMalformedFrames(),
              (d, v) -> d.websocket.maxMalformedFrames(v)),
          Setting.of(
              "websocket.heartbeat",
              duration(Duration.ofMillis(50), Duration.ofMinutes(10)),
              "Interval of the server's ping on an idle connection; a peer silent for two is closed",
              c -> c.websocket().heartbeatInterval(),
              (d, v) -> d.websocket.heartbeatInterval(v)),
          Setting.of(
              "sse.heartbeat",
              duration(Duration.ofMillis(10), Duration.ofMinutes(10)),
              "Interval of the `: ping` comment on an idle event stream",
              c -> c.sseHeartbeat(),
              (d, v) -> d.server.sseHeartbeat(v)),
          Setting.of(
              "sse.maxStreams",
              integer(1, 1_000_000),
              "Open event streams in all; one more gets 429",
              c -> c.sseMaxStreams(),
              (d, v) -> d.server.sseMaxStreams(v)),
          Setting.of(
              "sse.maxStreamsPerPrincipal",
              integer(1, 1_000_000),
              "Open event streams of one principal; one more gets 429",
              c -> c.sseMaxStreamsPerPrincipal(),
              (d, v) -> d.server.sseMaxStreamsPerPrincipal(v)),
          Setting.of(
              "runner.allowedCommands",
              LIST,
              "Executables deployments may start: bare names (looked up on the server's `PATH`) or absolute paths",
              c -> c.runner().allowedCommands(),
              (d, v) -> d.runner.allowedCommands(v)),
          Setting.of(
              "runner.stopGrace",
              duration(Duration.ZERO, Duration.ofMinutes(10)),
              "Time between SIGTERM and SIGKILL when a deployment stops",
              c -> c.runner().stopGrace(),
              (d, v) -> d.runner.stopGrace(v)),
          Setting.of(
              "runner.inheritedVariables",
              LIST,
              "The server's environment variables every process inherits",
              c -> c.runner().inheritedVariables(),
              (d, v) -> d.runner.inheritedVariables(v)),
          Setting.of(
              "runner.baseEnvironment",
              STRING_MAP,
              "Variables every process gets, over the inherited ones and under the deployment's own",
              c -> c.runner().baseEnvironment(),
              (d, v) -> d.runner.baseEnvironment(v)),
          Setting.of(
                  "runner.defaultWorkingDir",
                  PATH,
                  "Where deployments without a `workingDir` start",
                  c -> c.runner().defaultWorkingDir(),
                  (d, v) -> d.runner.defaultWorkingDir(v))
              .documentedDefault("the server's working directory"),
          Setting.of(
              "runner.processGroups",
              BOOLEAN,
              "Start each process in a process group of its own (`setsid`), so stop reaches its children",
              c -> c.runner().processGroups(),
              (d, v) -> d.runner.processGroups(v)),
          Setting.of(
              "deployments.maxPerOwner",
              integer(1, 1_000_000),
              "Deployments one owner may have; one more gets 409",
              c -> c.deploymentLimits().maxDeploymentsPerOwner(),
              (d, v) -> d.deployments.maxDeploymentsPerOwner(v)),
          Setting.of(
              "deployments.maxRunningPerOwner",
              integer(1, 100_000),
              "Deployments of one owner running at once; one more start gets 409",
              c -> c.deploymentLimits().maxRunningPerOwner(),
              (d, v) -> d.deployments.maxRunningPerOwner(v)),
          Setting.of(
              "deployments.maxRunning",
              integer(1, 100_000),
              "Deployments running at once in all; one more start gets 409",
              c -> c.deploymentLimits().maxRunning(),
              (d, v) -> d.deployments.maxRunning(v)),
          Setting.of(
              "deployments.maxCommandArgs",
              integer(1, 100_000),
              "Elements of a deployment's `command`; more get 400",
              c -> c.deploymentLimits().maxCommandArgs(),
              (d, v) -> d.deployments.maxCommandArgs(v)),
          Setting.of(
              "deployments.maxCommandBytes",
              bytes(1, 16 << 20),
              "Bytes of a deployment's `command` together; more get 400",
              c -> c.deploymentLimits().maxCommandBytes(),
              (d, v) -> d.deployments.maxCommandBytes(v)),
          Setting.of(
              "deployments.maxEnvVariables",
              integer(0, 100_000),
              "Variables of a deployment's `env`; more get 400",
              c -> c.deploymentLimits().maxEnvVariables(),
              (d, v) -> d.deployments.maxEnvVariables(v)),
          Setting.of(
              "deployments.maxEnvBytes",
              bytes(0, 16 << 20),
              "Bytes of a deployment's `env` together; more get 400",
              c -> c.deploymentLimits().maxEnvBytes(),
              (d, v) -> d.deployments.maxEnvBytes(v)),
          Setting.of(
              "health.timeout",
              duration(Duration.ofMillis(1), Duration.ofMinutes(1)),
              "Time one health check may take before it counts as DOWN",
              c -> c.health().timeout(),
              (d, v) -> d.health.timeout(v)),
          Setting.of(
              "health.failureRateThreshold",
              PERCENT,
              "Failed checks, in percent of the window, that open a check's circuit breaker",
              c -> c.health().failureRateThreshold(),
              (d, v) -> d.health.failureRateThreshold(v)),
          Setting.of(
              "health.slidingWindowSize",
              integer(1, 1000),
              "Checks a circuit breaker counts",
              c -> c.health().slidingWindowSize(),
              (d, v) -> d.health.slidingWindowSize(v)),
          Setting.of(
              "health.waitInOpenState",
              duration(Duration.ofMillis(1), Duration.ofHours(1)),
              "How long an open breaker answers DOWN before it tries the check again",
              c -> c.health().waitInOpenState(),
              (d, v) -> d.health.waitInOpenState(v)),
          Setting.of(
              "health.cache",
              duration(Duration.ZERO, Duration.ofMinutes(1)),
              "How long a health result is reused",
              c -> c.health().cache(),
              (d, v) -> d.health.cache(v)));

  private static final Map<String, Setting<?>> BY_PATH = index();

  private Settings() {}

  private static Map<String, Setting<?>> index() {
    Map<String, Setting<?>> map = new LinkedHashMap<>();
    for (Setting<?> s : ALL) {
      if (map.put(s.path(), s) != null) {
        throw new IllegalStateException("setting " + s.path() + " is declared twice");
      }
    }
    return map;
  }

  /** The setting at {@code path} ({@code websocket.heartbeat}). */
  public static Optional<Setting<?>> byPath(String path) {
    return Optional.ofNullable(BY_PATH.get(path));
  }

  /** The setting whose environment variable is {@code name}. */
  public static Optional<Setting<?>> byEnv(String name) {
    for (Setting<?> s : ALL) {
      if (name.equals(s.env())) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** Whether {@code prefix} is a component that groups settings ({@code websocket}). */
  static boolean isGroup(String prefix) {
    String dotted = prefix + ".";
    for (Setting<?> s : ALL) {
      if (s.path().startsWith(dotted)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The candidate nearest {@code unknown}, for "did you mean": by edit distance, ignoring case and
   * the dots and underscores that separate words, or {@code null} when none is near.
   */
  public static @Nullable String closest(String unknown, Collection<String> candidates) {
    String key = squash(unknown);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      String c = squash(candidate);
      int leaf = c.length();
      int dot = candidate.lastIndexOf('.');
      String tail = dot < 0 ? c : squash(candidate.substring(dot + 1));
      int d = Math.min(distance(key, c), distance(key, tail) + 1);
      if (c.contains(key) || key.contains(tail)) {
        d = Math.min(d, Math.max(1, Math.abs(leaf - key.length()) / 4));
      }
      if (d < bestDistance) {
        bestDistance = d;
        best = candidate;
      }
    }
    return best != null && bestDistance <= Math.max(2, key.length() / 3) ? best : null;
  }

  /** Every setting's path. */
  public static List<String> paths() {
    return List.copyOf(BY_PATH.keySet());
  }

  /** Every environment variable a setting reads. */
  public static List<String> envNames() {
    List<String> names = new ArrayList<>();
    for (Setting<?> s : ALL) {
      String env = s.env();
      if (env != null) {
        names.add(env);
      }
    }
    return names;
  }

  private static String squash(String s) {
    return s.replace(".", "").replace("_", "").replace("-", "").toLowerCase(Locale.ROOT);
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /** The settings table of {@code docs/configuration.md}, one row per setting. */
  public static String markdownTable() {
    StringBuilder sb = new StringBuilder();
    sb.append("| config file key | environment variable | type | default | range | what |\n");
    sb.append("|---|---|---|---|---|---|\n");
    for (Setting<?> s : ALL) {
      String env = s.env();
      sb.append("| `")
          .append(s.path())
          .append("` | ")
          .append(env == null ? "file only" : "`" + env + "`")
          .append(" | ")
          .append(s.kind().type())
          .append(" | ")
          .append(docDefault(s))
          .append(" | ")
          .append(s.kind().range())
          .append(" | ")
          .append(s.doc())
          .append(" |\n");
    }
    return sb.toString();
  }

  private static String docDefault(Setting<?> s) {
    String d = s.defaultText();
    if (d.isEmpty()) {
      return "none";
    }
    if (s.kind().type().equals("bytes")) {
      String unit = SettingKind.binaryUnit(Long.parseLong(d));
      return "`" + d + "`" + (unit == null ? "" : " (" + unit + ")");
    }
    boolean literal = !d.contains(" ") || s.kind() == STRING;
    return literal ? "`" + d + "`" : d;
  }

  /** The settings part of {@code --help}: each flag, its type, default and doc line. */
  public static String help() {
    StringBuilder sb = new StringBuilder();
    for (Setting<?> s : ALL) {
      String flag = s.flag();
      String name = flag != null ? flag + " " + s.kind().type().toUpperCase(Locale.ROOT) : s.path();
      sb.append("  ").append(name).append('\n');
      sb.append("      ").append(s.doc().replace("`", ""));
      sb.append(" (default ").append(s.defaultText().isEmpty() ? "none" : s.defaultText());
      String range = s.kind().range();
      if (!range.isEmpty()) {
        sb.append("; ").append(range.replace("`", ""));
      }
      if (flag == null) {
        sb.append("; config file only");
      }
      sb.append(")\n");
    }
    return sb.toString();
  }
}
