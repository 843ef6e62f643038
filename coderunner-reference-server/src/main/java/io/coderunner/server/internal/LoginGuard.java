package io.coderunner.server.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.undertow.server.HttpServerExchange;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Decides whether a login may check a password, before it is checked. Three budgets of failed
 * logins per minute: per client address (whatever the username), per (username, address), and per
 * username from every address together. A token of each is taken atomically before the hash runs
 * and given back when the password was right, so parallel guesses cannot check more passwords than
 * the budget allows, and an owner who types the right password costs nothing.
 *
 * <p>When a username's own budget is spent (guesses from many addresses), an address that has not
 * failed for that username lately may still try once; if that try fails too, the address's budget
 * for the username is emptied, so a distributed attacker gets one guess per address per minute
 * while the owner, from an address it has not failed from, still logs in.
 *
 * <p>Password checks running at once are bounded: one more login is refused with 503 and {@code
 * Retry-After} instead of queueing a worker behind the hashes. A login from an address that has
 * failed lately (for any username, or for this one) may use all but one of the checks, so a flood
 * of wrong guesses never holds every check and a login from a clean address finds one free (with a
 * bound of one, both share it).
 */
public final class LoginGuard {
  private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);
  private static final int MAX_KEYS = 100_000;

  private final ClientAddresses clients;
  private final TokenBuckets byAddress;
  private final TokenBuckets byUserAndAddress;
  private final TokenBuckets byUser;
  private final Semaphore checks;
  private final Semaphore suspectChecks;
  private final Counter succeeded;
  private final Counter failed;
  private final Counter limited;
  private final Counter busy;

  /**
   * @param clients who a request's client is
   * @param perUserAndAddress failures a minute per (username, address)
   * @param perAddress failures a minute per address
   * @param perUser failures a minute per username from all addresses
   * @param maxConcurrentChecks password checks at once
   */
  public LoginGuard(
      ClientAddresses clients,
      int perUserAndAddress,
      int perAddress,
      int perUser,
      int maxConcurrentChecks,
      LongSupplier nanoTime,
      MeterRegistry meters) {
    this.clients = clients;
    this.byAddress = new TokenBuckets(perAddress, MINUTE, nanoTime, MAX_KEYS);
    this.byUserAndAddress = new TokenBuckets(perUserAndAddress, MINUTE, nanoTime, MAX_KEYS);
    this.byUser = new TokenBuckets(perUser, MINUTE, nanoTime, MAX_KEYS);
    this.checks = new Semaphore(maxConcurrentChecks);
    this.suspectChecks = new Semaphore(Math.max(1, maxConcurrentChecks - 1));
    this.succeeded = attempts(meters, "success");
    this.failed = attempts(meters, "failure");
    this.limited = attempts(meters, "limited");
    this.busy = attempts(meters, "busy");
  }

  private static Counter attempts(MeterRegistry meters, String outcome) {
    return Counter.builder("coderunner.auth.logins")
        .description(
            "Login attempts by outcome: success and failure checked a password, limited and busy"
                + " were refused before one was checked")
        .tag("outcome", outcome)
        .register(meters);
  }

  /**
   * Takes the budget for one password check of {@code username} from the client of {@code
   * exchange}.
   *
   * @param username lower case
   * @throws ApiException 429 with {@code Retry-After} when a budget is spent, 503 when as many
   *     checks run as may
   */
  public Check admit(String username, HttpServerExchange exchange) {
    return admit(username, clients.of(exchange));
  }

  /** As {@link #admit(String, HttpServerExchange)}, for a client at {@code address}. */
  public Check admit(String username, String address) {
    String pair = username + '\n' + address;
    // Not atomic with the takes below: it only decides which checks a login may use.
    boolean suspect = !byAddress.isFull(address) || !byUserAndAddress.isFull(pair);
    long wait = byAddress.tryTake(address);
    if (wait > 0) {
      throw refused(wait);
    }
    boolean userToken = byUser.tryTake(username) == 0;
    boolean pairToken =
        userToken ? byUserAndAddress.tryTake(pair) == 0 : byUserAndAddress.tryTakeIfFull(pair);
    if (!pairToken) {
      byAddress.giveBack(address);
      if (userToken) {
        byUser.giveBack(username);
      }
      throw refused(
          Math.max(1, userToken ? byUserAndAddress.waitFor(pair) : byUser.waitFor(username)));
    }
    boolean admitted;
    if (suspect) {
      admitted = suspectChecks.tryAcquire();
      if (admitted && !checks.tryAcquire()) {
        suspectChecks.release();
        admitted = false;
      }
    } else {
      admitted = checks.tryAcquire();
    }
    if (!admitted) {
      byAddress.giveBack(address);
      byUserAndAddress.giveBack(pair);
      if (userToken) {
        byUser.giveBack(username);
      }
      busy.increment();
      throw new ApiException(
          503,
          "Service Unavailable",
          "too many logins are being checked; retry in 1 s",
          java.util.List.of(),
          java.util.Map.of("Retry-After", "1"));
    }
    return new Check(address, pair, username, userToken, suspect);
  }

  private ApiException refused(long wait) {
    limited.increment();
    return ApiException.tooManyRequests("too many failed logins; retry in " + wait + " s", wait);
  }

  /** One admitted password check: say how it went, exactly once. */
  public final class Check {
    private final String address;
    private final String pair;
    private final String username;
    private final boolean userToken;
    private final boolean suspect;
    private boolean done;

    private Check(
        String address, String pair, String username, boolean userToken, boolean suspect) {
      this.address = address;
      this.pair = pair;
      this.username = username;
      this.userToken = userToken;
      this.suspect = suspect;
    }

    /** The password was right: the tokens go back. */
    public void succeeded() {
      finish();
      succeeded.increment();
      byAddress.giveBack(address);
      byUserAndAddress.giveBack(pair);
      if (userToken) {
        byUser.giveBack(username);
      }
    }

    /**
     * The password was wrong (or the check failed): the tokens stay taken, and an address let in
     * past a spent username budget loses the rest of its budget for that username.
     */
    public void failed() {
      finish();
      failed.increment();
      if (!userToken) {
        byUserAndAddress.drain(pair);
      }
    }

    private void finish() {
      if (done) {
        throw new IllegalStateException("a check is finished once");
      }
      done = true;
      checks.release();
      if (suspect) {
        suspectChecks.release();
      }
    }
  }
}
