package io.coderunner.server.internal;

import io.coderunner.core.deploy.DeploymentLimits;
import io.coderunner.core.deploy.LocalRunnerConfig;
import io.coderunner.core.follow.FollowConfig;
import io.coderunner.core.log.RetentionConfig;
import io.coderunner.metrics.health.HealthConfig;
import io.coderunner.server.ServerConfig;
import io.coderunner.websocket.WebSocketConfig;
import java.util.function.Supplier;

/**
 * A {@link ServerConfig} being assembled from settings: one builder per component, so that checks
 * that relate two values of one component (retention's line limit against its byte limit) run once
 * at {@link #build()}, whatever order the settings came in.
 */
final class SettingsDraft {
  final ServerConfig.Builder server;
  final RetentionConfig.Builder retention;
  final FollowConfig.Builder follow;
  final WebSocketConfig.Builder websocket;
  final LocalRunnerConfig.Builder runner;
  final DeploymentLimits.Builder deployments;
  final HealthConfig.Builder health;

  SettingsDraft(ServerConfig base) {
    server = base.toBuilder();
    retention = base.retention().toBuilder();
    follow = base.follow().toBuilder();
    websocket = base.websocket().toBuilder();
    runner = base.runner().toBuilder();
    deployments = base.deploymentLimits().toBuilder();
    health = base.health().toBuilder();
  }

  /**
   * The configuration, with each component built once.
   *
   * @throws IllegalArgumentException naming the component, when two of its values disagree
   */
  ServerConfig build() {
    RetentionConfig r = component("retention", retention::build);
    FollowConfig f = component("follow", follow::build);
    return server
        .retention(r)
        .follow(f)
        .websocket(component("websocket", websocket::build))
        .runner(component("runner", runner::build))
        .deploymentLimits(component("deployments", deployments::build))
        .health(component("health", health::build))
        .build();
  }

  private static <T> T component(String name, Supplier<T> build) {
    try {
      return build.get();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
    }
  }
}
