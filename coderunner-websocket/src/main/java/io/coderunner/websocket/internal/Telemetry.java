package io.coderunner.websocket.internal;

import io.coderunner.core.delivery.DeliveryListener;
import io.coderunner.core.delivery.ResumeOutcome;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broadcaster's totals, and its delivery listener, which hears of single events. Thread-safe:
 * every connection's I/O thread counts here.
 */
final class Telemetry {
  private static final Logger log = LoggerFactory.getLogger(Telemetry.class);

  final LongAdder accepted = new LongAdder();
  final LongAdder framesSent = new LongAdder();
  final LongAdder bytesSent = new LongAdder();
  final LongAdder linesSent = new LongAdder();
  final LongAdder framesEncoded = new LongAdder();
  final LongAdder framesShared = new LongAdder();
  private final ConcurrentHashMap<Integer, LongAdder> closes = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LongAdder> authFailures = new ConcurrentHashMap<>();

  private final DeliveryListener listener;
  private final boolean listening;

  /** One live frame in this many per connection is timed. */
  final int timingInterval;

  Telemetry(DeliveryListener listener) {
    this.listener = listener;
    this.listening = listener != DeliveryListener.NONE;
    this.timingInterval = Math.max(1, listener.timingInterval());
  }

  void countClose(int code) {
    closes.computeIfAbsent(code, k -> new LongAdder()).increment();
  }

  void countAuthFailure(String reason) {
    authFailures.computeIfAbsent(reason, k -> new LongAdder()).increment();
  }

  /** A frame of {@code bytes} was written. */
  void frameWritten(int bytes) {
    framesSent.increment();
    bytesSent.add(bytes);
  }

  /** Whether a listener wants to hear of deliveries, so connections time their live frames. */
  boolean timesDeliveries() {
    return listening;
  }

  /** Tells the listener of a frame of live lines written; the caller's thread goes on whatever. */
  void delivered(int lines, long latencyNanos) {
    try {
      listener.linesDelivered(lines, latencyNanos);
    } catch (RuntimeException e) {
      log.debug("delivery listener failed", e);
    }
  }

  /** Tells the listener of a resume. */
  void resumed(ResumeOutcome outcome) {
    if (!listening) {
      return;
    }
    try {
      listener.resumed(outcome);
    } catch (RuntimeException e) {
      log.debug("delivery listener failed", e);
    }
  }

  Map<Integer, Long> closesByCode() {
    Map<Integer, Long> out = new TreeMap<>();
    closes.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  Map<String, Long> authFailuresByReason() {
    Map<String, Long> out = new TreeMap<>();
    authFailures.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }
}
