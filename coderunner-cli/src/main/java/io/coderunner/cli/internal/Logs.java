package io.coderunner.cli.internal;

import io.coderunner.client.CodeRunnerClient;
import io.coderunner.client.ConnectionState;
import io.coderunner.client.FollowListener;
import io.coderunner.client.FollowOptions;
import io.coderunner.client.HistoryPage;
import io.coderunner.client.HistoryQuery;
import io.coderunner.client.LogFollow;
import io.coderunner.client.Position;
import io.coderunner.core.Deployment;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.DeploymentStatus;
import io.coderunner.core.LogLevel;
import io.coderunner.core.LogLine;
import io.coderunner.core.StreamKind;
import io.coderunner.core.protocol.SubscribeFilter;
import io.coderunner.core.protocol.WireTime;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code coderunner logs ID}: a deployment's log, read or followed, as text or JSON lines. */
@Command(
    name = "logs",
    description = {
      "Print a deployment's log; with -f, follow it until its process ends or it is deleted.",
      "A follow reconnects after every drop and resumes where it was: no line is lost or"
          + " printed twice, and a gap or reset is printed as such. Connection state goes to"
          + " standard error."
    })
final class Logs implements Callable<Integer> {
  /** Escape sequences a terminal interprets (CSI and OSC), stripped when not printing to one. */
  private static final Pattern ANSI =
      Pattern.compile(
          "\\u001B\\[[0-?]*[ -/]*[@-~]|\\u001B\\][^\\u0007\\u001B]*(\\u0007|\\u001B\\\\)");

  @ParentCommand @Nullable Cli cli;

  @Parameters(paramLabel = "ID")
  String id = "";

  @Option(
      names = {"-f", "--follow"},
      description = "Keep printing lines as they come.")
  boolean follow;

  @Option(names = "--after", paramLabel = "SEQ", description = "Only lines with a greater seq.")
  @Nullable Long after;

  @Option(
      names = "--tail",
      paramLabel = "N",
      description = "Only the last N lines (then live ones with -f).")
  @Nullable Integer tail;

  @Option(
      names = "--level",
      split = ",",
      paramLabel = "LEVEL",
      description = "Levels to keep: trace,debug,info,warn,error.")
  List<String> levels = new java.util.ArrayList<>();

  @Option(
      names = "--stream",
      split = ",",
      paramLabel = "STREAM",
      description = "Streams to keep: stdout,stderr,system.")
  List<String> streams = new java.util.ArrayList<>();

  @Option(names = "-q", paramLabel = "TEXT", description = "Only lines containing TEXT (any case).")
  @Nullable String query;

  @Option(
      names = {"-o", "--output"},
      description = "text or jsonl.",
      defaultValue = "text")
  String output = "text";

  @Option(
      names = {"-t", "--timestamps"},
      description = "Prefix each text line with its time.")
  boolean timestamps;

  @Option(
      names = "--color",
      description = "Keep ANSI escapes: auto (on a terminal), always or never.",
      defaultValue = "auto")
  String color = "auto";

  @Option(
      names = "--heartbeat",
      paramLabel = "DURATION",
      description =
          "With -f: after this long without a frame, ping; after as long again, reconnect."
              + " ISO-8601, default PT15S.",
      defaultValue = "PT15S")
  java.time.Duration heartbeat = java.time.Duration.ofSeconds(15);

  private boolean jsonl;
  private boolean keepAnsi;

  @Override
  public Integer call() throws Exception {
    Cli c = Objects.requireNonNull(cli);
    if (after != null && tail != null) {
      throw new Cli.UsageException("--after and --tail exclude each other");
    }
    if (after != null && after < 0) {
      throw new Cli.UsageException("--after must be 0 or more");
    }
    if (tail != null && (tail < 0 || tail > 10_000)) {
      throw new Cli.UsageException("--tail must be 0 to 10000");
    }
    if (!output.equals("text") && !output.equals("jsonl")) {
      throw new Cli.UsageException("--output must be text or jsonl, was " + output);
    }
    jsonl = output.equals("jsonl");
    keepAnsi =
        switch (color) {
          case "always" -> true;
          case "never" -> false;
          case "auto" -> Terminal.console() != null;
          default -> throw new Cli.UsageException("--color must be auto, always or never");
        };
    SubscribeFilter filter = filter();
    DeploymentId deployment = Commands.id(id);
    if (heartbeat.toMillis() < 10 || heartbeat.compareTo(java.time.Duration.ofMinutes(10)) > 0) {
      throw new Cli.UsageException("--heartbeat must be PT0.01S to PT10M");
    }
    try (CodeRunnerClient client = c.client(b -> b.heartbeat(heartbeat))) {
      Deployment d = client.deployment(deployment);
      if (!follow || (!d.status().isActive() && d.status() != DeploymentStatus.CREATED)) {
        read(client, deployment, filter, after == null ? 0 : after);
        if (follow) {
          c.err.println("deployment " + id + " is " + d.status().wireName());
        }
        return 0;
      }
      return follow(c, client, deployment, filter);
    }
  }

