package io.coderunner.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.DeploymentStatus;
import io.coderunner.core.LogLevel;
import io.coderunner.core.LogLine;
import io.coderunner.core.Principal;
import io.coderunner.core.StreamKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The records refuse bad values on construction, naming the field. */
class FrameValidationTest {
  private static final DeploymentId D = DeploymentId.of("d");
  private static final SubscribeFilter ALL = SubscribeFilter.NONE;

  @Test
  void tokensMustBeNonBlankAndAtMost8192Characters() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new ClientFrame.Auth(" "))
        .withMessageContaining("token");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new ClientFrame.Refresh("t".repeat(8193)))
        .withMessageContaining("token");
    assertThatNoException().isThrownBy(() -> new ClientFrame.Auth("t".repeat(8192)));
  }

  @Test
  void tokensAreNotShownByToString() {
    assertThat(new ClientFrame.Auth("secret")).hasToString("Auth[token=<redacted>]");
    assertThat(new ClientFrame.Refresh("secret")).hasToString("Refresh[token=<redacted>]");
  }

  @Test
  void subscribeChecksAfterTailAndEpoch() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new ClientFrame.Subscribe(D, null, -1L, null, ALL))
        .withMessageContaining("after");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new ClientFrame.Subscribe(D, null, null, -1, ALL))
        .withMessageContaining("tail");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new ClientFrame.Subscribe(D, null, null, 10_001, ALL))
        .withMessageContaining("tail");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new ClientFrame.Subscribe(D, null, 0L, 0, ALL))
        .withMessageContaining("after and tail");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new ClientFrame.Subscribe(D, " ", null, null, ALL))
        .withMessageContaining("epoch");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new ClientFrame.Subscribe(D, "e".repeat(129), null, null, ALL))
        .withMessageContaining("epoch");
    assertThatNoException()
        .isThrownBy(() -> new ClientFrame.Subscribe(D, "e".repeat(128), 0L, null, ALL));
    assertThatNoException().isThrownBy(() -> new ClientFrame.Subscribe(D, null, null, 10_000, ALL));
    assertThatThrownBy(() -> new ClientFrame.Subscribe(D, null, null, null, nullFilter()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("filter");
  }

  @SuppressWarnings("NullAway") // deliberately breaks the contract
  private static SubscribeFilter nullFilter() {
    return null;
  }

  @Test
  void pingAndPongIdsAreAtMost64Characters() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new ClientFrame.Ping("i".repeat(65)))
        .withMessageContaining("id");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new ServerFrame.Pong("i".repeat(65)))
        .withMessageContaining("id");
    assertThatNoException().isThrownBy(() -> new ServerFrame.Pong("i".repeat(64)));
  }

  @Test
  void filterQueryIsAtMost256CharactersAndSetsAreCopiedUnmodifiable() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new SubscribeFilter(Set.of(), Set.of(), "q".repeat(257)))
        .withMessageContaining("q");
    Set<LogLevel> levels = EnumSet.of(LogLevel.INFO);
    SubscribeFilter filter = new SubscribeFilter(levels, Set.of(StreamKind.STDOUT), "x");
    levels.add(LogLevel.ERROR);
    assertThat(filter.levels()).containsExactly(LogLevel.INFO);
    assertThatThrownBy(() -> filter.levels().add(LogLevel.WARN))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> filter.streams().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void onlyAFilterWithNoConditionSelectsEverything() {
    assertThat(SubscribeFilter.NONE.isNone()).isTrue();
    assertThat(new SubscribeFilter(EnumSet.noneOf(LogLevel.class), Set.of(), null))
        .isEqualTo(SubscribeFilter.NONE);
    assertThat(new SubscribeFilter(Set.of(LogLevel.INFO), Set.of(), null).isNone()).isFalse();
    assertThat(new SubscribeFilter(Set.of(), Set.of(StreamKind.STDERR), null).isNone()).isFalse();
    assertThat(new SubscribeFilter(Set.of(), Set.of(), "").isNone()).isFalse();
  }

  @Test
  void logsNeedAtLeastOneLineAndKeepACopy() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new ServerFrame.Logs(D, List.of()))
        .withMessageContaining("lines");
    List<LogLine> lines = new ArrayList<>();
    lines.add(new LogLine(1, Instant.EPOCH, StreamKind.STDOUT, LogLevel.INFO, "a"));
    ServerFrame.Logs logs = new ServerFrame.Logs(D, lines);
    lines.clear();
    assertThat(logs.lines()).hasSize(1);
  }

  @Test
  void gapNeedsOneToFromToTo() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new ServerFrame.Gap(D, 0, 1))
        .withMessageContaining("from");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new ServerFrame.Gap(D, 5, 4))
        .withMessageContaining("to");
    assertThatNoException().isThrownBy(() -> new ServerFrame.Gap(D, 5, 5));
  }

  @Test
  void subscribedNeedsAnEpochAndNonNegativePositions() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new ServerFrame.Subscribed(D, "", 1, 1, false))
        .withMessageContaining("epoch");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new ServerFrame.Subscribed(D, "e", -1, 1, false))
        .withMessageContaining("firstAvailable");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new ServerFrame.Subscribed(D, "e", 1, -1, false))
        .withMessageContaining("next");
  }

  @Test
  void welcomeAndErrorNeedNonBlankIds() {
    Principal user = new Principal("u", "n", Set.of());
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new ServerFrame.Welcome(" ", user))
        .withMessageContaining("connectionId");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new ServerFrame.Error("", "m", null))
        .withMessageContaining("code");
  }

  @Test
  void everyFrameKnowsItsWireType() {
    Instant now = Instant.EPOCH;
    assertThat(
            List.of(
                new ClientFrame.Auth("t").type(),
                new ClientFrame.Refresh("t").type(),
                new ClientFrame.Subscribe(D, null, null, null, ALL).type(),
                new ClientFrame.Unsubscribe(D).type(),
                new ClientFrame.Ping(null).type()))
        .containsExactly("auth", "refresh", "subscribe", "unsubscribe", "ping");
    assertThat(
            List.of(
                new ServerFrame.Welcome("c", new Principal("u", "n", Set.of())).type(),
                new ServerFrame.Subscribed(D, "e", 1, 1, false).type(),
                new ServerFrame.Logs(
                        D, List.of(new LogLine(1, now, StreamKind.STDOUT, LogLevel.INFO, "")))
                    .type(),
                new ServerFrame.Gap(D, 1, 1).type(),
                new ServerFrame.Status(D, DeploymentStatus.CREATED, now).type(),
                new ServerFrame.Error("c", "m", null).type(),
                new ServerFrame.Pong(null).type()))
        .containsExactly("welcome", "subscribed", "logs", "gap", "status", "error", "pong");
  }
}
