package io.coderunner.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coderunner.client.CodeRunnerClient;
import io.coderunner.client.HistoryQuery;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.DeploymentStatus;
import io.coderunner.core.LogEntry;
import io.coderunner.core.LogLine;
import io.coderunner.core.Principal;
import io.coderunner.core.deploy.DeploymentSpec;
import io.coderunner.core.deploy.InMemoryDeploymentStore;
import io.coderunner.core.deploy.LocalRunnerConfig;
import io.coderunner.core.follow.FollowConfig;
import io.coderunner.core.log.RetentionConfig;
import io.coderunner.server.CodeRunnerServer;
import io.coderunner.server.ServerConfig;
import io.coderunner.server.TcpProxy;
import io.coderunner.server.UserAccount;
import io.coderunner.server.internal.Passwords;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code coderunner} jar run as a child process against the real reference server. */
class CliIT {
  private static final String PASSWORD = "correct horse battery staple";
  private static final Principal ALICE = new Principal("u-alice", "alice", Set.of("deployer"));
  private static final Principal ROOT = new Principal("u-root", "root", Set.of("admin"));
  private static final Path JAR = Path.of("target", "coderunner-cli.jar");
  private static final ObjectMapper JSON = new ObjectMapper();

  static CodeRunnerServer server;
  static CodeRunnerClient alice;
  static CodeRunnerClient root;

  @TempDir Path home;

  @BeforeAll
  static void start() {
    String hash = Passwords.hash(PASSWORD.toCharArray());
    server =
        CodeRunnerServer.builder(
                ServerConfig.builder()
                    .port(0)
                    .jwtSecret(
                        "cli-tests-hs256-secret-0123456789-abcdefgh"
                            .getBytes(StandardCharsets.UTF_8))
                    .users(
                        List.of(
                            new UserAccount("alice", ALICE.id(), ALICE.roles(), hash),
                            new UserAccount("root", ROOT.id(), ROOT.roles(), hash)))
                    .retention(RetentionConfig.builder().maxLines(200_000).build())
                    .runner(LocalRunnerConfig.builder().allowedCommands(Set.of("sh")).build())
                    .build())
            .start();
    alice = client(ALICE);
    root = client(ROOT);
  }

  @AfterAll
  static void stop() {
    alice.close();
    root.close();
    server.close();
  }

  private static CodeRunnerClient client(Principal p) {
    return CodeRunnerClient.builder()
        .baseUri(server.uri())
        .token(server.jwt().issue(p).token())
        .build();
  }

  record Run(int code, String out, String err) {
    List<String> lines() {
      return out.isEmpty() ? List.of() : List.of(out.split("\n"));
    }
  }

  /** A running {@code coderunner}, its output gathered as it comes. */
  static final class Child {
    final Process process;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final java.util.concurrent.atomic.AtomicLong outLines =
        new java.util.concurrent.atomic.AtomicLong();
    private final Object gate = new Object();
    private boolean paused; // guarded by gate: stdout is not read, so the command blocks writing

    private final Thread outPump;
    private final Thread errPump;

    Child(Process p) {
      this.process = p;
      this.outPump = pump(p.getInputStream(), out, true);
      this.errPump = pump(p.getErrorStream(), err, false);
    }

    void pauseOut(boolean pause) {
      synchronized (gate) {
        paused = pause;
        gate.notifyAll();
      }
    }

