package io.coderunner.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The ingest budget on a clock the test moves. */
class IngestBudgetTest {
  private final AtomicLong now = new AtomicLong();
  private final IngestBudget budget = new IngestBudget(2, 100, 4096, now::get);

  private static int status(Runnable r) {
    try {
      r.run();
      return 202;
    } catch (ApiException e) {
      return e.status();
    }
  }

  @Test
  void eachBudgetHoldsOneSecondAndRefillsOverIt() {
    budget.chargeRequest("a", 10);
    budget.chargeLines("a", 10, 60);
    budget.chargeRequest("a", 10);
    assertThatThrownBy(() -> budget.chargeLines("a", 10, 60))
        .isInstanceOf(ApiException.class)
        .hasMessageContaining("100 lines a second")
        .hasMessageContaining("ingest.linesPerSecond");
    // the refused request was given back, and half a second refills one more
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(500));
    assertThat(status(() -> budget.chargeRequest("a", 10))).isEqualTo(202);
    assertThat(status(() -> budget.chargeRequest("a", 10))).isEqualTo(202);
    assertThat(status(() -> budget.chargeRequest("a", 10))).isEqualTo(429);
    // another principal has its own
    assertThatCode(() -> budget.chargeRequest("b", 4096)).doesNotThrowAnyException();
  }

  @Test
  void aRefusalSaysWhenToRetryAndWhichBudget() {
    budget.chargeRequest("a", 4000);
    ApiException e =
        (ApiException)
            org.assertj.core.api.Assertions.catchThrowable(() -> budget.chargeRequest("a", 4000));
    assertThat(e.status()).isEqualTo(429);
    assertThat(e.headers()).containsEntry("Retry-After", "1");
    assertThat(e.getMessage()).contains("ingest.bytesPerSecond");
    // bytes refused gave the request back: the request budget still has its second token
    assertThat(status(() -> budget.chargeRequest("a", 1))).isEqualTo(202);
    assertThat(status(() -> budget.chargeRequest("a", 1))).isEqualTo(429);
  }

  @Test
  void moreThanOneSecondInOneRequestIs413AndCostsNothing() {
    assertThat(status(() -> budget.chargeRequest("a", 4097))).isEqualTo(413);
    budget.chargeRequest("a", 1);
    assertThat(status(() -> budget.chargeLines("a", 1, 101))).isEqualTo(413);
    budget.chargeRequest("a", 1);
    budget.chargeLines("a", 1, 100);
  }
}
