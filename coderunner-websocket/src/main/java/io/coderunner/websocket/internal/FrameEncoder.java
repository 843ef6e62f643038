package io.coderunner.websocket.internal;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogLine;
import io.coderunner.core.follow.FollowEvent;
import io.coderunner.core.protocol.EncodedFrame;
import io.coderunner.core.protocol.FrameCodec;
import io.coderunner.core.protocol.ServerFrame;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Encodes server frames. A {@code logs} frame of an unfiltered subscription is encoded once per
 * (deployment, epoch, seq range) and its bytes are shared by every connection that reads the same
 * range: the frames of a fan-out are identical. Thread-safe.
 */
final class FrameEncoder {
  private final FrameCodec codec;
  private final Telemetry telemetry;
  private final ConcurrentHashMap<DeploymentId, SharedFrame> shared = new ConcurrentHashMap<>();

  /** The last encoded frame of a deployment's unfiltered lines, with the range it holds. */
  private record SharedFrame(String epoch, long first, long last, int count, EncodedFrame frame) {}

  FrameEncoder(FrameCodec codec, Telemetry telemetry) {
    this.codec = codec;
    this.telemetry = telemetry;
  }

  EncodedFrame encode(ServerFrame frame) {
    if (frame instanceof ServerFrame.Logs) {
      telemetry.framesEncoded.increment();
    }
    return codec.encodeShared(frame);
  }

  /** The {@code logs} frame of a batch: shared with other readers when the batch is unfiltered. */
  EncodedFrame logs(FollowEvent.Lines batch) {
    List<LogLine> lines = batch.lines();
    if (!batch.unfiltered()) {
      return encode(new ServerFrame.Logs(batch.deploymentId(), lines));
    }
    long first = lines.get(0).seq();
    long last = lines.get(lines.size() - 1).seq();
    SharedFrame cached = shared.get(batch.deploymentId());
    if (cached != null
        && cached.epoch.equals(batch.epoch())
        && cached.first == first
        && cached.last == last
        && cached.count == lines.size()) {
      telemetry.framesShared.increment();
      return cached.frame;
    }
    EncodedFrame frame = encode(new ServerFrame.Logs(batch.deploymentId(), lines));
    shared.put(
        batch.deploymentId(), new SharedFrame(batch.epoch(), first, last, lines.size(), frame));
    return frame;
  }

  /** Bounds the cache when deployments come and go: it is only a cache. */
  void trim(int connections) {
    if (shared.size() > 4 * Math.max(16, connections)) {
      shared.clear();
    }
  }

  void clear() {
    shared.clear();
  }
}
