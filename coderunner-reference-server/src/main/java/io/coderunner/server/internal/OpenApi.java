package io.coderunner.server.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The OpenAPI 3.1 description of the server, written out here route by route. It is kept apart from
 * the route registrations on purpose: a test compares the two, so a route added without its
 * description (or the reverse) fails the build.
 */
public final class OpenApi {
  private OpenApi() {}

  private record Op(
      String method,
      String path,
      String tag,
      String summary,
      boolean auth,
      List<String> query,
      List<String> headers,
      String body,
      Map<String, String> responses) {}

  private static final String DEPLOYMENT_SPEC = "#/components/schemas/DeploymentSpec";

  private static List<Op> operations() {
    List<Op> ops = new ArrayList<>();
    ops.add(
        op("POST", "/api/auth/login", "auth", "Log in and get a bearer token", false)
            .body("#/components/schemas/LoginRequest")
            .codes("200", "400", "401", "429"));
    ops.add(
        op("GET", "/api/auth/profile", "auth", "The caller's id, username and roles", true)
            .codes("200", "401"));
    ops.add(
        op("GET", "/api/deployments", "deployments", "Own deployments (admin: all), paged", true)
            .query("limit", "cursor")
            .codes("200", "400", "401", "429"));
    ops.add(
        op("POST", "/api/deployments", "deployments", "Create a deployment", true)
            .body(DEPLOYMENT_SPEC)
            .codes("201", "400", "401", "403", "413", "507"));
    ops.add(
        op("GET", "/api/deployments/{id}", "deployments", "Read a deployment", true)
            .codes("200", "401", "404"));
    ops.add(
        op("PUT", "/api/deployments/{id}", "deployments", "Replace a deployment", true)
            .body(DEPLOYMENT_SPEC)
            .codes("200", "400", "401", "403", "404", "409", "507"));
    ops.add(
        op(
                "DELETE",
                "/api/deployments/{id}",
                "deployments",
                "Delete a deployment and its log",
                true)
            .codes("204", "401", "403", "404", "409", "507"));
    for (String action : List.of("start", "stop", "restart")) {
      ops.add(
          op(
                  "POST",
                  "/api/deployments/{id}/" + action,
                  "lifecycle",
                  action.substring(0, 1).toUpperCase(Locale.ROOT)
                      + action.substring(1)
                      + " the deployment",
                  true)
              .codes("202", "401", "403", "404", "409", "507"));
    }
    ops.add(
        op("GET", "/api/deployments/{id}/logs", "logs", "A page of log history", true)
            .query("after", "before", "limit", "level", "stream", "q", "since")
            .codes("200", "400", "401", "404"));
    ops.add(
        op(
                "GET",
                "/api/deployments/{id}/logs/search",
                "logs",
                "The seqs of every retained line that matches q, and their count",
                true)
            .query("q", "limit", "level", "stream", "since")
            .codes("200", "400", "401", "404"));
    ops.add(
        op(
                "GET",
                "/api/deployments/{id}/logs/raw",
                "logs",
                "The retained log as text (text/plain), one message per line",
                true)
            .query("after", "before", "level", "stream", "q", "since")
            .codes("200", "400", "401", "404"));
    ops.add(
        op("POST", "/api/deployments/{id}/logs", "logs", "Append lines from an agent", true)
            .body("#/components/schemas/IngestRequest")
            .header(LogRoutes.IDEMPOTENCY_KEY)
            .codes("202", "400", "401", "403", "404", "413", "422", "429", "507"));
    ops.add(
        op(
                "GET",
                "/api/deployments/{id}/logs/stream",
                "logs",
                "Follow the log as Server-Sent Events (text/event-stream)",
                true)
            .query("after", "epoch", "tail", "level", "stream", "q", "access_token")
            .codes("200", "400", "401", "404", "429"));
    ops.add(
        op("GET", "/api/ws/stats", "websocket", "Broadcaster totals (admin)", true)
            .codes("200", "401", "403"));
    ops.add(
        op("GET", "/api/ws/connections", "websocket", "Open WebSocket connections (admin)", true)
            .codes("200", "401", "403"));
    ops.add(
        op("DELETE", "/api/ws/connections/{id}", "websocket", "Close a connection (admin)", true)
            .codes("204", "401", "403", "404"));
    ops.add(
        op("GET", "/ws", "websocket", "WebSocket upgrade; see docs/protocol.md", false)
            .codes("101", "400", "401", "403"));
    ops.add(op("GET", "/health", "operations", "Health", false).codes("200", "503"));
    ops.add(op("GET", "/health/live", "operations", "Liveness", false).codes("200", "503"));
    ops.add(op("GET", "/health/ready", "operations", "Readiness", false).codes("200", "503"));
    ops.add(op("GET", "/metrics", "operations", "Prometheus text exposition", false).codes("200"));
    ops.add(
        op("GET", "/", "dashboard", "The dashboard; see docs/dashboard.md", false).codes("200"));
    ops.add(
        op("GET", "/deployments/{id}", "dashboard", "The dashboard's log view", false)
            .codes("200"));
    ops.add(
        op("GET", "/assets/{hash}/{file}", "dashboard", "A dashboard asset", false)
            .codes("200", "404"));
    ops.add(op("GET", "/openapi.json", "operations", "This document", false).codes("200"));
    return ops;
  }

