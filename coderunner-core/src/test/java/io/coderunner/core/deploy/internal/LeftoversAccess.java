package io.coderunner.core.deploy.internal;

/** Lets the runner's tests read a process's group as {@link Leftovers} does. */
public final class LeftoversAccess {
  private LeftoversAccess() {}

  /** The group of {@code pid}, or -1. */
  public static long group(long pid) {
    return Leftovers.processGroup(pid).orElse(-1);
  }
}
