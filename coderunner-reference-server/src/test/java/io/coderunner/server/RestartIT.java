package io.coderunner.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable jar on a data directory, stopped and started again: deployments are listed as
 * before, logs keep their epoch and seqs, and a follower that resumes over WebSocket with its
 * position continues with no reset, no gap and no duplicate. Killed with SIGKILL under {@code
 * always} during a steady ingest, it loses no acknowledged line and hands no seq out twice.
 */
class RestartIT {
  private static final String SECRET = new String(TestServer.SECRET, UTF_8);
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir Path dir;

  /** The jar as a child process on {@link #dir}. */
  private final class Jar implements AutoCloseable {
    final Process process;
    final URI base;
    final String token;

    Jar(String... flags) throws Exception {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(
          List.of("-jar", Path.of("target", "coderunner-reference-server.jar").toString()));
      command.addAll(
          List.of("--demo", "--port", "0", "--data-dir", dir.resolve("data").toString()));
      command.addAll(List.of(flags));
      ProcessBuilder pb =
          new ProcessBuilder(command).redirectError(dir.resolve("stderr.txt").toFile());
      pb.environment().put("CODERUNNER_JWT_SECRET", SECRET);
      pb.environment().remove("CODERUNNER_CONFIG");
      process = pb.start();
      BufferedReader out =
          new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8));
      String line = out.readLine();
      assertThat(line).as("the jar's first line").startsWith("CodeRunner listening on ");
      base = URI.create(line.substring("CodeRunner listening on ".length()));
      HttpResponse<String> login =
          post("/api/auth/login", null, "{\"username\":\"demo\",\"password\":\"demo\"}");
      assertThat(login.statusCode()).isEqualTo(200);
      token = TestServer.JSON.readTree(login.body()).get("token").asText();
    }

    HttpResponse<String> post(String path, String bearer, String body) throws Exception {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(base.resolve(path))
              .header("Content-Type", "application/json")
              .timeout(Duration.ofSeconds(30))
              .POST(HttpRequest.BodyPublishers.ofString(body));
      if (bearer != null) {
        b.header("Authorization", "Bearer " + bearer);
      }
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode get(String path) throws Exception {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(base.resolve(path))
                  .header("Authorization", "Bearer " + token)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(200);
      return TestServer.JSON.readTree(r.body());
    }

    /** Ingests {@code n} lines; the {@code lastSeq} the 202 names. */
    long ingest(String id, int n, int from) throws Exception {
      StringBuilder body = new StringBuilder("{\"lines\":[");
      for (int i = 0; i < n; i++) {
        body.append(i == 0 ? "" : ",")
            .append("{\"message\":\"line ")
            .append(from + i)
            .append("\"}");
      }
      HttpResponse<String> r = post("/api/deployments/" + id + "/logs", token, body + "]}");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
      return TestServer.JSON.readTree(r.body()).get("lastSeq").asLong();
    }

    WebSocket follow(WsFrames frames) throws Exception {
      URI ws = URI.create("ws://" + base.getAuthority() + "/ws");
      return WsFrames.open(http, ws, token, frames);
    }

    void stop() throws InterruptedException {
      process.destroy(); // SIGTERM: a clean stop
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).isZero();
    }

    void kill() throws InterruptedException {
      process.destroyForcibly(); // SIGKILL: nothing is flushed, nothing closes
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }

  /** The seqs of every {@code logs} frame of {@code id} so far, and the gaps, in order. */
  private static List<String> events(WsFrames frames, String id) throws IOException {
    List<String> out = new ArrayList<>();
    for (String f : frames.received) {
      JsonNode frame = TestServer.JSON.readTree(f);
      if (!id.equals(frame.path("deploymentId").asText())) {
        continue;
      }
      switch (frame.get("type").asText()) {
        case "logs" -> frame.get("lines").forEach(l -> out.add("line " + l.get("seq").asLong()));
        case "gap" -> out.add("gap " + frame.get("from").asLong() + "-" + frame.get("to").asLong());
        case "subscribed" ->
            out.add(frame.has("reset") ? "reset" : "subscribed " + frame.get("next").asLong());
        default -> {}
      }
    }
    return out;
  }

  private static String subscribe(String id, String epoch, long after) {
    return "{\"type\":\"subscribe\",\"deploymentId\":\""
        + id
        + "\",\"epoch\":\""
        + epoch
        + "\",\"after\":"
        + after
        + "}";
  }

  @Test
  void aRestartKeepsDeploymentsAndLogsAndAFollowerResumesWithoutResetGapOrDuplicate()
      throws Exception {
    String id;
    String epoch;
    long last;
    try (Jar jar = new Jar()) {
      HttpResponse<String> created =
          jar.post(
              "/api/deployments",
              jar.token,
              "{\"name\":\"kept\",\"command\":[\"app\"],\"env\":{\"PORT\":\"8080\"}}");
      assertThat(created.statusCode()).isEqualTo(201);
      id = TestServer.JSON.readTree(created.body()).get("id").asText();
      last = jar.ingest(id, 100, 1);
      WsFrames frames = new WsFrames();
      WebSocket ws = jar.follow(frames);
      WsFrames.send(ws, subscribe(id, "none", 0));
      long seen = last;
      Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> events(frames, id).contains("line " + seen));
      epoch = jar.get("/api/deployments/" + id + "/logs?limit=1").get("epoch").asText();
      jar.stop();
    }

    try (Jar jar = new Jar()) {
      JsonNode d = jar.get("/api/deployments/" + id);
      assertThat(d.get("name").asText()).isEqualTo("kept");
      assertThat(d.get("env").get("PORT").asText()).isEqualTo("8080");
      assertThat(d.get("status").asText()).isEqualTo("created");
      JsonNode history = jar.get("/api/deployments/" + id + "/logs?limit=10000");
      assertThat(history.get("epoch").asText()).isEqualTo(epoch);
      assertThat(history.get("lines")).hasSize((int) last);

      WsFrames frames = new WsFrames();
      WebSocket ws = jar.follow(frames);
      WsFrames.send(ws, subscribe(id, epoch, last));
      frames.await("\"subscribed\"");
      long newLast = jar.ingest(id, 50, 101);
      assertThat(newLast).isEqualTo(last + 50);
      Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> events(frames, id).contains("line " + newLast));
      List<String> expected = new ArrayList<>();
      expected.add("subscribed " + (last + 1));
      for (long seq = last + 1; seq <= newLast; seq++) {
        expected.add("line " + seq);
      }
      assertThat(events(frames, id)).isEqualTo(expected);
      jar.stop();
    }
  }

  /** The live processes of process group {@code pgid}, read from /proc. */
  private static List<Long> group(long pgid) throws IOException {
    List<Long> members = new ArrayList<>();
    try (var procs = java.nio.file.Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        String stat;
        try {
          stat = java.nio.file.Files.readString(p.resolve("stat"));
        } catch (IOException e) {
          continue; // gone meanwhile
        }
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ", 4);
        if (!f[0].equals("Z") && Long.parseLong(f[2]) == pgid) {
          members.add(Long.parseLong(name));
        }
      }
    }
    return members;
  }

  private static List<String> messages(Jar jar, String id) throws Exception {
    List<String> messages = new ArrayList<>();
    jar.get("/api/deployments/" + id + "/logs?limit=10000")
        .get("lines")
        .forEach(l -> messages.add(l.get("message").asText()));
    return messages;
  }

  @Test
  void aKillUnderAlwaysLosesNoAcknowledgedLineReusesNoSeqAndLeavesNoProcessRunning()
      throws Exception {
    String id;
    String epoch;
    String orphan;
    long pid;
    long again;
    List<Long> left;
    long acked = 0;
    try (Jar jar = new Jar("--storage.fsync", "always", "--runner.allowedCommands", "sh")) {
      HttpResponse<String> started =
          jar.post(
              "/api/deployments",
              jar.token,
              "{\"name\":\"forks\",\"command\":[\"sh\",\"-c\","
                  + "\"sleep 600 & sleep 600 & echo up; wait\"]}");
      orphan = TestServer.JSON.readTree(started.body()).get("id").asText();
      assertThat(jar.post("/api/deployments/" + orphan + "/start", jar.token, "").statusCode())
          .isEqualTo(202);
      Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> messages(jar, orphan).contains("up"));
      String running =
          messages(jar, orphan).stream()
              .filter(m -> m.startsWith("running (pid "))
              .findFirst()
              .get();
      pid = Long.parseLong(running.replaceAll("\\D", ""));
      HttpResponse<String> created =
          jar.post("/api/deployments", jar.token, "{\"name\":\"steady\",\"command\":[\"app\"]}");
      id = TestServer.JSON.readTree(created.body()).get("id").asText();
      for (int batch = 0; batch < 40; batch++) {
        acked = jar.ingest(id, 25, batch * 25 + 1);
      }
      epoch = jar.get("/api/deployments/" + id + "/logs?limit=1").get("epoch").asText();
      jar.kill();
      // SIGKILL leaves the deployment's processes running: the shell and its two sleeps.
      left = group(pid);
      assertThat(left).hasSize(3).contains(pid);
    }
    try (Jar jar =
        new Jar(
            "--storage.fsync",
            "always",
            "--runner.allowedCommands",
            "sh",
            "--deployments.onRestart",
            "start")) {
      // Found by their recorded group and start time, and stopped before anything starts.
      assertThat(group(pid)).isEmpty();
      List<String> forks = messages(jar, orphan);
      assertThat(forks)
          .containsSubsequence(
              "failed: the server stopped while it was running",
              "stopped 3 processes left running from before the server stopped (pid " + pid + ")",
              "starting");
      // ...and, as configured, started again: a new process, in a group of its own.
      Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> messages(jar, orphan).stream().filter("up"::equals).count() == 2);
      assertThat(jar.get("/api/deployments/" + orphan).get("status").asText()).isEqualTo("running");
      again =
          Long.parseLong(
              messages(jar, orphan).stream()
                  .filter(m -> m.startsWith("running (pid "))
                  .reduce((a, b) -> b)
                  .orElseThrow()
                  .replaceAll("\\D", ""));
      assertThat(again).isNotEqualTo(pid);
      assertThat(group(again)).hasSize(3);
      JsonNode history = jar.get("/api/deployments/" + id + "/logs?limit=10000");
      assertThat(history.get("epoch").asText()).isEqualTo(epoch);
      List<Long> seqs = new ArrayList<>();
      history.get("lines").forEach(l -> seqs.add(l.get("seq").asLong()));
      // Every acknowledged line is there: seq 1 (created) and the 1,000 ingested.
      assertThat(seqs).hasSize((int) acked);
      assertThat(seqs.get(seqs.size() - 1)).isEqualTo(acked);
      long next = jar.ingest(id, 1, 9999);
      assertThat(next).isGreaterThan(acked);
      // The demo deployment was running when the server was killed: it is marked failed, with a
      // line saying why, before the demo starts it again.
      String demo = null;
      for (JsonNode item : jar.get("/api/deployments").get("items")) {
        if (item.get("name").asText().equals("shop-frontend")) {
          demo = item.get("id").asText();
        }
      }
      assertThat(demo).isNotNull();
      List<String> messages = new ArrayList<>();
      jar.get("/api/deployments/" + demo + "/logs?limit=10000")
          .get("lines")
          .forEach(l -> messages.add(l.get("message").asText()));
      assertThat(messages).contains("failed: the server stopped while it was running");
      jar.stop();
    }
    // A clean stop stops the new process and its group: nothing is left for the next start.
    assertThat(group(again)).isEmpty();
    assertThat(left).noneMatch(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false));
  }
}