  private SubscribeFilter filter() {
    Set<LogLevel> ls = new LinkedHashSet<>();
    Set<StreamKind> ss = new LinkedHashSet<>();
    try {
      levels.forEach(l -> ls.add(LogLevel.fromWire(l.strip())));
      streams.forEach(s -> ss.add(StreamKind.fromWire(s.strip())));
      return new SubscribeFilter(ls, ss, query == null || query.isEmpty() ? null : query);
    } catch (IllegalArgumentException e) {
      throw new Cli.UsageException(String.valueOf(e.getMessage()));
    }
  }

  /**
   * Prints the retained lines after {@code from} (the last {@code tail} of them) up to the head.
   */
  private void read(CodeRunnerClient client, DeploymentId d, SubscribeFilter filter, long from) {
    Cli c = Objects.requireNonNull(cli);
    ArrayDeque<LogLine> last = new ArrayDeque<>();
    HistoryQuery q = HistoryQuery.first().after(from).limit(HistoryQuery.MAX_LIMIT).filter(filter);
    while (true) {
      HistoryPage page = client.logs(d, q);
      for (LogLine l : page.lines()) {
        if (tail != null) {
          last.addLast(l);
          if (last.size() > tail) {
            last.removeFirst();
          }
        } else {
          print(c, l);
        }
      }
      if (page.next() - 1 <= q.after()) {
        break;
      }
      q = q.after(page.next() - 1);
    }
    last.forEach(l -> print(c, l));
    c.out.flush();
  }

  private int follow(Cli c, CodeRunnerClient client, DeploymentId d, SubscribeFilter filter)
      throws InterruptedException {
    FollowOptions options;
    if (tail != null) {
      options = FollowOptions.tail(tail);
    } else if (after != null) {
      String epoch = client.logs(d, HistoryQuery.first().limit(1)).epoch();
      options = FollowOptions.after(new Position(epoch, after));
    } else {
      options = FollowOptions.fromStart();
    }
    options = options.filter(filter);
    CountDownLatch ended = new CountDownLatch(1);
    AtomicReference<String> why = new AtomicReference<>("");
    java.util.concurrent.atomic.AtomicInteger code =
        new java.util.concurrent.atomic.AtomicInteger();
    FollowListener listener =
        new FollowListener() {
          @Override
          public void onLines(List<LogLine> lines) {
            lines.forEach(l -> print(c, l));
            c.out.flush();
          }

          @Override
          public void onGap(long from, long to) {
            if (jsonl) {
              c.out.println("{\"gap\":{\"from\":" + from + ",\"to\":" + to + "}}");
            } else {
              c.out.println("--- lines " + from + " to " + to + " were dropped by retention ---");
            }
            c.out.flush();
          }

          @Override
          public void onReset(String epoch, long firstAvailable) {
            if (jsonl) {
              c.out.println(Commands.write(Map.of("reset", Map.of("epoch", epoch))));
            } else {
              c.out.println("--- the log was reset (epoch " + epoch + "): what follows is new ---");
            }
            c.out.flush();
          }

          @Override
          public void onStatus(DeploymentStatus status, Instant at) {
            if (status == DeploymentStatus.STOPPED || status == DeploymentStatus.FAILED) {
              // A replayed status of an earlier run is not the end: ask what it is now.
              try {
                if (!client.deployment(d).status().isActive()) {
                  why.set("deployment " + id + " " + status.wireName());
                  ended.countDown();
                }
              } catch (RuntimeException e) {
                // the next status, or the follow's own end, decides
              }
            }
          }

          @Override
          public void onState(ConnectionState state) {
            if (state instanceof ConnectionState.Closed closed) {
              switch (closed.reason()) {
                case DELETED -> why.set("deployment " + id + " was deleted");
                case CLOSED -> {}
                default -> {
                  why.set("the follow ended: " + closed.detail());
                  code.set(Cli.ERROR);
                }
              }
              ended.countDown();
            } else if (state instanceof ConnectionState.Reconnecting r) {
              c.err.println(
                  "reconnecting (attempt "
                      + r.attempt()
                      + " in "
                      + r.delay().toMillis()
                      + " ms): "
                      + r.cause());
            } else if (state instanceof ConnectionState.Live) {
              c.err.println("following " + id);
            }
          }
        };
    LogFollow f = client.follow(d, options, listener);
    Thread hook = new Thread(f::close, "coderunner-ctrl-c");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      ended.await();
      f.close();
      // Lines the follow had not reached when the process ended: read them from the history.
      Optional<Position> at = f.position();
      String reason = Objects.requireNonNullElse(why.get(), "");
      if (code.get() == 0 && at.isPresent() && !reason.endsWith("deleted")) {
        read(client, d, filter, at.get().seq());
      }
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // shutting down: the hook runs
      }
    }
    c.err.println(Objects.requireNonNullElse(why.get(), ""));
    return code.get();
  }

  private void print(Cli c, LogLine l) {
    if (jsonl) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("seq", l.seq());
      m.put("ts", WireTime.format(l.timestamp()));
      m.put("stream", l.stream().wireName());
      m.put("level", l.level().wireName());
      m.put("message", l.message());
      c.out.println(Commands.write(m));
      return;
    }
    String message = keepAnsi ? l.message() : ANSI.matcher(l.message()).replaceAll("");
    c.out.println(timestamps ? WireTime.format(l.timestamp()) + " " + message : message);
  }
}
