package io.coderunner.core.deploy;

import io.coderunner.core.LogEntry;

/** Told what a started process prints and how it ended. Called from the runner's threads. */
public interface RunListener {
  /**
   * The process is running.
   *
   * @param pid the process's id (for {@link LocalProcessRunner}, the operating-system pid)
   */
  void started(long pid);

  /**
   * The process is running, with what the operating system knows of it; a runner that knows the
   * process's start time calls this instead of {@link #started(long)}. The default calls that.
   *
   * @param process its pid, start time and process group
   */
  default void started(ProcessRecord process) {
    started(process.pid());
  }

  /**
   * One line of its output, already tagged with its stream and level.
   *
   * @param entry the line, without a trailing newline
   */
  void line(LogEntry entry);

  /**
   * The process ended.
   *
   * @param exitCode its exit code (128 + n when killed by signal n)
   * @param stopped whether it ended because {@link DeploymentRunner#stop} asked it to
   */
  void exited(int exitCode, boolean stopped);
}
