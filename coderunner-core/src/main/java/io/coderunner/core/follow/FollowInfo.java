package io.coderunner.core.follow;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.log.CursorLag;

/**
 * One subscription of a {@link Follower}, for admin views.
 *
 * @param position the next seq it takes (while a filtered tail is still being found: the seq after
 *     the head its log had when it opened)
 * @param lag how far behind its log's head it is ({@link CursorLag#NONE} while a tail is found)
 */
public record FollowInfo(DeploymentId deploymentId, long position, CursorLag lag) {}
