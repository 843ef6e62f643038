package io.coderunner.storage;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogEntry;
import io.coderunner.core.log.AppendResult;
import io.coderunner.core.log.RetentionConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * A child JVM that a test kills with SIGKILL: it opens the data directory {@code args[0]} with
 * fsync policy {@code args[1]} and a batch interval of {@code args[2]} ms, creates the log of
 * {@code app}, and for every line {@code N [key]} it reads on stdin appends {@link #entries
 * entries(N)} in one call, with the idempotency key if one is given, then prints {@code acked
 * <lastSeq>} once the store acknowledged them.
 */
public final class AppendingChild {
  private AppendingChild() {}

  /**
   * The {@code n} lines one request appends: the same for the same {@code n}, so a retry matches.
   */
  static List<LogEntry> entries(int n) {
    LogEntry[] entries = new LogEntry[n];
    for (int i = 0; i < n; i++) {
      entries[i] = LogEntry.stdout("line " + i + " of " + n);
    }
    return List.of(entries);
  }

  public static void main(String[] args) throws Exception {
    StorageConfig config =
        new StorageConfig(
            Path.of(args[0]),
            FsyncPolicy.fromName(args[1]),
            Duration.ofMillis(Long.parseLong(args[2])));
    DurableStorage storage =
        DurableStorage.open(config, RetentionConfig.defaults(), Clock.systemUTC());
    DeploymentId app = DeploymentId.of("app");
    storage.logs().create(app, "u-alice");
    System.out.println("ready " + storage.logs().info(app).orElseThrow().epoch());
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      String[] words = line.trim().split(" ", -1);
      List<LogEntry> entries = entries(Integer.parseInt(words[0]));
      AppendResult r =
          words.length > 1
              ? storage.logs().append(app, entries, words[1])
              : storage.logs().append(app, entries);
      System.out.println("acked " + r.lastSeq());
      System.out.flush();
    }
    storage.close();
  }
}
