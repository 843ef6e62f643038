package io.coderunner.websocket;

import io.coderunner.core.Principal;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One open connection, as the admin API shows it.
 *
 * @param id the connection id (also sent in {@code welcome})
 * @param principal who it authenticated as, or {@code null} before it did
 * @param remoteAddress the peer's address and port
 * @param subscriptions what it follows
 * @param framesSent frames written to it
 * @param bytesSent bytes written to it
 * @param linesSent log lines written to it
 * @param connectedSince when it connected
 */
public record ConnectionInfo(
    String id,
    @Nullable Principal principal,
    String remoteAddress,
    List<SubscriptionInfo> subscriptions,
    long framesSent,
    long bytesSent,
    long linesSent,
    Instant connectedSince) {
  /**
   * Copies {@code subscriptions}, so the record does not change after it is made.
   *
   * @param id the connection id
   * @param principal who it authenticated as, or {@code null} before it did
   * @param remoteAddress the peer's address and port
   * @param subscriptions what it follows; copied, and may not contain {@code null}
   * @param framesSent frames written to it
   * @param bytesSent bytes written to it
   * @param linesSent log lines written to it
   * @param connectedSince when it connected
   */
  public ConnectionInfo {
    subscriptions = List.copyOf(subscriptions);
  }
}
