package io.coderunner.client.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coderunner.client.ConnectionInfo;
import io.coderunner.client.Health;
import io.coderunner.client.HistoryPage;
import io.coderunner.client.Problem;
import io.coderunner.client.Session;
import io.coderunner.core.Deployment;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.DeploymentStatus;
import io.coderunner.core.LogEntry;
import io.coderunner.core.LogLevel;
import io.coderunner.core.LogLine;
import io.coderunner.core.Principal;
import io.coderunner.core.StreamKind;
import io.coderunner.core.delivery.DeliveryStats;
import io.coderunner.core.deploy.DeploymentPage;
import io.coderunner.core.deploy.DeploymentSpec;
import io.coderunner.core.log.AppendResult;
import io.coderunner.core.protocol.WireTime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/** The REST API's JSON, read into the API's records and written from them. */
public final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private Json() {}

  /** Parses an answer's body; an empty body is an empty object. */
  public static JsonNode parse(byte[] body) {
    if (body.length == 0) {
      return MAPPER.createObjectNode();
    }
    try {
      JsonNode n = MAPPER.readTree(body);
      return n == null ? MAPPER.createObjectNode() : n;
    } catch (IOException e) {
      throw new UncheckedIOException("the answer is not JSON", e);
    }
  }

  static byte[] write(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static byte[] login(String username, char[] password) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("username", username);
    o.put("password", new String(password));
    return write(o);
  }

  public static byte[] spec(DeploymentSpec spec) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("name", spec.name());
    ArrayNode cmd = o.putArray("command");
    spec.command().forEach(cmd::add);
    ObjectNode env = o.putObject("env");
    new TreeMap<>(spec.env()).forEach(env::put);
    if (spec.workingDir() != null) {
      o.put("workingDir", spec.workingDir());
    }
    return write(o);
  }

  public static byte[] ingest(List<LogEntry> entries) {
    ObjectNode o = MAPPER.createObjectNode();
    ArrayNode lines = o.putArray("lines");
    for (LogEntry e : entries) {
      ObjectNode l = lines.addObject();
      l.put("message", e.message());
      l.put("stream", e.stream().wireName());
      l.put("level", e.level().wireName());
      if (e.timestamp() != null) {
        l.put("timestamp", WireTime.format(e.timestamp()));
      }
    }
    return write(o);
  }

  public static Session session(JsonNode n) {
    return new Session(
        text(n, "token"), WireTime.parse(text(n, "expiresAt")), principal(n.path("user")));
  }

  public static Principal principal(JsonNode n) {
    Set<String> roles = new LinkedHashSet<>();
    n.path("roles").forEach(r -> roles.add(r.asText()));
    return new Principal(text(n, "id"), text(n, "username"), roles);
  }

  public static Deployment deployment(JsonNode n) {
    List<String> command = new ArrayList<>();
    n.path("command").forEach(c -> command.add(c.asText()));
    Map<String, String> env = new LinkedHashMap<>();
    n.path("env").properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
    JsonNode wd = n.path("workingDir");
    return new Deployment(
        DeploymentId.of(text(n, "id")),
        text(n, "name"),
        text(n, "ownerId"),
        command,
        env,
        wd.isTextual() ? wd.asText() : null,
        DeploymentStatus.fromWire(text(n, "status")),
        WireTime.parse(text(n, "createdAt")),
        WireTime.parse(text(n, "updatedAt")));
  }

  public static DeploymentPage deploymentPage(JsonNode n) {
    List<Deployment> items = new ArrayList<>();
    n.path("items").forEach(d -> items.add(deployment(d)));
    JsonNode next = n.path("nextCursor");
    return new DeploymentPage(items, next.isTextual() ? next.asText() : null);
  }

  public static LogLine line(JsonNode n) {
    JsonNode status = n.path("status");
    return new LogLine(
        n.path("seq").asLong(),
        WireTime.parse(text(n, "ts")),
        StreamKind.fromWire(text(n, "stream")),
        LogLevel.fromWire(text(n, "level")),
        text(n, "message"),
        status.isTextual() ? DeploymentStatus.fromWire(status.asText()) : null);
  }

  public static HistoryPage historyPage(JsonNode n) {
    List<LogLine> lines = new ArrayList<>();
    n.path("lines").forEach(l -> lines.add(line(l)));
    return new HistoryPage(
        lines,
        n.path("next").asLong(),
        n.path("firstAvailable").asLong(),
        n.path("lost").asLong(),
        text(n, "epoch"));
  }

  public static AppendResult appendResult(JsonNode n, boolean replayed) {
    return new AppendResult(n.path("firstSeq").asLong(), n.path("lastSeq").asLong(), replayed);
  }

  public static Health health(JsonNode n) {
    Map<String, Health.Component> components = new LinkedHashMap<>();
    n.path("components")
        .properties()
        .forEach(
            e -> {
              JsonNode c = e.getValue();
              Map<String, Object> details =
                  c.path("details").isObject()
                      ? MAPPER.convertValue(c.get("details"), MAP)
                      : Map.of();
              components.put(e.getKey(), new Health.Component(text(c, "status"), details));
            });
    return new Health(text(n, "status"), components);
  }

  public static DeliveryStats stats(JsonNode n) {
    Map<Integer, Long> closes = new TreeMap<>();
    n.path("closesByCode")
        .properties()
        .forEach(e -> closes.put(Integer.valueOf(e.getKey()), e.getValue().asLong()));
    Map<String, Long> authFailures = new TreeMap<>();
    n.path("authFailuresByReason")
        .properties()
        .forEach(e -> authFailures.put(e.getKey(), e.getValue().asLong()));
    return new DeliveryStats(
        n.path("connections").asLong(),
        n.path("authenticated").asLong(),
        n.path("subscriptions").asLong(),
        n.path("connectionsAccepted").asLong(),
        n.path("framesSent").asLong(),
        n.path("bytesSent").asLong(),
        n.path("linesSent").asLong(),
        n.path("logsFramesEncoded").asLong(),
        n.path("logsFramesShared").asLong(),
        closes,
        authFailures);
  }

  public static List<ConnectionInfo> connections(JsonNode n) {
    List<ConnectionInfo> out = new ArrayList<>();
    for (JsonNode c : n.path("items")) {
      List<ConnectionInfo.Subscription> subs = new ArrayList<>();
      for (JsonNode s : c.path("subscriptions")) {
        JsonNode lag = s.path("lag");
        subs.add(
            new ConnectionInfo.Subscription(
                DeploymentId.of(text(s, "deploymentId")),
                s.path("position").asLong(),
                lag.path("lines").asLong(),
                lag.path("bytes").asLong(),
                Duration.parse(text(lag, "age"))));
      }
      JsonNode p = c.path("principal");
      out.add(
          new ConnectionInfo(
              text(c, "id"),
              p.isObject() ? principal(p) : null,
              text(c, "remoteAddress"),
              subs,
              c.path("framesSent").asLong(),
              c.path("bytesSent").asLong(),
              c.path("linesSent").asLong(),
              WireTime.parse(text(c, "connectedSince"))));
    }
    return out;
  }

  /** The problem an error answer describes; what its body lacks comes from the status. */
  public static Problem problem(int status, HttpHeaders headers, byte[] body) {
    JsonNode n;
    try {
      n = parse(body);
    } catch (UncheckedIOException e) {
      n = MAPPER.createObjectNode();
    }
    List<Problem.FieldError> errors = new ArrayList<>();
    for (JsonNode e : n.path("errors")) {
      errors.add(new Problem.FieldError(e.path("field").asText(""), e.path("message").asText("")));
    }
    String requestId =
        n.path("requestId").isTextual()
            ? n.get("requestId").asText()
            : headers.firstValue("X-Request-Id").orElse(null);
    String detail =
        n.path("detail").isTextual()
            ? n.get("detail").asText()
            : body.length == 0 ? null : new String(body, StandardCharsets.UTF_8);
    return new Problem(
        status,
        n.path("type").asText("about:blank"),
        n.path("title").asText(reason(status)),
        detail,
        errors,
        requestId,
        retryAfter(headers));
  }

  /** The answer's {@code Retry-After} in seconds, if it has one. */
  static @Nullable Duration retryAfter(HttpHeaders headers) {
    return headers
        .firstValue("Retry-After")
        .map(
            v -> {
              try {
                long s = Long.parseLong(v.trim());
                return s < 0 ? null : Duration.ofSeconds(s);
              } catch (NumberFormatException e) {
                return null;
              }
            })
        .orElse(null);
  }

  private static String reason(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 408 -> "Request Timeout";
      case 409 -> "Conflict";
      case 413 -> "Content Too Large";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      default -> "HTTP " + status;
    };
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException("the answer has no text field " + field);
    }
    return v.asText();
  }
}
