package io.coderunner.websocket;

import static io.coderunner.websocket.TestServer.U1;
import static org.assertj.core.api.Assertions.assertThat;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogEntry;
import io.coderunner.core.follow.FollowConfig;
import io.coderunner.core.log.RetentionConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A client resuming from an old position replays lines that were appended long ago; that is
 * catching up, not lagging, and must not be closed with 4008 however old the lines are.
 */
class ReplayIsNotLagIT {
  private static final int HISTORY = 300_000;

  @Test
  void replayingHourOldHistoryIsNotClosedAsASlowConsumer() throws Exception {
    WebSocketConfig config =
        WebSocketConfig.builder()
            // Housekeeping ticks every 250 ms, several times during the replay; the replay itself
            // must finish within maxLagTime. The heartbeat leaves the client time to work through
            // its backlog before it answers a ping.
            .follow(FollowConfig.builder().maxLagTime(Duration.ofSeconds(20)).build())
            .heartbeatInterval(Duration.ofSeconds(5))
            .build();
    try (TestServer server =
        TestServer.builder()
            .config(config)
            .retention(RetentionConfig.builder().maxLines(400_000).build())
            .start()) {
      DeploymentId d = server.newDeployment(U1);
      List<LogEntry> history = new ArrayList<>(HISTORY);
      for (int i = 0; i < HISTORY; i++) {
        history.add(LogEntry.stdout("old line " + i));
      }
      server.store.append(d, history);
      server.clock.advance(Duration.ofHours(1)); // every line is now an hour old

      WsClient client = server.bystander(d);
      client.awaitThrough(d, HISTORY);
      server.append(d, 1);
      client.awaitThrough(d, HISTORY + 1);

      server.assertGotEveryLine(client, d);
      assertThat(server.closes(CloseCodes.SLOW_CONSUMER)).isZero();
      assertThat(client.isClosed()).isFalse();
    }
  }
}
