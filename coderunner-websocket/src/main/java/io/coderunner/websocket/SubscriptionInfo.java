package io.coderunner.websocket;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.log.CursorLag;

/**
 * One subscription of a connection.
 *
 * @param deploymentId what it follows
 * @param position the next seq it will send
 * @param lag how far it is behind the log's head
 */
public record SubscriptionInfo(DeploymentId deploymentId, long position, CursorLag lag) {}
