package io.coderunner.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.coderunner.core.Deployment;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogEntry;
import io.coderunner.core.LogLevel;
import io.coderunner.core.Principal;
import io.coderunner.core.StreamKind;
import io.coderunner.core.auth.AccessPolicy;
import io.coderunner.core.auth.IssuedToken;
import io.coderunner.core.auth.JwtService;
import io.coderunner.core.deploy.DeploymentPage;
import io.coderunner.core.deploy.DeploymentService;
import io.coderunner.core.deploy.DeploymentSpec;
import io.coderunner.core.log.AppendResult;
import io.coderunner.core.log.LogFilter;
import io.coderunner.core.log.LogPage;
import io.coderunner.core.log.LogStore;
import io.coderunner.core.protocol.WireTime;
import io.coderunner.metrics.health.HealthRegistry;
import io.coderunner.metrics.health.HealthReport;
import io.coderunner.server.UserAccount;
import io.coderunner.server.internal.RouteTable.Access;
import io.coderunner.server.internal.RouteTable.Call;
import io.coderunner.server.internal.RouteTable.Reply;
import io.coderunner.websocket.BroadcasterStats;
import io.coderunner.websocket.ConnectionInfo;
import io.coderunner.websocket.LogBroadcaster;
import io.coderunner.websocket.SubscriptionInfo;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Registers every route of the server with its handler. */
public final class ApiRoutes {
  static final int MAX_INGEST_LINES = 1000;

  private final Map<String, UserAccount> users = new LinkedHashMap<>();
  private final JwtService jwt;
  private final DeploymentService deployments;
  private final LogStore logs;
  private final AccessPolicy policy;
  private final Supplier<LogBroadcaster> broadcaster;
  private final LoginGuard logins;
  private final IngestBudget ingestBudget;
  private final HealthRegistry health;
  private final BooleanSupplier started;
  private final BooleanSupplier draining;
  private final Supplier<String> scrape;

  public ApiRoutes(
      List<UserAccount> users,
      JwtService jwt,
      DeploymentService deployments,
      LogStore logs,
      AccessPolicy policy,
      Supplier<LogBroadcaster> broadcaster,
      LoginGuard logins,
      IngestBudget ingestBudget,
      HealthRegistry health,
      BooleanSupplier started,
      BooleanSupplier draining,
      Supplier<String> scrape) {
    for (UserAccount u : users) {
      this.users.put(u.username().toLowerCase(Locale.ROOT), u);
    }
    this.jwt = jwt;
    this.deployments = deployments;
    this.logs = logs;
    this.policy = policy;
    this.broadcaster = broadcaster;
    this.logins = logins;
    this.ingestBudget = ingestBudget;
    this.health = health;
    this.started = started;
    this.draining = draining;
    this.scrape = scrape;
  }

  /** Registers the JSON routes, the health and metrics routes and the dashboard placeholder. */
  public void register(RouteTable t) {
    t.json("POST", "/api/auth/login", Access.PUBLIC, this::login);
    t.json("GET", "/api/auth/profile", Access.USER, this::profile);

    t.json("GET", "/api/deployments", Access.USER, this::list);
    t.json("POST", "/api/deployments", Access.USER, this::create);
    t.json("GET", "/api/deployments/{id}", Access.USER, this::get);
    t.json("PUT", "/api/deployments/{id}", Access.USER, this::replace);
    t.json("DELETE", "/api/deployments/{id}", Access.USER, this::delete);
    t.json("POST", "/api/deployments/{id}/start", Access.USER, c -> lifecycle(c, "start"));
    t.json("POST", "/api/deployments/{id}/stop", Access.USER, c -> lifecycle(c, "stop"));
    t.json("POST", "/api/deployments/{id}/restart", Access.USER, c -> lifecycle(c, "restart"));

    t.json("GET", "/api/deployments/{id}/logs", Access.USER, this::history);
    t.jsonOwnBudget("POST", "/api/deployments/{id}/logs", Access.USER, this::ingest);

    t.json("GET", "/api/ws/stats", Access.ADMIN, c -> Reply.ok(stats(broadcaster.get().stats())));
    t.json("GET", "/api/ws/connections", Access.ADMIN, this::connections);
    t.json("DELETE", "/api/ws/connections/{id}", Access.ADMIN, this::disconnect);

    t.json("GET", "/health", Access.PUBLIC, c -> health(health.health()));
    t.json("GET", "/health/live", Access.PUBLIC, c -> health(health.liveness()));
    t.json("GET", "/health/ready", Access.PUBLIC, c -> health(health.readiness(started, draining)));
    // Unauthenticated, like /health: Prometheus scrapes without a token. The text carries no
    // deployment ids or user data, only totals; restrict it at the network if that matters.
    t.raw("GET", "/metrics", Access.PUBLIC, this::metrics);
    t.raw("GET", "/", Access.PUBLIC, ApiRoutes::dashboard);
  }

