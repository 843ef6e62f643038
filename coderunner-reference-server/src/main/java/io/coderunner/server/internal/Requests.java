package io.coderunner.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.coderunner.core.Deployment;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogLevel;
import io.coderunner.core.LogLine;
import io.coderunner.core.StreamKind;
import io.coderunner.core.deploy.DeploymentSpec;
import io.coderunner.core.log.LogFilter;
import io.coderunner.core.protocol.WireTime;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/** Validation of request bodies and query parameters, and the JSON shapes of responses. */
public final class Requests {
  private Requests() {}

  /** Collects field errors; {@link #check()} throws them all as one 400. */
  public static final class Errors {
    private final List<ApiException.FieldError> errors = new ArrayList<>();

    public void add(String field, String message) {
      errors.add(new ApiException.FieldError(field, message));
    }

    public boolean isEmpty() {
      return errors.isEmpty();
    }

    public void check() {
      if (!errors.isEmpty()) {
        throw ApiException.badRequest(errors);
      }
    }
  }

  // ------------------------------------------------------------------ bodies

  /** Refuses fields other than {@code allowed}. */
  public static void onlyFields(JsonNode body, Set<String> allowed, String prefix, Errors errors) {
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!allowed.contains(name)) {
        errors.add(prefix + name, "unknown field");
      }
    }
  }

  /** A required string field of at most {@code max} characters, not blank. */
  public static @Nullable String requiredString(
      JsonNode body, String field, int max, String path, Errors errors) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      errors.add(path, "is required");
      return null;
    }
    if (!node.isTextual()) {
      errors.add(path, "must be a string");
      return null;
    }
    String value = node.textValue();
    if (value.isBlank()) {
      errors.add(path, "must not be blank");
      return null;
    }
    if (value.length() > max) {
      errors.add(path, "must be at most " + max + " characters");
      return null;
    }
    return value;
  }

  /** An optional string field; {@code null} when absent or null. */
  public static @Nullable String optionalString(
      JsonNode body, String field, int max, String path, Errors errors) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    return requiredString(body, field, max, path, errors);
  }

  /** The body of a create or replace. */
  public static DeploymentSpec deploymentSpec(JsonNode body) {
    Errors errors = new Errors();
    onlyFields(body, Set.of("name", "command", "env", "workingDir"), "", errors);
    String name = requiredString(body, "name", Deployment.MAX_NAME_LENGTH, "name", errors);
    List<String> command = new ArrayList<>();
    JsonNode cmd = body.get("command");
    if (cmd == null || cmd.isNull()) {
      errors.add("command", "is required");
    } else if (!cmd.isArray()) {
      errors.add("command", "must be an array of strings");
    } else if (cmd.isEmpty()) {
      errors.add("command", "must have at least one element");
    } else {
      for (int i = 0; i < cmd.size(); i++) {
        JsonNode part = cmd.get(i);
        if (!part.isTextual()) {
          errors.add("command[" + i + "]", "must be a string");
        } else if (part.textValue().isBlank()) {
          errors.add("command[" + i + "]", "must not be blank");
        } else if (part.textValue().indexOf('\0') >= 0) {
          errors.add("command[" + i + "]", "must not contain NUL");
        } else {
          command.add(part.textValue());
        }
      }
    }
    Map<String, String> env = new LinkedHashMap<>();
    JsonNode envNode = body.get("env");
    if (envNode != null && !envNode.isNull()) {
      if (!envNode.isObject()) {
        errors.add("env", "must be an object of strings");
      } else {
        for (Map.Entry<String, JsonNode> e : envNode.properties()) {
          String key = e.getKey();
          if (key.isEmpty() || key.indexOf('=') >= 0 || key.indexOf('\0') >= 0) {
            errors.add("env." + key, "names must be non-empty without '=' or NUL");
          } else if (!e.getValue().isTextual()) {
            errors.add("env." + key, "must be a string");
          } else {
            env.put(key, e.getValue().textValue());
          }
        }
      }
    }
    String workingDir = optionalString(body, "workingDir", 4096, "workingDir", errors);
    errors.check();
    return new DeploymentSpec(java.util.Objects.requireNonNull(name), command, env, workingDir);
  }

  // ------------------------------------------------------------------ query parameters

  /** A whole number in {@code [min, max]}, or {@code dflt} when absent. */
  public static long longParam(
      @Nullable String raw, String name, long dflt, long min, long max, Errors errors) {
    if (raw == null) {
      return dflt;
    }
    try {
      long value = Long.parseLong(raw.trim());
      if (value < min || value > max) {
        errors.add(name, "must be between " + min + " and " + max);
        return dflt;
      }
      return value;
    } catch (NumberFormatException e) {
      errors.add(name, "must be a whole number");
      return dflt;
    }
  }

  /** The filter from {@code level}, {@code stream}, {@code q} and, when allowed, {@code since}. */
  public static LogFilter filter(
      @Nullable String level,
      @Nullable String stream,
      @Nullable String q,
      @Nullable String since,
      Errors errors) {
    LogFilter.Builder b = LogFilter.builder();
    if (level != null) {
      EnumSet<LogLevel> levels = EnumSet.noneOf(LogLevel.class);
      for (String part : level.split(",", -1)) {
        try {
          levels.add(LogLevel.fromWire(part.trim()));
        } catch (IllegalArgumentException e) {
          errors.add("level", String.valueOf(e.getMessage()));
        }
      }
      b.levels(levels);
    }
    if (stream != null) {
      EnumSet<StreamKind> streams = EnumSet.noneOf(StreamKind.class);
      for (String part : stream.split(",", -1)) {
        try {
          streams.add(StreamKind.fromWire(part.trim()));
        } catch (IllegalArgumentException e) {
          errors.add("stream", String.valueOf(e.getMessage()));
        }
      }
      b.streams(streams);
    }
    if (q != null) {
      if (q.length() > LogFilter.MAX_QUERY_LENGTH) {
        errors.add("q", "must be at most " + LogFilter.MAX_QUERY_LENGTH + " characters");
      } else {
        b.query(q);
      }
    }
    if (since != null) {
      try {
        b.since(WireTime.parse(since.trim()));
      } catch (DateTimeParseException e) {
        errors.add("since", "must be an ISO-8601 instant such as 2026-11-24T10:15:30Z");
      }
    }
    return b.build();
  }

  // ------------------------------------------------------------------ responses

  public static Map<String, Object> deployment(Deployment d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", d.id().value());
    m.put("name", d.name());
    m.put("ownerId", d.ownerId());
    m.put("command", d.command());
    m.put("env", new java.util.TreeMap<>(d.env()));
    m.put("workingDir", d.workingDir());
    m.put("status", d.status().wireName());
    m.put("createdAt", WireTime.format(d.createdAt()));
    m.put("updatedAt", WireTime.format(d.updatedAt()));
    return m;
  }

  public static Map<String, Object> line(LogLine l) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("seq", l.seq());
    m.put("ts", WireTime.format(l.timestamp()));
    m.put("stream", l.stream().wireName());
    m.put("level", l.level().wireName());
    m.put("message", l.message());
    if (l.status() != null) {
      m.put("status", l.status().wireName());
    }
    return m;
  }

  public static Map<String, Object> user(String id, String username, Set<String> roles) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("username", username);
    m.put("roles", new TreeSet<>(roles));
    return m;
  }

  /** Parses a path id; an impossible id answers 404 like an unknown one. */
  public static DeploymentId deploymentId(String raw) {
    if (!DeploymentId.isValid(raw)) {
      throw ApiException.notFound("deployment not found: " + raw);
    }
    return DeploymentId.of(raw);
  }

  static @Nullable Instant instant(JsonNode node, String path, Errors errors) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      errors.add(path, "must be an ISO-8601 instant string");
      return null;
    }
    try {
      return WireTime.parse(node.textValue());
    } catch (DateTimeParseException e) {
      errors.add(path, "must be an ISO-8601 instant such as 2026-11-24T10:15:30Z");
      return null;
    }
  }
}
