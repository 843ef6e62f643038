package io.coderunner.websocket.internal;

import io.coderunner.websocket.WebSocketConfig;

/**
 * What a connection may send: a token bucket of frames (text frames, pings and pongs each take a
 * token) and a count of malformed frames. I/O thread only.
 */
final class InboundLimits {
  private final double rate;
  private final double burst;
  private final int maxMalformed;
  private double tokens;
  private long tokensAt;
  private int malformed;

  InboundLimits(WebSocketConfig config, long now) {
    this.rate = config.inboundMessagesPerSecond();
    this.burst = config.inboundBurst();
    this.maxMalformed = config.maxMalformedFrames();
    this.tokens = burst;
    this.tokensAt = now;
  }

  /** Takes a token for one frame received at {@code now}; false when the bucket is empty. */
  boolean take(long now) {
    tokens = Math.min(burst, tokens + (now - tokensAt) * rate / 1e9);
    tokensAt = now;
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }

  /** Counts a malformed frame; false when it is one too many, and the connection must close. */
  boolean malformed() {
    if (malformed >= maxMalformed) {
      return false;
    }
    malformed++;
    return true;
  }
}