  // ------------------------------------------------------------------ auth

  private Reply login(Call c) throws Exception {
    JsonNode body = c.jsonBody();
    Requests.Errors errors = new Requests.Errors();
    Requests.onlyFields(body, Set.of("username", "password"), "", errors);
    String username = Requests.requiredString(body, "username", 64, "username", errors);
    String password = Requests.requiredString(body, "password", 1024, "password", errors);
    errors.check();
    String user = java.util.Objects.requireNonNull(username).toLowerCase(Locale.ROOT);
    LoginGuard.Check check = logins.admit(user, c.exchange());
    UserAccount account = users.get(user);
    char[] secret = java.util.Objects.requireNonNull(password).toCharArray();
    boolean ok = false;
    try {
      ok =
          Passwords.verify(secret, account == null ? null : account.passwordHash())
              && account != null;
    } finally {
      java.util.Arrays.fill(secret, '\0');
      if (ok) {
        check.succeeded();
      } else {
        check.failed();
      }
    }
    if (!ok || account == null) {
      throw new ApiException(401, "Unauthorized", "invalid username or password");
    }
    Principal p = new Principal(account.id(), account.username(), account.roles());
    IssuedToken token = jwt.issue(p);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("token", token.token());
    out.put("expiresAt", WireTime.format(token.expiresAt()));
    out.put("user", Requests.user(p.id(), p.username(), p.roles()));
    return Reply.ok(out);
  }

  private Reply profile(Call c) {
    Principal p = c.principal();
    return Reply.ok(Requests.user(p.id(), p.username(), p.roles()));
  }

  // ------------------------------------------------------------------ deployments

  private Reply list(Call c) {
    Requests.Errors errors = new Requests.Errors();
    int limit = (int) Requests.longParam(c.query("limit"), "limit", 50, 1, 1000, errors);
    String cursor = c.query("cursor");
    if (cursor != null && !DeploymentId.isValid(cursor)) {
      errors.add("cursor", "is not a cursor this server handed out");
    }
    errors.check();
    DeploymentPage page = deployments.list(c.principal(), limit, cursor);
    List<Object> items = new ArrayList<>();
    page.items().forEach(d -> items.add(Requests.deployment(d)));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("items", items);
    out.put("nextCursor", page.nextCursor());
    return Reply.ok(out);
  }

  private Reply create(Call c) throws Exception {
    Principal p = c.principal();
    policy.requireDeploy(p); // before the body is judged
    DeploymentSpec spec = Requests.deploymentSpec(c.jsonBody());
    Deployment d = deployments.create(p, spec);
    return new Reply(
        201, Requests.deployment(d), Map.of("Location", "/api/deployments/" + d.id().value()));
  }

  private Reply get(Call c) {
    return Reply.ok(
        Requests.deployment(
            deployments.get(c.principal(), Requests.deploymentId(c.pathParam("id")))));
  }

  private Reply replace(Call c) throws Exception {
    Principal p = c.principal();
    DeploymentId id = Requests.deploymentId(c.pathParam("id"));
    // 404 (and 403) before the body is judged, so existence does not leak
    deployments.getForChange(p, id);
    DeploymentSpec spec = Requests.deploymentSpec(c.jsonBody());
    return Reply.ok(Requests.deployment(deployments.replace(p, id, spec)));
  }

  private Reply delete(Call c) {
    Principal p = c.principal();
    deployments.delete(p, Requests.deploymentId(c.pathParam("id")));
    return Reply.of(204, null);
  }

  private Reply lifecycle(Call c, String action) {
    Principal p = c.principal();
    DeploymentId id = Requests.deploymentId(c.pathParam("id"));
    Deployment d =
        switch (action) {
          case "start" -> deployments.start(p, id);
          case "stop" -> deployments.stop(p, id);
          default -> deployments.restart(p, id);
        };
    return Reply.of(202, Requests.deployment(d));
  }

