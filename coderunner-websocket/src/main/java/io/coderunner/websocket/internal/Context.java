package io.coderunner.websocket.internal;

import io.coderunner.core.DeploymentFeed;
import io.coderunner.core.DeploymentLookup;
import io.coderunner.core.auth.AccessPolicy;
import io.coderunner.core.auth.JwtService;
import io.coderunner.core.follow.ConnectionQuota;
import io.coderunner.core.log.LogStore;
import io.coderunner.core.protocol.FrameCodec;
import io.coderunner.websocket.WebSocketConfig;
import java.time.Clock;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * What every connection of a broadcaster shares, each part thread-safe: settings, the log store and
 * access rules, the deployment feed (null when the host gave none), the codec and its frame cache,
 * the principals' quota, the totals, and whether the broadcaster is closing. A connection asks
 * these, never the broadcaster itself.
 */
record Context(
    WebSocketConfig config,
    LogStore store,
    DeploymentLookup deployments,
    @Nullable DeploymentFeed feed,
    JwtService jwt,
    AccessPolicy policy,
    Clock clock,
    FrameCodec codec,
    FrameEncoder frames,
    ConnectionQuota quota,
    Telemetry telemetry,
    BooleanSupplier closing) {}
