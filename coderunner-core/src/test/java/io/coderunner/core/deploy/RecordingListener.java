package io.coderunner.core.deploy;

import io.coderunner.core.LogEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Records what a runner reports, in order. Thread-safe. */
final class RecordingListener implements RunListener {
  /** One report: {@code started}, a line, or {@code exited}. */
  record Event(String kind, long value, boolean stopped, LogEntry line) {}

  private static final LogEntry NONE = LogEntry.stdout("");

  private final List<Event> events = new ArrayList<>();
  final CompletableFuture<Long> pid = new CompletableFuture<>();
  final CompletableFuture<ProcessRecord> process = new CompletableFuture<>();
  final CompletableFuture<Event> exit = new CompletableFuture<>();

  @Override
  public synchronized void started(ProcessRecord process) {
    this.process.complete(process);
    started(process.pid());
  }

  @Override
  public synchronized void started(long pid) {
    events.add(new Event("started", pid, false, NONE));
    this.pid.complete(pid);
  }

  @Override
  public synchronized void line(LogEntry entry) {
    events.add(new Event("line", 0, false, entry));
  }

  @Override
  public synchronized void exited(int exitCode, boolean stopped) {
    Event e = new Event("exited", exitCode, stopped, NONE);
    events.add(e);
    exit.complete(e);
  }

  synchronized List<Event> events() {
    return List.copyOf(events);
  }

  synchronized List<LogEntry> lines() {
    return events.stream().filter(e -> e.kind().equals("line")).map(Event::line).toList();
  }

  synchronized List<String> messages() {
    return lines().stream().map(LogEntry::message).toList();
  }

  /** Events as short text: {@code started}, {@code stdout info: text}, {@code exited 3}. */
  synchronized List<String> summary() {
    return events.stream()
        .map(
            e ->
                switch (e.kind()) {
                  case "started" -> "started";
                  case "exited" -> "exited " + e.value() + (e.stopped() ? " stopped" : "");
                  default ->
                      e.line().stream().wireName()
                          + " "
                          + e.line().level().wireName()
                          + ": "
                          + e.line().message();
                })
        .toList();
  }
}
