package io.coderunner.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogEntry;
import io.coderunner.core.LogLevel;
import io.coderunner.core.Principal;
import io.coderunner.core.StreamKind;
import io.coderunner.core.deploy.DeploymentService;
import io.coderunner.core.log.AppendResult;
import io.coderunner.core.log.LogFilter;
import io.coderunner.core.log.LogPage;
import io.coderunner.core.log.LogStore;
import io.coderunner.server.internal.RouteTable.Access;
import io.coderunner.server.internal.RouteTable.Call;
import io.coderunner.server.internal.RouteTable.Reply;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@code /api/deployments/{id}/logs}: a page of history, and ingest from an external agent, which
 * its own {@link IngestBudget} meters instead of the API rate.
 */
public final class LogRoutes {
  static final int MAX_INGEST_LINES = 1000;

  private final DeploymentService deployments;
  private final LogStore logs;
  private final IngestBudget ingestBudget;

  public LogRoutes(DeploymentService deployments, LogStore logs, IngestBudget ingestBudget) {
    this.deployments = deployments;
    this.logs = logs;
    this.ingestBudget = ingestBudget;
  }

  public void register(RouteTable t) {
    t.json("GET", "/api/deployments/{id}/logs", Access.USER, this::history);
    t.jsonOwnBudget("POST", "/api/deployments/{id}/logs", Access.USER, this::ingest);
  }

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

  private static @Nullable LogEntry entry(JsonNode node, String prefix, Requests.Errors errors) {
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
    Instant ts = Requests.instant(node.get("timestamp"), prefix + "timestamp", local);
    if (!local.isEmpty()) {
      try {
        local.check();
      } catch (ApiException e) {
        e.errors().forEach(fe -> errors.add(fe.field(), fe.message()));
      }
      return null;
    }
    return new LogEntry(ts, stream, level, Objects.requireNonNull(message).textValue());
  }
}
