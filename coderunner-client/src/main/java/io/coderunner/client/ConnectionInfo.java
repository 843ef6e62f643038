package io.coderunner.client;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One open WebSocket connection of the server, as its administrators see it.
 *
 * @param id the connection's id, for {@link CodeRunnerClient#disconnect(String)}
 * @param user who it authenticated as, or {@code null} before it did
 * @param remoteAddress the client's address
 * @param subscriptions the logs it follows
 * @param framesSent frames sent to it
 * @param bytesSent bytes sent to it
 * @param linesSent log lines sent to it
 * @param connectedSince when it connected
 */
public record ConnectionInfo(
    String id,
    @Nullable Principal user,
    String remoteAddress,
    List<Subscription> subscriptions,
    long framesSent,
    long bytesSent,
    long linesSent,
    Instant connectedSince) {
  /**
   * Copies {@code subscriptions}.
   *
   * @param id the id
   * @param user the user, or {@code null}
   * @param remoteAddress the address
   * @param subscriptions the subscriptions
   * @param framesSent frames sent
   * @param bytesSent bytes sent
   * @param linesSent lines sent
   * @param connectedSince when it connected
   */
  public ConnectionInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(remoteAddress, "remoteAddress");
    subscriptions = List.copyOf(subscriptions);
    Objects.requireNonNull(connectedSince, "connectedSince");
  }

  /**
   * One log a connection follows, and how far behind it is.
   *
   * @param deploymentId the deployment
   * @param position the next seq it will be sent
   * @param lagLines lines appended that it has not been sent
   * @param lagBytes their bytes
   * @param lagAge the age of the oldest of them
   */
  public record Subscription(
      DeploymentId deploymentId, long position, long lagLines, long lagBytes, Duration lagAge) {
    /**
     * Checks the parts.
     *
     * @param deploymentId the deployment
     * @param position the next seq
     * @param lagLines lines behind
     * @param lagBytes bytes behind
     * @param lagAge age of the oldest unsent line
     */
    public Subscription {
      Objects.requireNonNull(deploymentId, "deploymentId");
      Objects.requireNonNull(lagAge, "lagAge");
    }
  }
}
