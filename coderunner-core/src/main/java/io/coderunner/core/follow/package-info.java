/**
 * Following logs onto a transport: the one policy WebSocket and Server-Sent Events share.
 *
 * <p>A {@link io.coderunner.core.follow.Follower} is one connection's set of subscriptions. It
 * reads their cursors in batches, applies each subscription's filter, passes status changes through
 * whatever the filter, bounds the work of one turn of the connection's thread, coalesces the
 * cursors' signals into one wake-up, and tells the housekeeping whether a subscription stays behind
 * past its bound or the connection's token has expired. Its settings are a {@link
 * io.coderunner.core.follow.FollowConfig}. A transport only turns {@link
 * io.coderunner.core.follow.FollowEvent}s into bytes and writes them.
 */
@NullMarked
package io.coderunner.core.follow;

import org.jspecify.annotations.NullMarked;
