package io.coderunner.core.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeliveryStatsTest {
  @Test
  void mapsAreCopiedAndUnmodifiable() {
    Map<Integer, Long> closes = new HashMap<>(Map.of(4008, 2L));
    Map<String, Long> failures = new HashMap<>(Map.of("expired", 1L));
    DeliveryStats s = new DeliveryStats(1, 2, 3, 4, 5, 6, 7, 8, 9, closes, failures);

    closes.put(1001, 5L);
    failures.clear();

    assertThat(s.closesByCode()).containsExactly(Map.entry(4008, 2L));
    assertThat(s.authFailuresByReason()).containsExactly(Map.entry("expired", 1L));
    assertThatThrownBy(() -> s.closesByCode().put(1, 1L))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> s.authFailuresByReason().put("x", 1L))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void fieldsAndEquality() {
    DeliveryStats s = new DeliveryStats(1, 2, 3, 4, 5, 6, 7, 8, 9, Map.of(), Map.of());
    assertThat(s.connections()).isEqualTo(1);
    assertThat(s.authenticated()).isEqualTo(2);
    assertThat(s.subscriptions()).isEqualTo(3);
    assertThat(s.connectionsAccepted()).isEqualTo(4);
    assertThat(s.framesSent()).isEqualTo(5);
    assertThat(s.bytesSent()).isEqualTo(6);
    assertThat(s.linesSent()).isEqualTo(7);
    assertThat(s.logsFramesEncoded()).isEqualTo(8);
    assertThat(s.logsFramesShared()).isEqualTo(9);
    assertThat(s)
        .isEqualTo(new DeliveryStats(1, 2, 3, 4, 5, 6, 7, 8, 9, Map.of(), Map.of()))
        .hasSameHashCodeAs(new DeliveryStats(1, 2, 3, 4, 5, 6, 7, 8, 9, Map.of(), Map.of()));
  }

  @Test
  void aSourceIsALambda() {
    DeliveryStats s = new DeliveryStats(0, 0, 0, 0, 0, 0, 0, 0, 0, Map.of(), Map.of());
    DeliveryStatsSource source = () -> s;
    assertThat(source.deliveryStats()).isSameAs(s);
  }
}
