package io.coderunner.core.follow;

import io.coderunner.core.DeploymentId;

/** What {@link Follower#check} found: whether the connection may go on, and if not why. */
public sealed interface FollowCheck {

  /** Nothing is waiting for the connection. */
  FollowCheck CAUGHT_UP = new Healthy(false);

  /** Lines are waiting for the connection, within its bounds. */
  FollowCheck BEHIND = new Healthy(true);

  /** The connection's token has expired: end it. */
  FollowCheck EXPIRED = new Expired();

  /**
   * Within bounds.
   *
   * @param behind whether some subscription has lines waiting (a transport skips its keep-alive
   *     then: the lines themselves show whether the peer keeps up)
   */
  record Healthy(boolean behind) implements FollowCheck {}

  /** The token the connection was opened with (or refreshed to) is no longer valid. */
  record Expired() implements FollowCheck {}

  /**
   * A subscription stayed behind past its bound: end the connection; its client resumes from the
   * last seq it received.
   */
  record TooFarBehind(DeploymentId deploymentId) implements FollowCheck {}
}
