package io.coderunner.server.internal;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * What one principal may ingest ({@code POST …/logs}): requests, lines and request-body bytes per
 * second, each a token bucket holding one second's worth. A request is charged its request and its
 * bytes before its body is parsed, and its lines once they are counted; a refused request gives
 * back what it was charged, so it costs its sender nothing but the refusal. Thread-safe.
 */
public final class IngestBudget {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
  private static final int MAX_PRINCIPALS = 100_000;

  private final TokenBuckets requests;
  private final TokenBuckets lines;
  private final TokenBuckets bytes;

  public IngestBudget(
      int requestsPerSecond, int linesPerSecond, long bytesPerSecond, LongSupplier nanoTime) {
    this.requests = new TokenBuckets(requestsPerSecond, SECOND, nanoTime, MAX_PRINCIPALS);
    this.lines = new TokenBuckets(linesPerSecond, SECOND, nanoTime, MAX_PRINCIPALS);
    this.bytes = new TokenBuckets(bytesPerSecond, SECOND, nanoTime, MAX_PRINCIPALS);
  }

  /**
   * Charges one request of {@code bodyBytes} to {@code principal}, before the body is parsed.
   *
   * @throws ApiException 413 for a body larger than one second's bytes, 429 when either budget is
   *     spent (nothing is then charged)
   */
  public void chargeRequest(String principal, long bodyBytes) {
    if (bodyBytes > bytes.capacity()) {
      throw new ApiException(
          413,
          "Content Too Large",
          "the body of "
              + bodyBytes
              + " bytes is more than ingest.bytesPerSecond allows at once ("
              + bytes.capacity()
              + "); send smaller batches");
    }
    long wait = requests.tryTake(principal, 1);
    if (wait > 0) {
      throw spent("requests", "ingest.requestsPerSecond", requests.capacity(), wait);
    }
    wait = bytes.tryTake(principal, bodyBytes);
    if (wait > 0) {
      requests.giveBack(principal, 1);
      throw spent("bytes", "ingest.bytesPerSecond", bytes.capacity(), wait);
    }
  }

  /**
   * Charges {@code count} lines to {@code principal}, once they are counted.
   *
   * @throws ApiException 413 for more lines than one second's worth, 429 when the line budget is
   *     spent (the request's charge is then given back)
   */
  public void chargeLines(String principal, long bodyBytes, int count) {
    if (count > lines.capacity()) {
      refund(principal, bodyBytes);
      throw new ApiException(
          413,
          "Content Too Large",
          count
              + " lines are more than ingest.linesPerSecond allows at once ("
              + lines.capacity()
              + "); send smaller batches");
    }
    long wait = lines.tryTake(principal, count);
    if (wait > 0) {
      refund(principal, bodyBytes);
      throw spent("lines", "ingest.linesPerSecond", lines.capacity(), wait);
    }
  }

  private void refund(String principal, long bodyBytes) {
    requests.giveBack(principal, 1);
    bytes.giveBack(principal, bodyBytes);
  }

  private static ApiException spent(String what, String setting, long perSecond, long wait) {
    return ApiException.tooManyRequests(
        "the ingest budget of "
            + perSecond
            + " "
            + what
            + " a second per principal ("
            + setting
            + ") is spent; retry in "
            + wait
            + " s",
        wait);
  }
}
