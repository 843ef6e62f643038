package io.coderunner.core.delivery;

import java.util.Map;

/**
 * Totals of a live log delivery (such as a WebSocket broadcaster), for metrics. A snapshot: each
 * field is exact at some moment while it was read, not all at the same moment. Immutable: the maps
 * are copied and unmodifiable.
 *
 * @param connections open connections now
 * @param authenticated open connections that authenticated
 * @param subscriptions subscriptions now
 * @param connectionsAccepted connections ever accepted
 * @param framesSent frames written
 * @param bytesSent bytes written
 * @param linesSent log lines written
 * @param logsFramesEncoded {@code logs} frames encoded (a frame shared by several connections
 *     counts once)
 * @param logsFramesShared {@code logs} frames sent from another connection's encoding
 * @param closesByCode connections closed by the server, by close code
 * @param authFailuresByReason failed authentications, by reason
 */
public record DeliveryStats(
    long connections,
    long authenticated,
    long subscriptions,
    long connectionsAccepted,
    long framesSent,
    long bytesSent,
    long linesSent,
    long logsFramesEncoded,
    long logsFramesShared,
    Map<Integer, Long> closesByCode,
    Map<String, Long> authFailuresByReason) {
  /**
   * Copies the maps into unmodifiable ones.
   *
   * @param connections open connections now
   * @param authenticated open connections that authenticated
   * @param subscriptions subscriptions now
   * @param connectionsAccepted connections ever accepted
   * @param framesSent frames written
   * @param bytesSent bytes written
   * @param linesSent log lines written
   * @param logsFramesEncoded {@code logs} frames encoded
   * @param logsFramesShared {@code logs} frames sent from another connection's encoding
   * @param closesByCode connections closed by the server, by close code; copied
   * @param authFailuresByReason failed authentications, by reason; copied
   * @throws NullPointerException if a map, or a key or value in it, is null
   */
  public DeliveryStats {
    closesByCode = Map.copyOf(closesByCode);
    authFailuresByReason = Map.copyOf(authFailuresByReason);
  }
}