  // ------------------------------------------------------------------ logs

  private Reply history(Call c) {
    Principal p = c.principal();
    DeploymentId id = Requests.deploymentId(c.pathParam("id"));
    deployments.get(p, id);
    Requests.Errors errors = new Requests.Errors();
    long after = Requests.longParam(c.query("after"), "after", 0, 0, Long.MAX_VALUE, errors);
    int limit = (int) Requests.longParam(c.query("limit"), "limit", 100, 1, 10_000, errors);
    LogFilter filter =
        Requests.filter(
            c.query("level"), c.query("stream"), c.query("q"), c.query("since"), errors);
    errors.check();
    LogPage page = logs.read(id, after, limit, filter);
    List<Object> lines = new ArrayList<>(page.lines().size());
    page.lines().forEach(l -> lines.add(Requests.line(l)));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("lines", lines);
    out.put("next", page.next());
    out.put("firstAvailable", page.firstAvailable());
    out.put("lost", page.lost());
    logs.info(id).ifPresent(info -> out.put("epoch", info.epoch()));
    return Reply.ok(out);
  }

  private Reply ingest(Call c) throws Exception {
    Principal p = c.principal();
    ingestBudget.chargeRequest(p.id(), c.bodyLength());
    DeploymentId id = Requests.deploymentId(c.pathParam("id"));
    deployments.getForChange(p, id);
    JsonNode body = c.jsonBody();
    Requests.Errors errors = new Requests.Errors();
    Requests.onlyFields(body, Set.of("lines"), "", errors);
    JsonNode lines = body.get("lines");
    List<LogEntry> entries = new ArrayList<>();
    if (lines == null || lines.isNull()) {
      errors.add("lines", "is required");
    } else if (!lines.isArray()) {
      errors.add("lines", "must be an array");
    } else if (lines.isEmpty()) {
      errors.add("lines", "must have at least one line");
    } else if (lines.size() > MAX_INGEST_LINES) {
      throw new ApiException(
          413, "Content Too Large", "at most " + MAX_INGEST_LINES + " lines per request");
    } else {
      for (int i = 0; i < lines.size(); i++) {
        LogEntry e = entry(lines.get(i), "lines[" + i + "].", errors);
        if (e != null) {
          entries.add(e);
        }
      }
    }
    errors.check();
    ingestBudget.chargeLines(p.id(), c.bodyLength(), entries.size());
    AppendResult r = logs.append(id, entries);
    return Reply.of(202, Map.of("firstSeq", r.firstSeq(), "lastSeq", r.lastSeq()));
  }

  private static @org.jspecify.annotations.Nullable LogEntry entry(
      JsonNode node, String prefix, Requests.Errors errors) {
    if (!node.isObject()) {
      errors.add(prefix.substring(0, prefix.length() - 1), "must be an object");
      return null;
    }
    Requests.Errors local = new Requests.Errors();
    Requests.onlyFields(node, Set.of("message", "level", "stream", "timestamp"), prefix, local);
    JsonNode message = node.get("message");
    if (message == null || message.isNull()) {
      local.add(prefix + "message", "is required");
    } else if (!message.isTextual()) {
      local.add(prefix + "message", "must be a string");
    }
    StreamKind stream = StreamKind.STDOUT;
    JsonNode s = node.get("stream");
    if (s != null && !s.isNull()) {
      if (!s.isTextual()) {
        local.add(prefix + "stream", "must be a string");
      } else if ("stdout".equalsIgnoreCase(s.textValue())) {
        stream = StreamKind.STDOUT;
      } else if ("stderr".equalsIgnoreCase(s.textValue())) {
        stream = StreamKind.STDERR;
      } else {
        local.add(prefix + "stream", "must be stdout or stderr");
      }
    }
    LogLevel level = LogLevel.INFO;
    JsonNode l = node.get("level");
    if (l != null && !l.isNull()) {
      if (!l.isTextual()) {
        local.add(prefix + "level", "must be a string");
      } else {
        try {
          level = LogLevel.fromWire(l.textValue());
        } catch (IllegalArgumentException e) {
          local.add(prefix + "level", String.valueOf(e.getMessage()));
        }
      }
    }
    java.time.Instant ts = Requests.instant(node.get("timestamp"), prefix + "timestamp", local);
    if (!local.isEmpty()) {
      try {
        local.check();
      } catch (ApiException e) {
        e.errors().forEach(fe -> errors.add(fe.field(), fe.message()));
      }
      return null;
    }
    return new LogEntry(ts, stream, level, java.util.Objects.requireNonNull(message).textValue());
  }

