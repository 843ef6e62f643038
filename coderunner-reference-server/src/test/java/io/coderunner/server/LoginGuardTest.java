package io.coderunner.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coderunner.server.internal.ApiException;
import io.coderunner.server.internal.ClientAddresses;
import io.coderunner.server.internal.LoginGuard;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoginGuardTest {
  private final AtomicLong now = new AtomicLong();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  private LoginGuard guard(int perPair, int perAddress, int perUser, int concurrent) {
    return new LoginGuard(
        new ClientAddresses(Set.of()), perPair, perAddress, perUser, concurrent, now::get, meters);
  }

  private static void fail(LoginGuard g, String user, String address) {
    g.admit(user, address).failed();
  }

  private static int status(Runnable r) {
    try {
      r.run();
      return 0;
    } catch (ApiException e) {
      return e.status();
    }
  }

  private double logins(String outcome) {
    return meters.get("coderunner.auth.logins").tag("outcome", outcome).counter().count();
  }

  @Test
  void guessesFromOneAddressDoNotLockTheOwnerOutElsewhere() {
    LoginGuard g = guard(10, 30, 100, 4);
    for (int i = 0; i < 10; i++) {
      fail(g, "alice", "192.0.2.66");
    }
    assertThatThrownBy(() -> g.admit("alice", "192.0.2.66"))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(429);
              assertThat(e.headers()).containsEntry("Retry-After", "6");
            });
    g.admit("alice", "198.51.100.1").succeeded();
    // the attacker's address may still try other names, up to its own budget
    g.admit("bob", "192.0.2.66").failed();
    assertThat(logins("failure")).isEqualTo(11);
    assertThat(logins("success")).isEqualTo(1);
    assertThat(logins("limited")).isEqualTo(1);
  }

  @Test
  void anAddressHasABudgetWhateverTheUsername() {
    LoginGuard g = guard(10, 30, 100, 4);
    for (int i = 0; i < 30; i++) {
      fail(g, "user" + i, "192.0.2.66");
    }
    assertThat(status(() -> g.admit("someone-else", "192.0.2.66"))).isEqualTo(429);
    g.admit("someone-else", "192.0.2.67").succeeded();
    now.addAndGet(TimeUnit.SECONDS.toNanos(2));
    g.admit("someone-else", "192.0.2.66").failed();
  }

  @Test
  void aRightPasswordCostsNothing() {
    LoginGuard g = guard(2, 2, 2, 4);
    for (int i = 0; i < 50; i++) {
      g.admit("alice", "192.0.2.1").succeeded();
    }
    fail(g, "alice", "192.0.2.1");
    fail(g, "alice", "192.0.2.1");
    assertThat(status(() -> g.admit("alice", "192.0.2.1"))).isEqualTo(429);
  }

  @Test
  void aSpentUsernameBudgetLetsEachCleanAddressTryOnceAndTheOwnerIn() {
    LoginGuard g = guard(10, 30, 3, 4);
    fail(g, "alice", "192.0.2.1");
    fail(g, "alice", "192.0.2.2");
    fail(g, "alice", "192.0.2.3");
    // alice's budget is spent: an address that failed for her waits
    assertThat(status(() -> g.admit("alice", "192.0.2.1"))).isEqualTo(429);
    // a clean address tries once; failing empties its budget for alice
    fail(g, "alice", "192.0.2.4");
    assertThat(status(() -> g.admit("alice", "192.0.2.4"))).isEqualTo(429);
    now.addAndGet(TimeUnit.SECONDS.toNanos(3));
    assertThat(status(() -> g.admit("alice", "192.0.2.4")))
        .as("a drained address is not clean again while alice's budget is spent")
        .isEqualTo(429);
    // the owner, from an address she has not failed from, gets in
    g.admit("alice", "198.51.100.7").succeeded();
    // other users are not affected
    g.admit("bob", "192.0.2.1").succeeded();
  }

  @Test
  void parallelGuessesCheckNoMorePasswordsThanTheBudget() throws Exception {
    LoginGuard g = guard(10, 30, 100, 1000);
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<LoginGuard.Check>> tries = new ArrayList<>();
      for (int i = 0; i < 120; i++) {
        tries.add(
            pool.submit(
                () -> {
                  go.await();
                  try {
                    return g.admit("alice", "192.0.2.9");
                  } catch (ApiException e) {
                    return null;
                  }
                }));
      }
      go.countDown();
      int admitted = 0;
      for (Future<LoginGuard.Check> f : tries) {
        LoginGuard.Check c = f.get(30, TimeUnit.SECONDS);
        if (c != null) {
          admitted++;
          c.failed();
        }
      }
      assertThat(admitted).isEqualTo(10);
      assertThat(logins("limited")).isEqualTo(110);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void anAddressThatFailedLatelyNeverHoldsEveryCheck() {
    LoginGuard g = guard(10, 30, 100, 3);
    fail(g, "alice", "192.0.2.66");
    LoginGuard.Check first = g.admit("alice", "192.0.2.66");
    LoginGuard.Check second = g.admit("bob", "192.0.2.66");
    assertThat(status(() -> g.admit("carol", "192.0.2.66"))).isEqualTo(503);
    // the last check is kept for a client that has not failed
    LoginGuard.Check owner = g.admit("alice", "198.51.100.1");
    assertThat(status(() -> g.admit("dave", "198.51.100.2"))).isEqualTo(503);
    owner.succeeded();
    first.failed();
    second.failed();
  }

  @Test
  void checksBeyondTheConcurrentBoundAreRefusedWith503AndCostNoBudget() {
    LoginGuard g = guard(1, 1, 1, 2);
    LoginGuard.Check a = g.admit("a", "192.0.2.1");
    LoginGuard.Check b = g.admit("b", "192.0.2.2");
    assertThatThrownBy(() -> g.admit("c", "192.0.2.3"))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(503);
              assertThat(e.headers()).containsEntry("Retry-After", "1");
            });
    assertThat(logins("busy")).isEqualTo(1);
    a.failed();
    // c's one token was given back: it can try now that a slot is free
    g.admit("c", "192.0.2.3").failed();
    b.succeeded();
    assertThatThrownBy(b::succeeded).isInstanceOf(IllegalStateException.class);
  }
}
