package io.coderunner.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogEntry;
import io.coderunner.core.LogLevel;
import io.coderunner.core.LogLine;
import io.coderunner.core.Principal;
import io.coderunner.core.StreamKind;
import io.coderunner.core.deploy.DeploymentService;
import io.coderunner.core.log.AppendResult;
import io.coderunner.core.log.IdempotencyKeys;
import io.coderunner.core.log.LogFilter;
import io.coderunner.core.log.LogInfo;
import io.coderunner.core.log.LogPage;
import io.coderunner.core.log.LogStore;
import io.coderunner.server.internal.RouteTable.Access;
import io.coderunner.server.internal.RouteTable.Call;
import io.coderunner.server.internal.RouteTable.Reply;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
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
  static final int MAX_SEARCH_SEQS = 100_000;
  static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  static final String REPLAYED = "Idempotent-Replayed";

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
    t.json("GET", "/api/deployments/{id}/logs/search", Access.USER, this::search);
    t.written("GET", "/api/deployments/{id}/logs/raw", Access.USER, this::raw);
  }

  private Reply history(Call c) {
    Principal p = c.principal();
    DeploymentId id = Requests.deploymentId(c.pathParam("id"));
    deployments.get(p, id);
    Requests.Errors errors = new Requests.Errors();
    long after = Requests.longParam(c.query("after"), "after", 0, 0, Long.MAX_VALUE, errors);
    long before = Requests.longParam(c.query("before"), "before", 0, 1, Long.MAX_VALUE, errors);
    if (c.query("after") != null && c.query("before") != null) {
      errors.add("before", "after and before cannot be combined");
    }
    int limit = (int) Requests.longParam(c.query("limit"), "limit", 100, 1, 10_000, errors);
    LogFilter filter = filter(c, errors);
    errors.check();
    Map<String, Object> out = new LinkedHashMap<>();
    LogPage page;
    if (before > 0) {
      page = logs.readBefore(id, before, limit, filter);
      out.put("lines", lines(page));
      out.put("prev", page.next());
    } else {
      page = logs.read(id, after, limit, filter);
      out.put("lines", lines(page));
      out.put("next", page.next());
    }
    out.put("firstAvailable", page.firstAvailable());
    out.put("lost", page.lost());
    logs.info(id).ifPresent(info -> out.put("epoch", info.epoch()));
    return Reply.ok(out);
  }

  private static List<Object> lines(LogPage page) {
    List<Object> lines = new ArrayList<>(page.lines().size());
    page.lines().forEach(l -> lines.add(Requests.line(l)));
    return lines;
  }

  private static LogFilter filter(Call c, Requests.Errors errors) {
    return Requests.filter(
        c.query("level"), c.query("stream"), c.query("q"), c.query("since"), errors);
  }

  /**
   * Every match of {@code q} (with the other filters) in the retained log, as seqs: the count of
   * all of them, and the newest {@code limit} seqs, so that a viewer steps through matches it has
   * not loaded. One pass over the retained log, which retention bounds.
   */
  private Reply search(Call c) throws IOException {
    Principal p = c.principal();
    DeploymentId id = Requests.deploymentId(c.pathParam("id"));
    deployments.get(p, id);
    Requests.Errors errors = new Requests.Errors();
    String q = c.query("q");
    if (q == null || q.isEmpty()) {
      errors.add("q", "is required");
    }
    int limit =
        (int)
            Requests.longParam(
                c.query("limit"), "limit", MAX_SEARCH_SEQS, 1, MAX_SEARCH_SEQS, errors);
    LogFilter filter = filter(c, errors);
    errors.check();
    LogInfo info = logs.info(id).orElseThrow(() -> ApiException.notFound("no log for " + id));
    long head = info.lastSeq();
    long[] newest = new long[limit];
    long[] count = {0};
    long scanned =
        scan(id, 0, head, filter, line -> newest[(int) (count[0]++ % limit)] = line.seq());
    long first = scanned == 0 ? info.firstAvailable() : scanned;
    int kept = (int) Math.min(count[0], limit);
    List<Long> seqs = new ArrayList<>(kept);
    for (long i = count[0] - kept; i < count[0]; i++) {
      seqs.add(newest[(int) (i % limit)]);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("count", count[0]);
    out.put("seqs", seqs);
    out.put("truncated", count[0] > kept);
    out.put("firstAvailable", first);
    out.put("lastSeq", head);
    out.put("epoch", info.epoch());
    return Reply.ok(out);
  }

  /**
   * The retained log as text, one message per line as the program printed it (escape codes and
   * carriage returns kept), with the history's filters and range ({@code after}, {@code before}),
   * streamed a page at a time up to the head the request found.
   */
  private void raw(Call c) throws IOException {
    Principal p = c.principal();
    DeploymentId id = Requests.deploymentId(c.pathParam("id"));
    deployments.get(p, id);
    Requests.Errors errors = new Requests.Errors();
    long after = Requests.longParam(c.query("after"), "after", 0, 0, Long.MAX_VALUE, errors);
    long before =
        Requests.longParam(c.query("before"), "before", Long.MAX_VALUE, 1, Long.MAX_VALUE, errors);
    LogFilter filter = filter(c, errors);
    errors.check();
    LogInfo info = logs.info(id).orElseThrow(() -> ApiException.notFound("no log for " + id));
    long last = Math.min(info.lastSeq(), before - 1);
    HttpServerExchange exchange = c.exchange();
    exchange.setStatusCode(200);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
    exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
    exchange
        .getResponseHeaders()
        .put(Headers.CONTENT_DISPOSITION, "attachment; filename=\"" + id.value() + ".log\"");
    OutputStream body = c.streamBody();
    if (exchange.getRequestMethod().equals(Methods.HEAD)) {
      exchange.endExchange(); // the headers a GET gets, no body
      return;
    }
    try (OutputStream out = new BufferedOutputStream(body, 64 * 1024)) {
      scan(
          id,
          after,
          last,
          filter,
          line -> {
            out.write(line.message().getBytes(StandardCharsets.UTF_8));
            out.write('\n');
          });
    }
    exchange.endExchange();
  }

  /** What {@link #scan} does with each line. */
  private interface LineSink {
    void accept(LogLine line) throws IOException;
  }

  /**
   * Hands {@code sink} every retained line with {@code after < seq <= last} that passes {@code
   * filter}, in seq order, a page at a time.
   *
   * @return the first retained seq, as the first page found it; 0 when no page was read
   */
  private long scan(DeploymentId id, long after, long last, LogFilter filter, LineSink sink)
      throws IOException {
    long from = after;
    long first = 0;
    while (from < last) {
      LogPage page = logs.read(id, from, 10_000, filter);
      if (first == 0) {
        first = page.firstAvailable();
      }
      for (LogLine line : page.lines()) {
        if (line.seq() > last) {
          return first;
        }
        sink.accept(line);
      }
      if (page.next() - 1 <= from) {
        break; // nothing more is retained
      }
      from = page.next() - 1;
    }
    return first;
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
    String key = idempotencyKey(c, errors);
    errors.check();
    ingestBudget.chargeLines(p.id(), c.bodyLength(), entries.size());
    AppendResult r = key == null ? logs.append(id, entries) : logs.append(id, entries, key);
    return new Reply(
        202,
        new Appended(r.firstSeq(), r.lastSeq()),
        r.replayed() ? Map.of(REPLAYED, "true") : Map.of());
  }

  /** The answer to an ingest, in this field order. */
  record Appended(long firstSeq, long lastSeq) {}

  /** The request's {@code Idempotency-Key}, or {@code null} if it sent none. */
  private static @Nullable String idempotencyKey(Call c, Requests.Errors errors) {
    HeaderValues values = c.exchange().getRequestHeaders().get(IDEMPOTENCY_KEY);
    if (values == null || values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      errors.add(IDEMPOTENCY_KEY, "must be sent once");
      return null;
    }
    try {
      return IdempotencyKeys.check(values.getFirst());
    } catch (IllegalArgumentException e) {
      errors.add(IDEMPOTENCY_KEY, String.valueOf(e.getMessage()));
      return null;
    }
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