  // ------------------------------------------------------------------ websocket admin

  private Reply connections(Call c) {
    List<Object> out = new ArrayList<>();
    for (ConnectionInfo info : broadcaster.get().connections()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", info.id());
      Principal p = info.principal();
      m.put("principal", p == null ? null : Requests.user(p.id(), p.username(), p.roles()));
      m.put("remoteAddress", info.remoteAddress());
      List<Object> subs = new ArrayList<>();
      for (SubscriptionInfo s : info.subscriptions()) {
        Map<String, Object> sm = new LinkedHashMap<>();
        sm.put("deploymentId", s.deploymentId().value());
        sm.put("position", s.position());
        sm.put(
            "lag",
            Map.of(
                "lines", s.lag().lines(),
                "bytes", s.lag().bytes(),
                "age", s.lag().age().toString()));
        subs.add(sm);
      }
      m.put("subscriptions", subs);
      m.put("framesSent", info.framesSent());
      m.put("bytesSent", info.bytesSent());
      m.put("linesSent", info.linesSent());
      m.put("connectedSince", WireTime.format(info.connectedSince()));
      out.add(m);
    }
    return Reply.ok(Map.of("items", out));
  }

  private Reply disconnect(Call c) {
    String id = c.pathParam("id");
    if (!broadcaster.get().disconnect(id)) {
      throw ApiException.notFound("no open connection " + id);
    }
    return Reply.of(204, null);
  }

  static Map<String, Object> stats(BroadcasterStats s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("connections", s.connections());
    m.put("authenticated", s.authenticated());
    m.put("subscriptions", s.subscriptions());
    m.put("connectionsAccepted", s.connectionsAccepted());
    m.put("framesSent", s.framesSent());
    m.put("bytesSent", s.bytesSent());
    m.put("linesSent", s.linesSent());
    m.put("logsFramesEncoded", s.logsFramesEncoded());
    m.put("logsFramesShared", s.logsFramesShared());
    Map<String, Long> closes = new TreeMap<>();
    s.closesByCode().forEach((k, v) -> closes.put(String.valueOf(k), v));
    m.put("closesByCode", closes);
    m.put("authFailuresByReason", new TreeMap<>(s.authFailuresByReason()));
    return m;
  }

  // ------------------------------------------------------------------ health, metrics, dashboard

  /** Spring Boot Actuator's shape: {@code {status, components: {name: {status, details}}}}. */
  private static Reply health(HealthReport report) {
    Map<String, Object> components = new LinkedHashMap<>();
    report
        .components()
        .forEach(
            (name, c) -> {
              Map<String, Object> component = new LinkedHashMap<>();
              component.put("status", c.status().name());
              component.put("details", c.details());
              components.put(name, component);
            });
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("status", report.status().name());
    out.put("components", components);
    return Reply.of(report.httpStatus(), out);
  }

  /** The Prometheus text exposition format that {@code PrometheusMeterRegistry.scrape()} writes. */
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private void metrics(HttpServerExchange exchange) {
    if (exchange.isInIoThread()) { // reading every meter is work for a worker, not the IO thread
      exchange.dispatch(this::metrics);
      return;
    }
    String text = scrape.get();
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, PROMETHEUS_TEXT);
    exchange.getResponseSender().send(text, StandardCharsets.UTF_8);
  }

  static final String DASHBOARD =
      "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>CodeRunner</title>"
          + "</head>\n<body>\n<h1>CodeRunner</h1>\n<p>The dashboard is coming. Meanwhile: the REST API"
          + " under <code>/api</code>, live logs at <code>/ws</code> and"
          + " <code>/api/deployments/{id}/logs/stream</code>, and the API description at"
          + " <a href=\"/openapi.json\">/openapi.json</a>.</p>\n</body>\n</html>\n";

  private static void dashboard(HttpServerExchange exchange) {
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/html; charset=utf-8");
    exchange.getResponseSender().send(DASHBOARD, StandardCharsets.UTF_8);
  }
}
