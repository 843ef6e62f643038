package io.coderunner.core.delivery;

/** What became of a follower that resumed from a position ({@code after}, with its epoch). */
public enum ResumeOutcome {
  /** The log still holds every line after the position: delivery continues without a hole. */
  CONTINUED,

  /** Retention dropped lines after the position: the follower is told the missing range. */
  GAP,

  /** The position names an epoch the log no longer has: the follower starts over. */
  RESET
}
