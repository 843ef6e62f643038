package io.coderunner.core.log;

import java.time.Instant;
import java.util.Objects;

/**
 * What a log remembers of an append made with an idempotency key: the key, a fingerprint of the
 * lines it carried, and the seqs they took. A durable store keeps it with the lines ({@link
 * LogJournal#appended}) and gives it back on restart ({@link InMemoryLogStore#restore}).
 *
 * @param key the client's key, as {@link IdempotencyKeys#check} accepts it
 * @param fingerprint the SHA-256 of the lines' content, in lower-case hex ({@link
 *     IdempotencyKeys#fingerprint})
 * @param firstSeq the first seq the lines took
 * @param lastSeq the last seq the lines took
 * @param createdAt when the append was made, by the store's clock: the key is forgotten a {@link
 *     RetentionConfig#idempotencyWindow()} later
 */
public record IdempotencyRecord(
    String key, String fingerprint, long firstSeq, long lastSeq, Instant createdAt) {
  /**
   * @param key the client's key
   * @param fingerprint the lines' fingerprint
   * @param firstSeq the first seq
   * @param lastSeq the last seq, at least {@code firstSeq}
   * @param createdAt when the append was made
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the seqs are not a run of at least one
   */
  public IdempotencyRecord {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(createdAt, "createdAt");
    if (firstSeq < 1 || lastSeq < firstSeq) {
      throw new IllegalArgumentException("seqs " + firstSeq + " to " + lastSeq + " are not a run");
    }
  }

  /**
   * The answer a retry with this key gets.
   *
   * @return the recorded seqs, marked {@linkplain AppendResult#replayed() replayed}
   */
  public AppendResult replay() {
    return new AppendResult(firstSeq, lastSeq, true);
  }
}
