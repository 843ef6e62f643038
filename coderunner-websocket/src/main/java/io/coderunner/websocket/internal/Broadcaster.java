package io.coderunner.websocket.internal;

import io.coderunner.core.DeploymentLookup;
import io.coderunner.core.auth.AccessPolicy;
import io.coderunner.core.auth.JwtService;
import io.coderunner.core.log.LogStore;
import io.coderunner.core.protocol.FrameCodec;
import io.coderunner.websocket.BroadcasterStats;
import io.coderunner.websocket.ConnectionInfo;
import io.coderunner.websocket.WebSocketConfig;
import io.undertow.server.HttpHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** The broadcaster's implementation. */
@SuppressWarnings("DoNotCallSuggester")
public final class Broadcaster {
  private final WebSocketConfig config;

  @SuppressWarnings("UnusedVariable")
  public Broadcaster(
      WebSocketConfig config,
      LogStore logStore,
      DeploymentLookup deployments,
      JwtService jwt,
      AccessPolicy accessPolicy,
      Clock clock,
      FrameCodec codec) {
    this.config = config;
  }

  public HttpHandler handler() {
    throw new UnsupportedOperationException("not yet");
  }

  public void start() {}

  public WebSocketConfig config() {
    return config;
  }

  public BroadcasterStats stats() {
    throw new UnsupportedOperationException("not yet");
  }

  public List<ConnectionInfo> connections() {
    return List.of();
  }

  public boolean disconnect(String connectionId) {
    return false;
  }

  public void close(Duration deadline) {}
}
