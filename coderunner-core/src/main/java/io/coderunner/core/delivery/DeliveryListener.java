package io.coderunner.core.delivery;

/**
 * Told of single deliveries as they happen, where {@link DeliveryStats} only gives totals: the SPI
 * through which metrics time delivery without depending on the transport.
 *
 * <p>A transport calls it on its I/O threads, concurrently, for live frames (one in {@link
 * #timingInterval()} of each connection) and for every resume, so an implementation must be
 * thread-safe, must not block and should take no more than a counter increment or a histogram
 * record. A transport catches what a listener throws and goes on.
 */
public interface DeliveryListener {
  /** Listens to nothing. */
  DeliveryListener NONE = new DeliveryListener() {};

  /**
   * How many live frames of a connection go by per call of {@link #linesDelivered}: 1 times every
   * frame; {@code n} times one in {@code n}, so a transport reads its clock only for those. Timing
   * a frame costs a clock read plus the listener's record, which at a hundred thousand frames a
   * second is 1 % or more of a core; one in several frames keeps the latency distribution (the
   * frames timed do not depend on their latency) at a fraction of the cost. Read once, when the
   * transport is built.
   *
   * @return at least 1
   */
  default int timingInterval() {
    return 1;
  }

  /**
   * A frame of live lines (appended after its follower subscribed) was handed to the network: every
   * {@link #timingInterval()}-th such frame of a connection.
   *
   * @param lines how many log lines the frame held, at least 1
   * @param latencyNanos from the append of its oldest line to the frame being written, by the
   *     store's clock; never negative
   */
  default void linesDelivered(int lines, long latencyNanos) {}

  /**
   * A follower resumed from a position. Called for every resume, not only one in {@link
   * #timingInterval()}.
   *
   * @param outcome whether delivery continued, skipped a gap or started over
   */
  default void resumed(ResumeOutcome outcome) {}
}
