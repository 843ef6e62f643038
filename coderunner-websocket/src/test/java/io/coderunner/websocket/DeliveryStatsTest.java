package io.coderunner.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.coderunner.core.delivery.DeliveryStats;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link LogBroadcaster} as a {@link io.coderunner.core.delivery.DeliveryStatsSource}. */
class DeliveryStatsTest {
  @Test
  void everyFieldIsCarriedOver() {
    BroadcasterStats b =
        new BroadcasterStats(
            1, 2, 3, 4, 5, 6, 7, 8, 9, Map.of(4008, 10L, 1001, 11L), Map.of("expired", 12L));

    DeliveryStats d = LogBroadcaster.toDeliveryStats(b);

    assertThat(d)
        .isEqualTo(
            new DeliveryStats(
                1, 2, 3, 4, 5, 6, 7, 8, 9, Map.of(4008, 10L, 1001, 11L), Map.of("expired", 12L)));
  }
}
