package io.coderunner.websocket;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/** The one way these tests wait: Awaitility with a generous bound, polling often. */
final class Awaits {
  /** Bound for anything that should happen promptly; generous for a loaded 2-core machine. */
  static final Duration PROMPTLY = Duration.ofSeconds(20);

  private Awaits() {}

  static ConditionFactory await() {
    return await(PROMPTLY);
  }

  static ConditionFactory await(Duration atMost) {
    return Awaitility.await()
        .atMost(atMost)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(5))
        .pollInSameThread();
  }
}
