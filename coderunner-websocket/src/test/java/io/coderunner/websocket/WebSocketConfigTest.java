package io.coderunner.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coderunner.core.follow.FollowConfig;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WebSocketConfigTest {
  @Test
  void defaultsAreTheDocumentedOnes() {
    WebSocketConfig d = WebSocketConfig.defaults();
    assertThat(d.maxInboundFrameBytes()).isEqualTo(64 << 10);
    assertThat(d.follow()).isEqualTo(FollowConfig.defaults());
    assertThat(d.authTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(d.maxConnections()).isEqualTo(50_000);
    assertThat(d.maxConnectionsPerPrincipal()).isEqualTo(200);
    assertThat(d.maxSubscriptionsPerConnection()).isEqualTo(32);
    assertThat(d.inboundMessagesPerSecond()).isEqualTo(20);
    assertThat(d.inboundBurst()).isEqualTo(40);
    assertThat(d.maxMalformedFrames()).isEqualTo(3);
    assertThat(d.heartbeatInterval()).isEqualTo(Duration.ofSeconds(20));
    assertThat(d.allowedOrigins()).isEmpty();
  }

  @Test
  void everySetterRejectsAValueOutOfRangeByName() {
    WebSocketConfig.Builder b = WebSocketConfig.builder();
    assertThatThrownBy(() -> b.maxInboundFrameBytes(10))
        .hasMessageContaining("maxInboundFrameBytes");
    assertThatThrownBy(() -> b.authTimeout(Duration.ZERO)).hasMessageContaining("authTimeout");
    assertThatThrownBy(() -> b.maxConnections(0)).hasMessageContaining("maxConnections");
    assertThatThrownBy(() -> b.maxConnectionsPerPrincipal(0))
        .hasMessageContaining("maxConnectionsPerPrincipal");
    assertThatThrownBy(() -> b.maxSubscriptionsPerConnection(0))
        .hasMessageContaining("maxSubscriptionsPerConnection");
    assertThatThrownBy(() -> b.inboundMessagesPerSecond(0))
        .hasMessageContaining("inboundMessagesPerSecond");
    assertThatThrownBy(() -> b.inboundBurst(0)).hasMessageContaining("inboundBurst");
    assertThatThrownBy(() -> b.maxMalformedFrames(-1)).hasMessageContaining("maxMalformedFrames");
    assertThatThrownBy(() -> b.heartbeatInterval(Duration.ofMillis(1)))
        .hasMessageContaining("heartbeatInterval");
  }

  @Test
  void originsMustBeSchemeHostAndPortOrAStar() {
    WebSocketConfig c =
        WebSocketConfig.builder()
            .allowedOrigins(Set.of("https://Dash.Example.com", "http://localhost:8080"))
            .build();
    assertThat(c.allowedOrigins())
        .containsExactlyInAnyOrder("https://dash.example.com", "http://localhost:8080");
    assertThat(WebSocketConfig.builder().allowedOrigins(Set.of("*")).build().allowedOrigins())
        .containsExactly("*");
    for (String bad : new String[] {"dash.example.com", "ftp://x", "https://x/path", "https://"}) {
      assertThatThrownBy(() -> WebSocketConfig.builder().allowedOrigins(Set.of(bad)))
          .as(bad)
          .hasMessageContaining("allowedOrigins");
    }
  }

  @Test
  void toBuilderKeepsEverySetting() {
    WebSocketConfig c =
        WebSocketConfig.builder()
            .follow(FollowConfig.builder().maxBatchLines(7).build())
            .allowedOrigins(Set.of("https://a.example"))
            .build();
    WebSocketConfig copy = c.toBuilder().build();
    assertThat(copy.toString()).isEqualTo(c.toString());
    assertThat(copy).isEqualTo(c).hasSameHashCodeAs(c);
    assertThat(copy.follow().maxBatchLines()).isEqualTo(7);
    assertThat(c.toBuilder().inboundBurst(41).build()).isNotEqualTo(c);
    assertThat(c.toBuilder().allowedOrigins(Set.of()).build()).isNotEqualTo(c);
  }
}
