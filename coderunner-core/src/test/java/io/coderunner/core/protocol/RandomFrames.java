package io.coderunner.core.protocol;

import io.coderunner.core.Deployment;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.DeploymentStatus;
import io.coderunner.core.LogLevel;
import io.coderunner.core.LogLine;
import io.coderunner.core.Principal;
import io.coderunner.core.StreamKind;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Makes random, valid frames of every type from a seed, with text that stresses escaping: quotes,
 * backslashes, control characters, non-ASCII, emoji (surrogate pairs), lone surrogates and empty
 * strings.
 */
final class RandomFrames {
  private static final String ID_CHARS =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
  private static final String[] PIECES = {
    "\"",
    "\\",
    "/",
    "\n",
    "\r",
    "\t",
    "\b",
    "\f",
    "\u0000",
    "\u0001",
    "\u001f",
    "\u007f",
    "é",
    "ß",
    "€",
    "漢字",
    "\u2028",
    "\u2029",
    "\ufeff",
    "\uffff",
    "😀",
    "👩‍💻",
    "\ud800",
    "\udfff",
    "\ud83d",
    "'",
    "<",
    "&",
    " ",
    "{\"type\":\"x\"}",
    "\\u0041"
  };

  private final Random random;

  RandomFrames(long seed) {
    this.random = new Random(seed);
  }

  ClientFrame client() {
    return switch (random.nextInt(6)) {
      case 0 -> new ClientFrame.Auth(token());
      case 1 -> new ClientFrame.Refresh(token());
      case 2 -> subscribe();
      case 3 -> new ClientFrame.Unsubscribe(deploymentId());
      case 4 -> new ClientFrame.Watch(random.nextBoolean());
      default -> new ClientFrame.Ping(maybe(() -> text(ClientFrame.MAX_PING_ID_LENGTH)));
    };
  }

  ServerFrame server() {
    return switch (random.nextInt(9)) {
      case 0 -> new ServerFrame.Welcome(nonBlank(40), principal());
      case 6 -> new ServerFrame.DeploymentChange(pick(ServerFrame.Change.values()), deployment());
      case 7 -> new ServerFrame.Watching(random.nextBoolean());
      case 1 ->
          new ServerFrame.Subscribed(
              deploymentId(), epoch(), seq() - 1, seq() - 1, random.nextBoolean());
      case 2 -> logs();
      case 3 -> {
        long from = seq();
        yield new ServerFrame.Gap(deploymentId(), from, from + random.nextInt(1000));
      }
      case 4 -> new ServerFrame.Status(deploymentId(), pick(DeploymentStatus.values()), instant());
      case 5 -> new ServerFrame.Error(nonBlank(20), text(200), maybe(() -> text(40)));
      default -> new ServerFrame.Pong(maybe(() -> text(ClientFrame.MAX_PING_ID_LENGTH)));
    };
  }

  ServerFrame.Logs logs() {
    int n = 1 + random.nextInt(random.nextInt(10) == 0 ? 200 : 8);
    List<LogLine> lines = new ArrayList<>(n);
    long seq = seq();
    for (int i = 0; i < n; i++) {
      lines.add(
          new LogLine(
              seq + i, instant(), pick(StreamKind.values()), pick(LogLevel.values()), text(300)));
    }
    return new ServerFrame.Logs(deploymentId(), lines);
  }

  Deployment deployment() {
    List<String> command = new ArrayList<>();
    for (int i = 1 + random.nextInt(4); i > 0; i--) {
      command.add(nonBlank(30));
    }
    Map<String, String> env = new HashMap<>();
    for (int i = random.nextInt(4); i > 0; i--) {
      env.put("VAR_" + random.nextInt(1000), text(50));
    }
    Instant created = instant();
    return new Deployment(
        deploymentId(),
        nonBlank(Deployment.MAX_NAME_LENGTH),
        nonBlank(36),
        command,
        env,
        random.nextBoolean() ? null : nonBlank(60),
        pick(DeploymentStatus.values()),
        created,
        created.plusNanos(random.nextInt(1_000_000_000)));
  }

