package io.coderunner.core.follow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coderunner.core.follow.ConnectionQuota.Admission;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConnectionQuotaTest {
  @Test
  void admitsUpToEachLimitAndAReleaseFreesAPlace() {
    ConnectionQuota q = ConnectionQuota.of(3, 2);
    assertThat(q.admit("alice")).isEqualTo(Admission.ADMITTED);
    assertThat(q.admit("alice")).isEqualTo(Admission.ADMITTED);
    assertThat(q.admit("alice")).isEqualTo(Admission.TOO_MANY_FOR_PRINCIPAL);
    assertThat(q.admit("bob")).isEqualTo(Admission.ADMITTED);
    assertThat(q.admit("carol")).isEqualTo(Admission.TOO_MANY);
    assertThat(q.total()).isEqualTo(3);
    assertThat(q.held("alice")).isEqualTo(2);

    q.release("alice");
    assertThat(q.held("alice")).isEqualTo(1);
    assertThat(q.admit("carol")).isEqualTo(Admission.ADMITTED);
    q.release("bob");
    assertThat(q.held("bob")).isZero();
    assertThat(q.total()).isEqualTo(2);
  }

  @Test
  void aPerPrincipalQuotaHasNoTotalLimit() {
    ConnectionQuota q = ConnectionQuota.perPrincipal(1);
    for (int i = 0; i < 1000; i++) {
      assertThat(q.admit("user-" + i)).isEqualTo(Admission.ADMITTED);
    }
    assertThat(q.admit("user-7")).isEqualTo(Admission.TOO_MANY_FOR_PRINCIPAL);
  }

  @Test
  void limitsBelowOneAreRefused() {
    assertThatThrownBy(() -> ConnectionQuota.of(0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ConnectionQuota.perPrincipal(0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parallelAdmissionsNeverPassALimit() throws Exception {
    ConnectionQuota q = ConnectionQuota.of(50, 10);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Admission>> results = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        String who = "p" + (i % 8);
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return q.admit(who);
                }));
      }
      start.countDown();
      int admitted = 0;
      for (Future<Admission> r : results) {
        if (r.get(10, TimeUnit.SECONDS) == Admission.ADMITTED) {
          admitted++;
        }
      }
      assertThat(admitted).isEqualTo(50);
      assertThat(q.total()).isEqualTo(50);
      for (int i = 0; i < 8; i++) {
        assertThat(q.held("p" + i)).isLessThanOrEqualTo(10);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
