package io.coderunner.websocket.internal;

import io.coderunner.core.Principal;
import io.coderunner.core.follow.ConnectionQuota;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Who a connection is: nobody until a token verifies (and no later than its deadline), then a
 * principal that holds one of its quota's places until the connection ends. The token's expiry is
 * the connection's {@link io.coderunner.core.follow.Follower}'s to enforce.
 *
 * <p>Written on the I/O thread; {@link #principal()} and {@link #deadlinePassed} are read by any.
 */
final class ConnectionAuth {
  private final Instant deadline;
  private final ConnectionQuota quota;
  private volatile @Nullable Principal principal;
  private boolean admitted;

  ConnectionAuth(Instant deadline, ConnectionQuota quota) {
    this.deadline = deadline;
    this.quota = quota;
  }

  @Nullable Principal principal() {
    return principal;
  }

  /** Whether the connection is still unauthenticated at {@code now}, past its deadline. */
  boolean deadlinePassed(Instant now) {
    return principal == null && !now.isBefore(deadline);
  }

  /** Authenticates as {@code p} when its quota has room; false when it has none. */
  boolean admit(Principal p) {
    if (quota.admit(p.id()) != ConnectionQuota.Admission.ADMITTED) {
      return false;
    }
    admitted = true;
    principal = p;
    return true;
  }

  /** After a refresh: the same subject, perhaps with other roles. */
  void refreshTo(Principal p) {
    principal = p;
  }

  /** Gives the quota's place back; idempotent. */
  void release() {
    Principal p = principal;
    if (admitted && p != null) {
      admitted = false;
      quota.release(p.id());
    }
  }
}