  /** What a frame is after a trip over the wire: timestamps at microsecond precision. */
  static ServerFrame afterWire(ServerFrame frame) {
    if (frame instanceof ServerFrame.Logs logs) {
      List<LogLine> lines = new ArrayList<>();
      for (LogLine l : logs.lines()) {
        lines.add(
            new LogLine(
                l.seq(),
                l.timestamp().truncatedTo(ChronoUnit.MICROS),
                l.stream(),
                l.level(),
                l.message()));
      }
      return new ServerFrame.Logs(logs.deploymentId(), lines);
    }
    if (frame instanceof ServerFrame.DeploymentChange change) {
      Deployment d = change.deployment();
      return new ServerFrame.DeploymentChange(
          change.change(),
          new Deployment(
              d.id(),
              d.name(),
              d.ownerId(),
              d.command(),
              d.env(),
              d.workingDir(),
              d.status(),
              d.createdAt().truncatedTo(ChronoUnit.MICROS),
              d.updatedAt().truncatedTo(ChronoUnit.MICROS)));
    }
    if (frame instanceof ServerFrame.Status status) {
      return new ServerFrame.Status(
          status.deploymentId(),
          status.status(),
          status.timestamp().truncatedTo(ChronoUnit.MICROS));
    }
    return frame;
  }

  private ClientFrame.Subscribe subscribe() {
    Long after = null;
    Integer tail = null;
    switch (random.nextInt(3)) {
      case 0 -> after = random.nextBoolean() ? (long) random.nextInt(100) : seq();
      case 1 -> tail = random.nextInt(ClientFrame.MAX_TAIL + 1);
      default -> {}
    }
    SubscribeFilter filter =
        random.nextInt(3) == 0
            ? SubscribeFilter.NONE
            : new SubscribeFilter(
                subset(LogLevel.class), subset(StreamKind.class), maybe(() -> text(40)));
    return new ClientFrame.Subscribe(deploymentId(), maybe(this::epoch), after, tail, filter);
  }

  private <E extends Enum<E>> Set<E> subset(Class<E> type) {
    Set<E> set = EnumSet.noneOf(type);
    for (E value : type.getEnumConstants()) {
      if (random.nextInt(3) == 0) {
        set.add(value);
      }
    }
    return set;
  }

  private Principal principal() {
    Set<String> roles = new HashSet<>();
    int n = random.nextInt(4);
    for (int i = 0; i < n; i++) {
      roles.add(nonBlank(12));
    }
    return new Principal(nonBlank(36), nonBlank(24), roles);
  }

  DeploymentId deploymentId() {
    int n = 1 + random.nextInt(random.nextBoolean() ? 12 : DeploymentId.MAX_LENGTH);
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(ID_CHARS.charAt(random.nextInt(ID_CHARS.length())));
    }
    return DeploymentId.of(sb.toString());
  }

  private String epoch() {
    return nonBlank(ClientFrame.MAX_EPOCH_LENGTH);
  }

  private String token() {
    int n = random.nextInt(10) == 0 ? ClientFrame.MAX_TOKEN_LENGTH - 1 : 200;
    return nonBlank(n);
  }

  private long seq() {
    return switch (random.nextInt(4)) {
      case 0 -> 1;
      case 1 -> Long.MAX_VALUE / 2 + random.nextInt(1000);
      default -> 1 + random.nextInt(1_000_000);
    };
  }

  Instant instant() {
    return switch (random.nextInt(20)) {
      case 0 -> Instant.ofEpochSecond(random.nextInt(100), random.nextInt(1_000_000_000));
      case 1 -> Instant.parse("9999-12-31T23:59:59.999999999Z");
      case 2 ->
          Instant.ofEpochSecond(
              -62_167_219_200L + random.nextInt(1_000_000), random.nextInt(1_000_000_000));
      default ->
          Instant.ofEpochSecond(
              1_700_000_000L + random.nextInt(400_000_000) - 200_000_000,
              random.nextInt(1_000_000_000));
    };
  }

  /** Text of at most {@code max} chars (a surrogate pair may end one short), possibly empty. */
  String text(int max) {
    int kind = random.nextInt(10);
    if (kind == 0) {
      return "";
    }
    int len = random.nextInt(max + 1);
    StringBuilder sb = new StringBuilder(len);
    while (sb.length() < len) {
      String piece;
      if (kind < 5) {
        piece = String.valueOf((char) (' ' + random.nextInt(95)));
      } else if (random.nextInt(3) == 0) {
        piece = PIECES[random.nextInt(PIECES.length)];
      } else {
        piece = String.valueOf((char) ('a' + random.nextInt(26)));
      }
      if (sb.length() + piece.length() > len) {
        break;
      }
      sb.append(piece);
    }
    return sb.toString();
  }

  /** Text that is not blank and at most {@code max} chars. */
  String nonBlank(int max) {
    String text = text(max - 1);
    return (char) ('a' + random.nextInt(26)) + text;
  }

  private <T> T pick(T[] values) {
    return values[random.nextInt(values.length)];
  }

  private <T> @Nullable T maybe(Supplier<T> supplier) {
    return random.nextInt(3) == 0 ? null : supplier.get();
  }
}
