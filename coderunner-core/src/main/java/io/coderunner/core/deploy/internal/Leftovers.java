package io.coderunner.core.deploy.internal;

import io.coderunner.core.deploy.ProcessRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Finds what is still running of a process an earlier runner recorded: the process itself if it is
 * the same one (same pid and start time), its descendants, and, for a process group, every process
 * of the group started no earlier than its leader (on Linux the group is read from {@code
 * /proc/<pid>/stat}). When a process of that pid runs with another start time, the pid and any
 * group of that id are someone else's, and nothing is found. When the leader is gone, a group of
 * its id can only be another's if a later process got the pid, made a group and died too, leaving
 * members behind.
 */
public final class Leftovers {
  private Leftovers() {}

  /** The processes of {@code record} that still run, never this JVM. */
  public static Set<ProcessHandle> of(ProcessRecord record) {
    Set<ProcessHandle> found = new LinkedHashSet<>();
    Instant started = record.startedAt();
    Optional<ProcessHandle> leader = ProcessHandle.of(record.pid()).filter(ProcessHandle::isAlive);
    if (leader.isPresent()) {
      if (!started.equals(startOf(leader.get()))) {
        return found; // the pid is another process's now, and so is any group of that id
      }
      found.add(leader.get());
      leader.get().descendants().forEach(found::add);
    }
    if (record.processGroup()) {
      ProcessHandle.allProcesses()
          .filter(p -> processGroup(p.pid()).orElse(-1) == record.pid())
          .filter(p -> !startOf(p).isBefore(started))
          .forEach(
              p -> {
                found.add(p);
                p.descendants().forEach(found::add);
              });
    }
    found.removeIf(
        p -> p.pid() == ProcessHandle.current().pid() || !p.isAlive() || zombie(p.pid()));
    return found;
  }

  /** When {@code p} started, or the end of time if the system does not say. */
  public static Instant startOf(ProcessHandle p) {
    return p.info().startInstant().orElse(Instant.MAX);
  }

  /**
   * The process group of {@code pid} unless it is a zombie, from the fifth field of {@code
   * /proc/<pid>/stat} (after the command name in parentheses, which may itself hold spaces and
   * parentheses).
   */
  static OptionalLong processGroup(long pid) {
    String[] fields = stat(pid);
    if (fields.length < 3 || zombie(fields)) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(fields[2])); // state, ppid, pgrp
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * Whether {@code pid} has ended and waits for its parent: it runs nothing and cannot be killed.
   */
  static boolean zombie(long pid) {
    return zombie(stat(pid));
  }

  private static boolean zombie(String[] fields) {
    return fields.length > 0 && (fields[0].equals("Z") || fields[0].equals("X"));
  }

  /** The fields of {@code /proc/<pid>/stat} after the command name; none if it cannot be read. */
  private static String[] stat(long pid) {
    String stat;
    try {
      stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      return new String[0]; // gone, not Linux, or not ours to read
    }
    int end = stat.lastIndexOf(')');
    if (end < 0 || end + 2 > stat.length()) {
      return new String[0];
    }
    return stat.substring(end + 2).split(" ", 4);
  }
}