  /** (method, path) of every documented operation. */
  public static List<String> operationKeys() {
    List<String> keys = new ArrayList<>();
    for (Op o : operations()) {
      keys.add(o.method() + " " + o.path());
    }
    return keys;
  }

  /** The OpenAPI document as a JSON-ready map. */
  public static Map<String, Object> document() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("openapi", "3.1.0");
    doc.put(
        "info",
        Map.of(
            "title",
            "CodeRunner reference server",
            "version",
            "0.1.0",
            "description",
            "Real-time log streaming for a code-deployment platform. Errors are"
                + " application/problem+json (RFC 9457)."));
    Map<String, Object> paths = new LinkedHashMap<>();
    for (Op o : operations()) {
      @SuppressWarnings("unchecked")
      Map<String, Object> item =
          (Map<String, Object>) paths.computeIfAbsent(o.path(), k -> new LinkedHashMap<>());
      Map<String, Object> operation = new LinkedHashMap<>();
      operation.put("tags", List.of(o.tag()));
      operation.put("summary", o.summary());
      operation.put(
          "operationId",
          o.method().toLowerCase(Locale.ROOT)
              + o.path().replaceAll("[^A-Za-z0-9]+", "_").replaceAll("_$", ""));
      List<Object> params = new ArrayList<>();
      if (o.path().contains("{id}")) {
        params.add(
            Map.of(
                "name", "id", "in", "path", "required", true, "schema", Map.of("type", "string")));
      }
      for (String q : o.query()) {
        params.add(
            Map.of(
                "name", q, "in", "query", "required", false, "schema", Map.of("type", "string")));
      }
      for (String h : o.headers()) {
        params.add(
            Map.of(
                "name", h, "in", "header", "required", false, "schema", Map.of("type", "string")));
      }
      if (!params.isEmpty()) {
        operation.put("parameters", params);
      }
      if (!o.body().isEmpty()) {
        operation.put(
            "requestBody",
            Map.of(
                "required",
                true,
                "content",
                Map.of("application/json", Map.of("schema", Map.of("$ref", o.body())))));
      }
      Map<String, Object> responses = new LinkedHashMap<>();
      o.responses()
          .forEach(
              (code, description) -> {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("description", description);
                if (code.startsWith("4") || code.startsWith("5")) {
                  r.put(
                      "content",
                      Map.of(
                          "application/problem+json",
                          Map.of("schema", Map.of("$ref", "#/components/schemas/Problem"))));
                }
                responses.put(code, r);
              });
      operation.put("responses", responses);
      operation.put("security", o.auth() ? List.of(Map.of("bearer", List.of())) : List.of());
      item.put(o.method().toLowerCase(Locale.ROOT), operation);
    }
    doc.put("paths", paths);
    doc.put("components", components());
    return doc;
  }

  private static Map<String, Object> components() {
    Map<String, Object> schemas = new LinkedHashMap<>();
    schemas.put(
        "Problem",
        object(
            Map.of(
                "type", str(),
                "title", str(),
                "status", Map.of("type", "integer"),
                "detail", str(),
                "instance", str(),
                "requestId", str(),
                "errors",
                    Map.of(
                        "type",
                        "array",
                        "items",
                        object(Map.of("field", str(), "message", str()))))));
    schemas.put("LoginRequest", object(Map.of("username", str(), "password", str())));
    schemas.put(
        "DeploymentSpec",
        object(
            Map.of(
                "name", str(),
                "command", Map.of("type", "array", "items", str()),
                "env", Map.of("type", "object", "additionalProperties", str()),
                "workingDir", Map.of("type", List.of("string", "null")))));
    schemas.put(
        "Deployment",
        object(
            Map.of(
                "id", str(),
                "name", str(),
                "ownerId", str(),
                "command", Map.of("type", "array", "items", str()),
                "env", Map.of("type", "object", "additionalProperties", str()),
                "workingDir", Map.of("type", List.of("string", "null")),
                "status", str(),
                "createdAt", Map.of("type", "string", "format", "date-time"),
                "updatedAt", Map.of("type", "string", "format", "date-time"))));
    schemas.put(
        "IngestRequest",
        object(
            Map.of(
                "lines",
                Map.of(
                    "type",
                    "array",
                    "maxItems",
                    LogRoutes.MAX_INGEST_LINES,
                    "items",
                    object(
                        Map.of(
                            "message", str(),
                            "level", str(),
                            "stream", Map.of("enum", List.of("stdout", "stderr")),
                            "timestamp", Map.of("type", "string", "format", "date-time")))))));
    Map<String, Object> components = new LinkedHashMap<>();
    components.put("schemas", schemas);
    components.put(
        "securitySchemes",
        Map.of("bearer", Map.of("type", "http", "scheme", "bearer", "bearerFormat", "JWT")));
    return components;
  }

  private static Map<String, Object> str() {
    return Map.of("type", "string");
  }

  private static Map<String, Object> object(Map<String, Object> properties) {
    return Map.of("type", "object", "properties", properties);
  }

  // ------------------------------------------------------------------ a tiny builder

  private static OpBuilder op(
      String method, String path, String tag, String summary, boolean auth) {
    return new OpBuilder(method, path, tag, summary, auth);
  }

  private static final Map<String, String> DESCRIPTIONS =
      Map.ofEntries(
          Map.entry("101", "Switching Protocols"),
          Map.entry("200", "OK"),
          Map.entry("201", "Created; Location names the new resource"),
          Map.entry("202", "Accepted"),
          Map.entry("204", "No Content"),
          Map.entry("400", "Invalid request; errors name the fields"),
          Map.entry("401", "Missing or invalid bearer token, or bad credentials"),
          Map.entry("403", "Forbidden for this principal"),
          Map.entry("404", "Not found (also for another owner's deployment)"),
          Map.entry("409", "The deployment's status does not allow this"),
          Map.entry("413", "Body too large"),
          Map.entry("422", "The Idempotency-Key was used before for other lines"),
          Map.entry("429", "Too many requests; see Retry-After"),
          Map.entry("503", "Down or shutting down"),
          Map.entry("507", "The server's storage refuses writes; see Retry-After"));

  private static final class OpBuilder {
    private final String method;
    private final String path;
    private final String tag;
    private final String summary;
    private final boolean auth;
    private List<String> query = List.of();
    private List<String> headers = List.of();
    private String body = "";

    OpBuilder(String method, String path, String tag, String summary, boolean auth) {
      this.method = method;
      this.path = path;
      this.tag = tag;
      this.summary = summary;
      this.auth = auth;
    }

    OpBuilder query(String... names) {
      this.query = List.of(names);
      return this;
    }

    OpBuilder header(String... names) {
      this.headers = List.of(names);
      return this;
    }

    OpBuilder body(String ref) {
      this.body = ref;
      return this;
    }

    Op codes(String... codes) {
      Map<String, String> responses = new LinkedHashMap<>();
      for (String c : codes) {
        responses.put(c, DESCRIPTIONS.getOrDefault(c, c));
      }
      if (auth && !responses.containsKey("429")) {
        responses.put("429", DESCRIPTIONS.get("429"));
      }
      return new Op(method, path, tag, summary, auth, query, headers, body, responses);
    }
  }
}