    private Thread pump(InputStream in, ByteArrayOutputStream to, boolean counted) {
      Thread t =
          new Thread(
              () -> {
                byte[] buf = new byte[8192];
                try {
                  for (int n; (n = in.read(buf)) >= 0; ) {
                    if (counted) {
                      synchronized (gate) {
                        while (paused) {
                          gate.wait();
                        }
                      }
                      for (int i = 0; i < n; i++) {
                        if (buf[i] == '\n') {
                          outLines.incrementAndGet();
                        }
                      }
                    }
                    synchronized (to) {
                      to.write(buf, 0, n);
                    }
                  }
                } catch (IOException e) {
                  // the process ended
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      t.setDaemon(true);
      t.start();
      return t;
    }

    String err() {
      synchronized (err) {
        return err.toString(StandardCharsets.UTF_8);
      }
    }

    String out() {
      synchronized (out) {
        return out.toString(StandardCharsets.UTF_8);
      }
    }

    /** Waits for the command to end and for all it printed. */
    Run finish() throws InterruptedException {
      assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the command ended").isTrue();
      outPump.join(TimeUnit.SECONDS.toMillis(30));
      errPump.join(TimeUnit.SECONDS.toMillis(30));
      return new Run(process.exitValue(), out(), err());
    }
  }

  private Child spawn(Map<String, String> env, String stdin, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(javaBin(), "-jar", JAR.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().remove("CODERUNNER_URL");
    pb.environment().remove("CODERUNNER_TOKEN");
    pb.environment().put("XDG_CONFIG_HOME", home.toString());
    pb.environment().putAll(env);
    Process p = pb.start();
    Child c = new Child(p);
    try (OutputStream in = p.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    return c;
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private Run run(Map<String, String> env, String stdin, String... args) throws Exception {
    return spawn(env, stdin, args).finish();
  }

  private Map<String, String> asAlice() {
    return Map.of(
        "CODERUNNER_URL", server.uri().toString(),
        "CODERUNNER_TOKEN", server.jwt().issue(ALICE).token());
  }

  @Test
  void loginKeepsATokenOnlyTheUserCanReadAndLaterCommandsUseIt() throws Exception {
    Map<String, String> env = Map.of("CODERUNNER_URL", server.uri().toString());
    Run bad = run(env, "wrong\n", "login", "-u", "alice", "--password-stdin");
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err()).contains("401").contains("invalid username or password");
    assertThat(home.resolve("coderunner/token")).doesNotExist();

    Run ok = run(env, PASSWORD + "\n", "login", "-u", "alice", "--password-stdin");
    assertThat(ok.code()).as(ok.err()).isZero();
    Path token = home.resolve("coderunner/token");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(token)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(token.getParent())))
        .isEqualTo("rwx------");
    String id =
        alice.create(new DeploymentSpec("listed", List.of("sh"), Map.of(), null)).id().value();
    Run list = run(Map.of(), "", "deployments");
    assertThat(list.code()).as(list.err()).isZero();
    assertThat(list.out()).contains(id).contains("listed").contains("created");
  }

  @Test
  void badCommandLinesExit2AndServerRefusalsExit1() throws Exception {
    assertThat(run(Map.of(), "").code()).isEqualTo(2);
    assertThat(run(asAlice(), "", "logs").code()).isEqualTo(2);
    assertThat(run(asAlice(), "", "create", "--name", "x").code()).isEqualTo(2);
    assertThat(run(asAlice(), "", "frobnicate").code()).isEqualTo(2);
    Run noServer = run(Map.of(), "", "deployments");
    assertThat(noServer.code()).isEqualTo(2);
    assertThat(noServer.err()).contains("no server");
    Run badId = run(asAlice(), "", "get", "not an id");
    assertThat(badId.code()).isEqualTo(2);
    assertThat(run(asAlice(), "", "logs", "x", "--after", "3", "--tail", "2").code()).isEqualTo(2);
    Run missing = run(asAlice(), "", "get", "no-such-deployment");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).contains("404");
    Run forged =
        run(
            Map.of("CODERUNNER_URL", server.uri().toString(), "CODERUNNER_TOKEN", "x.y.z"),
            "",
            "deployments");
    assertThat(forged.code()).isEqualTo(1);
    assertThat(forged.err()).contains("401");
    assertThat(run(asAlice(), "", "--version").out()).startsWith("coderunner ");
  }

  @Test
  void aDeploymentsLifeFromTheCommandLine() throws Exception {
    Run created =
        run(
            asAlice(),
            "",
            "create",
            "--name",
            "cli-made",
            "--env",
            "MODE=x",
            "--workdir",
            "/tmp",
            "--",
            "sh",
            "-c",
            "echo hi; sleep 60");
    assertThat(created.code()).as(created.err()).isZero();
    String id = created.out().strip();
    JsonNode got = JSON.readTree(run(asAlice(), "", "get", id).out());
    assertThat(got.get("env").get("MODE").asText()).isEqualTo("x");
    assertThat(got.get("command").toString()).isEqualTo("[\"sh\",\"-c\",\"echo hi; sleep 60\"]");
    assertThat(run(asAlice(), "", "start", id).out()).startsWith(id + " ");
    await().until(() -> alice.deployment(DeploymentId.of(id)).status() == DeploymentStatus.RUNNING);
    Run refused = run(asAlice(), "", "delete", id);
    assertThat(refused.code()).isEqualTo(1);
    assertThat(refused.err()).contains("409");
    assertThat(run(asAlice(), "", "restart", id).code()).isZero();
    await().until(() -> alice.deployment(DeploymentId.of(id)).status() == DeploymentStatus.RUNNING);
    assertThat(run(asAlice(), "", "stop", id).code()).isZero();
    await().until(() -> alice.deployment(DeploymentId.of(id)).status() == DeploymentStatus.STOPPED);
    JsonNode all = JSON.readTree(run(asAlice(), "", "deployments", "-o", "json").out());
    assertThat(all.findValuesAsText("id")).contains(id);
    assertThat(run(asAlice(), "", "delete", id).out()).contains("deleted " + id);
  }

  @Test
  void anIngestBatchWhoseAnswerIsLostIsSentAgainAndStoredOnce() throws Exception {
    DeploymentId id =
        alice.create(new DeploymentSpec("answer-lost", List.of("sh"), Map.of(), null)).id();
    try (TcpProxy proxy = new TcpProxy().target(server.port())) {
      proxy.cutAtNextAnswer(); // the first batch is stored; the command hears a reset
      Run ingest =
          run(
              Map.of(
                  "CODERUNNER_URL",
                  "http://127.0.0.1:" + proxy.port(),
                  "CODERUNNER_TOKEN",
                  server.jwt().issue(ALICE).token()),
              "one\ntwo\nthree\n",
              "ingest",
              id.value());
      assertThat(ingest.code()).as(ingest.err()).isZero();
      assertThat(ingest.err()).contains("ingested 3 lines (seqs 2 to 4)");
    }
    assertThat(alice.logs(id, HistoryQuery.first()).lines())
        .extracting(LogLine::message)
        .containsExactly("deployment created by alice", "one", "two", "three");
  }

  @Test
  void ingestSendsStandardInputInOrderAndLogsReadsItBack() throws Exception {
    DeploymentId id =
        alice.create(new DeploymentSpec("ingested", List.of("sh"), Map.of(), null)).id();
    StringBuilder in = new StringBuilder();
    for (int i = 0; i < 2_500; i++) {
      in.append(i % 100 == 0 ? "\u001b[31mERROR red " + i + "\u001b[0m" : "line " + i).append('\n');
    }
    Run ingest = run(asAlice(), in.toString(), "ingest", id.value(), "--stream", "stderr");
    assertThat(ingest.code()).as(ingest.err()).isZero();
    assertThat(ingest.err()).contains("ingested 2500 lines (seqs 2 to 2501)");
    List<LogLine> stored = new ArrayList<>();
    for (long after = 1; after < 2_501; after += 1_000) {
      stored.addAll(alice.logs(id, HistoryQuery.first().after(after).limit(1_000)).lines());
    }
    assertThat(stored)
        .extracting(LogLine::message)
        .first()
        .isEqualTo("\u001b[31mERROR red 0\u001b[0m");
    assertThat(stored).hasSize(2_500);

    Run text = run(asAlice(), "", "logs", id.value(), "--tail", "3");
    assertThat(text.lines()).containsExactly("line 2497", "line 2498", "line 2499");
    Run red = run(asAlice(), "", "logs", id.value(), "-q", "red 2400");
    assertThat(red.lines())
        .as("escape codes stripped off a terminal")
        .containsExactly("ERROR red 2400");
    Run json = run(asAlice(), "", "logs", id.value(), "--after", "2500", "-o", "jsonl");
    JsonNode only = JSON.readTree(json.lines().get(0));
    assertThat(json.lines()).hasSize(1);
    assertThat(only.get("seq").asLong()).isEqualTo(2501);
    assertThat(only.get("stream").asText()).isEqualTo("stderr");
    assertThat(only.get("message").asText()).isEqualTo("line 2499");
    assertThat(only.get("ts").asText()).endsWith("Z");
  }

  @Test
  void aFollowEndsWithTheProcessAndPrintsEveryLineOnce() throws Exception {
    DeploymentId id =
        alice
            .create(
                new DeploymentSpec(
                    "counter",
                    List.of(
                        "sh",
                        "-c",
                        "i=0; while [ $i -lt 3000 ]; do echo n $i; i=$((i+1)); done; exit 3"),
                    Map.of(),
                    null))
            .id();
    Child follow =
        spawn(asAlice(), "", "logs", id.value(), "-f", "-o", "jsonl", "--stream", "stdout");
    await().atMost(Duration.ofSeconds(30)).until(() -> follow.err().contains("following"));
    alice.start(id);
    Run r = follow.finish();
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err().strip()).endsWith("deployment " + id.value() + " failed");
    List<String> messages = new ArrayList<>();
    for (String line : r.lines()) {
      messages.add(JSON.readTree(line).get("message").asText());
    }
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      expected.add("n " + i);
    }
    assertThat(messages).containsExactlyElementsOf(expected);
  }

