package io.coderunner.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.coderunner.server.internal.Passwords;
import io.coderunner.server.internal.TokenBuckets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PasswordsTest {
  @Test
  void aHashVerifiesOnlyItsPassword() {
    String hash = TestServer.HASH;
    assertThat(hash).matches("pbkdf2-sha256\\$600000\\$[A-Za-z0-9+/]+\\$[A-Za-z0-9+/]+");
    assertThat(Passwords.iterations(hash)).isEqualTo(600_000);
    assertThat(Passwords.verify(TestServer.PASSWORD.toCharArray(), hash)).isTrue();
    assertThat(Passwords.verify("wrong".toCharArray(), hash)).isFalse();
    assertThat(Passwords.verify("x".toCharArray(), null)).isFalse();
    assertThat(Passwords.verify("x".toCharArray(), "pbkdf2-sha256$1$AA$AA")).isFalse();
  }

  @Test
  void storedHashesOfAtLeast210000IterationsStillVerify() throws Exception {
    String old = TestServer.hashWith("s3cret", 210_000);
    assertThat(Passwords.iterations(old)).isEqualTo(210_000);
    assertThat(Passwords.verify("s3cret".toCharArray(), old)).isTrue();
    assertThat(Passwords.verify("s3cre".toCharArray(), old)).isFalse();

    String weak = TestServer.hashWith("s3cret", 209_999);
    assertThat(Passwords.isWellFormed(weak)).isFalse();
    assertThat(Passwords.iterations(weak)).isZero();
    assertThat(Passwords.verify("s3cret".toCharArray(), weak)).isFalse();
  }

  @Test
  void malformedOrWeakHashesAreNotWellFormed() {
    assertThat(Passwords.isWellFormed(TestServer.HASH)).isTrue();
    assertThat(Passwords.isWellFormed("plain")).isFalse();
    assertThat(Passwords.isWellFormed("pbkdf2-sha256$1000$AAAAAAAAAAA$AAAA")).isFalse();
    assertThat(Passwords.isWellFormed("pbkdf2-sha256$x$y$z")).isFalse();
    assertThat(Passwords.isWellFormed("pbkdf2-sha256$210000$!!$AAAA")).isFalse();
  }

  @Test
  void bucketsRefillOverTimeAndSayWhenToRetry() {
    AtomicLong now = new AtomicLong();
    TokenBuckets b = new TokenBuckets(2, TimeUnit.MINUTES.toNanos(1), now::get, 2);
    assertThat(b.waitFor("k")).isZero();
    assertThat(b.tryTake("k")).isZero();
    assertThat(b.tryTake("k")).isZero();
    assertThat(b.tryTake("k")).isEqualTo(30);
    assertThat(b.waitFor("k")).isEqualTo(30);
    now.addAndGet(TimeUnit.SECONDS.toNanos(30));
    assertThat(b.tryTake("k")).isZero();
    // More keys than the map holds: full buckets are dropped, the busy one is kept.
    b.tryTake("a");
    now.addAndGet(TimeUnit.MINUTES.toNanos(5));
    b.tryTake("b");
    b.tryTake("c");
    assertThat(b.tryTake("c")).isZero();
  }

  @Test
  void aBucketTakesOnlyWhenFullGivesBackAndDrains() {
    AtomicLong now = new AtomicLong();
    TokenBuckets b = new TokenBuckets(4, TimeUnit.MINUTES.toNanos(1), now::get, 100);
    assertThat(b.tryTakeIfFull("k")).isTrue();
    assertThat(b.tryTakeIfFull("k")).isFalse();
    b.giveBack("k");
    b.giveBack("k"); // never above the capacity
    assertThat(b.tryTakeIfFull("k")).isTrue();
    for (int i = 0; i < 3; i++) {
      assertThat(b.tryTake("k")).isZero();
    }
    assertThat(b.tryTake("k")).isEqualTo(15);
    b.giveBack("k");
    assertThat(b.tryTake("k")).isZero();

    b.drain("d");
    assertThat(b.tryTake("d")).isEqualTo(15);
    now.addAndGet(TimeUnit.SECONDS.toNanos(15));
    assertThat(b.tryTakeIfFull("d")).isFalse();
    assertThat(b.tryTake("d")).isZero();
  }
}
