package io.coderunner.core.follow;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts following connections against two limits: in total, and per principal. A transport takes a
 * place when a connection authenticates and gives it back when the connection ends. Thread-safe; a
 * place is taken atomically, so parallel requests never pass a limit.
 */
public final class ConnectionQuota {
  /** What {@link #admit} decided. */
  public enum Admission {
    /** A place was taken; the caller must {@link ConnectionQuota#release} it once. */
    ADMITTED,
    /** The total limit is reached. */
    TOO_MANY,
    /** The principal's limit is reached. */
    TOO_MANY_FOR_PRINCIPAL
  }

  private final int maxTotal;
  private final int maxPerPrincipal;
  private final AtomicInteger total = new AtomicInteger();
  private final ConcurrentHashMap<String, AtomicInteger> perPrincipal = new ConcurrentHashMap<>();

  private ConnectionQuota(int maxTotal, int maxPerPrincipal) {
    if (maxTotal < 1 || maxPerPrincipal < 1) {
      throw new IllegalArgumentException(
          "limits must be at least 1, were " + maxTotal + " and " + maxPerPrincipal);
    }
    this.maxTotal = maxTotal;
    this.maxPerPrincipal = maxPerPrincipal;
  }

  /**
   * At most {@code maxTotal} connections, and {@code maxPerPrincipal} of any one principal.
   *
   * @param maxTotal most connections in all; at least 1
   * @param maxPerPrincipal most connections of one principal; at least 1
   * @return a new quota with no place taken
   * @throws IllegalArgumentException if a limit is below 1
   */
  public static ConnectionQuota of(int maxTotal, int maxPerPrincipal) {
    return new ConnectionQuota(maxTotal, maxPerPrincipal);
  }

  /**
   * At most {@code maxPerPrincipal} connections of any one principal, however many in all.
   *
   * @param maxPerPrincipal most connections of one principal; at least 1
   * @return a new quota with no place taken
   * @throws IllegalArgumentException if {@code maxPerPrincipal} is below 1
   */
  public static ConnectionQuota perPrincipal(int maxPerPrincipal) {
    return new ConnectionQuota(Integer.MAX_VALUE, maxPerPrincipal);
  }

  /**
   * Takes a place for one more connection of {@code principalId}; on {@link Admission#ADMITTED} the
   * caller must {@link #release} it once.
   *
   * @param principalId the {@link io.coderunner.core.Principal#id()} of who connects
   * @return {@link Admission#ADMITTED} if a place was taken, otherwise which limit is reached (and
   *     nothing was taken)
   */
  public Admission admit(String principalId) {
    if (total.incrementAndGet() > maxTotal) {
      total.decrementAndGet();
      return Admission.TOO_MANY;
    }
    boolean[] admitted = new boolean[1];
    perPrincipal.compute(
        principalId,
        (k, v) -> {
          AtomicInteger count = v == null ? new AtomicInteger() : v;
          if (count.get() < maxPerPrincipal) {
            count.incrementAndGet();
            admitted[0] = true;
          }
          return count.get() == 0 ? null : count;
        });
    if (!admitted[0]) {
      total.decrementAndGet();
      return Admission.TOO_MANY_FOR_PRINCIPAL;
    }
    return Admission.ADMITTED;
  }

  /**
   * Gives back a place {@link #admit} gave. Call it once per admission, and never for a refused
   * one: the counts are not checked.
   *
   * @param principalId the same id that was admitted
   */
  public void release(String principalId) {
    perPrincipal.computeIfPresent(principalId, (k, v) -> v.decrementAndGet() <= 0 ? null : v);
    total.decrementAndGet();
  }

  /**
   * Connections admitted and not yet released.
   *
   * @return the count now, in all
   */
  public int total() {
    return total.get();
  }

  /**
   * Connections of {@code principalId} admitted and not yet released.
   *
   * @param principalId the principal's id
   * @return the count now; 0 for a principal that holds none
   */
  public int held(String principalId) {
    AtomicInteger count = perPrincipal.get(principalId);
    return count == null ? 0 : count.get();
  }
}