  @Test
  void aFollowThroughDropsPrintsEachLineOnceAndEndsWhenTheDeploymentIsDeleted() throws Exception {
    DeploymentId id =
        alice.create(new DeploymentSpec("dropped", List.of("sh"), Map.of(), null)).id();
    try (TcpProxy proxy = new TcpProxy().target(server.port())) {
      Map<String, String> env = new HashMap<>(asAlice());
      env.put("CODERUNNER_URL", "http://127.0.0.1:" + proxy.port());
      Child follow = spawn(env, "", "logs", id.value(), "-f", "-o", "jsonl");
      await().atMost(Duration.ofSeconds(30)).until(() -> follow.err().contains("following"));
      ingest(id, "a", 10_000);
      root.connections().forEach(c -> root.disconnect(c.id()));
      ingest(id, "b", 10_000);
      await().atMost(Duration.ofSeconds(60)).until(() -> follow.out().split("\n").length >= 20_001);
      proxy.cut();
      ingest(id, "c", 10_000);
      await().atMost(Duration.ofSeconds(60)).until(() -> follow.out().split("\n").length >= 30_001);
      alice.delete(id);
      Run r = follow.finish();
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.err()).contains("was deleted").contains("reconnecting");
      List<Long> seqs = new ArrayList<>();
      for (String line : r.lines()) {
        seqs.add(JSON.readTree(line).get("seq").asLong());
      }
      assertThat(seqs)
          .containsExactlyElementsOf(LongStream.rangeClosed(1, 30_001).boxed().toList());
    }
  }

  @Test
  void aFollowAsJsonLinesKeepsAHundredThousandLinesAcrossFiveKindsOfDrop() throws Exception {
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      port = free.getLocalPort();
    }
    InMemoryDeploymentStore kept = new InMemoryDeploymentStore();
    CodeRunnerServer first = dropServer(port, kept);
    CodeRunnerServer second = null;
    try (TcpProxy proxy = new TcpProxy().target(port);
        CodeRunnerClient direct = clientOf(first, ALICE);
        CodeRunnerClient admin = clientOf(first, ROOT)) {
      DeploymentId id =
          direct.create(new DeploymentSpec("five", List.of("sh"), Map.of(), null)).id();
      Map<String, String> env =
          Map.of(
              "CODERUNNER_URL",
              "http://127.0.0.1:" + proxy.port(),
              "CODERUNNER_TOKEN",
              first.jwt().issue(ALICE).token());
      Child follow =
          spawn(env, "", "logs", id.value(), "-f", "-o", "jsonl", "--heartbeat", "PT0.4S");
      Duration long_ = Duration.ofSeconds(90);
      await().atMost(long_).until(() -> follow.err().contains("following"));
      ingest(direct, id, "a", 20_000, "");
      // 1. an administrator's disconnect
      admin.connections().forEach(c -> admin.disconnect(c.id()));
      ingest(direct, id, "b", 20_000, "");
      await().atMost(long_).until(() -> follow.outLines.get() >= 40_001);
      // 2. the network drops the socket
      proxy.cut();
      ingest(direct, id, "c", 20_000, "");
      await().atMost(long_).until(() -> follow.outLines.get() >= 60_001);
      // 3. nobody reads the command's output: it blocks, and the server closes it (4008)
      long slow = admin.broadcasterStats().closesByCode().getOrDefault(4008, 0L);
      follow.pauseOut(true);
      ingest(direct, id, "d", 20_000, " " + "z".repeat(2_000));
      await()
          .atMost(long_)
          .until(() -> admin.broadcasterStats().closesByCode().getOrDefault(4008, 0L) > slow);
      follow.pauseOut(false);
      await().atMost(long_).until(() -> follow.outLines.get() >= 80_001);
      // 4. the link goes silent
      proxy.hold();
      ingest(direct, id, "e", 20_000, "");
      await().atMost(long_).until(() -> follow.outLines.get() >= 100_001);
      proxy.release();
      // 5. the server stops and another starts on the same port, over the same deployments
      first.close();
      second = dropServer(port, kept);
      try (CodeRunnerClient again = clientOf(second, ALICE)) {
        await().atMost(long_).until(() -> follow.out().contains("{\"reset\":"));
        ingest(again, id, "f", 1_000, "");
        await().atMost(long_).until(() -> follow.outLines.get() >= 101_002);
        again.delete(id);
      }
      Run r = follow.finish();
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.err()).contains("was deleted");
      List<Long> before = new ArrayList<>();
      List<Long> after = new ArrayList<>();
      int resets = 0;
      for (String line : r.lines()) {
        JsonNode n = JSON.readTree(line);
        if (n.has("reset")) {
          resets++;
        } else {
          (resets == 0 ? before : after).add(n.get("seq").asLong());
        }
      }
      assertThat(resets).isEqualTo(1);
      assertThat(before)
          .containsExactlyElementsOf(LongStream.rangeClosed(1, 100_001).boxed().toList());
      assertThat(after)
          .containsExactlyElementsOf(LongStream.rangeClosed(1, 1_000).boxed().toList());
      assertThat(r.err())
          .contains("1008")
          .contains("4008")
          .contains("no answer to a ping")
          .contains("1001");
    } finally {
      first.close();
      if (second != null) {
        second.close();
      }
    }
  }

  private static CodeRunnerServer dropServer(int port, InMemoryDeploymentStore kept) {
    String hash = Passwords.hash(PASSWORD.toCharArray());
    return CodeRunnerServer.builder(
            ServerConfig.builder()
                .port(port)
                .jwtSecret(
                    "cli-drops-hs256-secret-0123456789-abcdefghi".getBytes(StandardCharsets.UTF_8))
                .users(
                    List.of(
                        new UserAccount("alice", ALICE.id(), ALICE.roles(), hash),
                        new UserAccount("root", ROOT.id(), ROOT.roles(), hash)))
                .retention(
                    RetentionConfig.builder()
                        .maxLines(500_000)
                        .maxBytes(256L << 20)
                        .globalMaxBytes(512L << 20)
                        .build())
                .follow(FollowConfig.builder().maxLagTime(Duration.ofSeconds(2)).build())
                .ingestLinesPerSecond(1_000_000)
                .ingestBytesPerSecond(1L << 30)
                .ingestRequestsPerSecond(100_000)
                .build())
        .deploymentStore(kept)
        .start();
  }

  private static CodeRunnerClient clientOf(CodeRunnerServer s, Principal p) {
    return CodeRunnerClient.builder().baseUri(s.uri()).token(s.jwt().issue(p).token()).build();
  }

  private static void ingest(
      CodeRunnerClient c, DeploymentId id, String prefix, int lines, String padding) {
    int batch = padding.isEmpty() ? 1_000 : 400;
    for (int from = 0; from < lines; from += batch) {
      List<LogEntry> entries = new ArrayList<>();
      for (int i = from; i < Math.min(lines, from + batch); i++) {
        entries.add(LogEntry.stdout(prefix + " " + i + padding));
      }
      c.ingest(id, entries);
    }
  }

  @Test
  void ctrlCEndsAFollowWith130() throws Exception {
    DeploymentId id =
        alice.create(new DeploymentSpec("interrupted", List.of("sh"), Map.of(), null)).id();
    Child follow = spawn(asAlice(), "", "logs", id.value(), "-f");
    await().atMost(Duration.ofSeconds(30)).until(() -> follow.err().contains("following"));
    new ProcessBuilder("kill", "-INT", String.valueOf(follow.process.pid())).start().waitFor();
    assertThat(follow.finish().code()).isEqualTo(130);
  }

  private static void ingest(DeploymentId id, String prefix, int lines) {
    for (int from = 0; from < lines; from += 1_000) {
      List<LogEntry> batch = new ArrayList<>();
      for (int i = from; i < from + 1_000; i++) {
        batch.add(LogEntry.stdout(prefix + " " + i));
      }
      alice.ingest(id, batch);
    }
  }
}
