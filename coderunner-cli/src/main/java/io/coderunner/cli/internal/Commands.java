package io.coderunner.cli.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coderunner.client.CodeRunnerClient;
import io.coderunner.client.Session;
import io.coderunner.core.Deployment;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogEntry;
import io.coderunner.core.LogLevel;
import io.coderunner.core.StreamKind;
import io.coderunner.core.deploy.DeploymentSpec;
import io.coderunner.core.log.AppendResult;
import io.coderunner.core.protocol.WireTime;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** The subcommands other than {@code logs}. */
final class Commands {
  static final ObjectMapper JSON = new ObjectMapper();

  private Commands() {}

  static DeploymentId id(String value) {
    if (!DeploymentId.isValid(value)) {
      throw new Cli.UsageException("not a deployment id: " + value);
    }
    return DeploymentId.of(value);
  }

  static Map<String, Object> json(Deployment d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", d.id().value());
    m.put("name", d.name());
    m.put("ownerId", d.ownerId());
    m.put("command", d.command());
    m.put("env", d.env());
    m.put("workingDir", d.workingDir());
    m.put("status", d.status().wireName());
    m.put("createdAt", WireTime.format(d.createdAt()));
    m.put("updatedAt", WireTime.format(d.updatedAt()));
    return m;
  }

  static String write(Object o) {
    try {
      return JSON.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code coderunner login}: stores a token (and the server) for the next commands. */
  @Command(name = "login", description = "Log in and keep the token (mode 600) for later commands.")
  static final class Login implements Callable<Integer> {
    @ParentCommand @Nullable Cli cli;

    @Option(
        names = {"-u", "--username"},
        description = "The user; asked for when not given.")
    @Nullable String username;

    @Option(
        names = "--password-stdin",
        description = "Read the password from the first line of standard input.")
    boolean passwordStdin;

    @Override
    public Integer call() throws IOException {
      Cli c = java.util.Objects.requireNonNull(cli);
      Console console = Terminal.console();
      String user = username;
      char[] password;
      if (passwordStdin) {
        String line =
            new BufferedReader(new InputStreamReader(c.in, StandardCharsets.UTF_8)).readLine();
        if (line == null) {
          throw new Cli.UsageException("--password-stdin: standard input is empty");
        }
        password = line.toCharArray();
      } else if (console != null) {
        if (user == null) {
          user = console.readLine("Username: ");
        }
        password = console.readPassword("Password: ");
      } else {
        throw new Cli.UsageException("no terminal to ask for the password: use --password-stdin");
      }
      if (user == null || user.isBlank()) {
        throw new Cli.UsageException("a username is required: --username NAME");
      }
      try (CodeRunnerClient client = c.anonymous()) {
        Session s = client.login(user.strip(), password);
        c.settings.save(c.serverUri().toString(), s.token());
        c.err.println(
            "Logged in as "
                + s.user().username()
                + " until "
                + s.expiresAt()
                + "; token in "
                + c.settings.tokenFile());
      } finally {
        java.util.Arrays.fill(password, '\0');
      }
      return 0;
    }
  }

  /** {@code coderunner deployments}. */
  @Command(name = "deployments", aliases = "ls", description = "List the deployments you may see.")
  static final class ListDeployments implements Callable<Integer> {
    @ParentCommand @Nullable Cli cli;

    @Option(
        names = {"-o", "--output"},
        description = "text (a table) or json.",
        defaultValue = "text")
    String output = "text";

    @Override
    public Integer call() {
      Cli c = java.util.Objects.requireNonNull(cli);
      try (CodeRunnerClient client = c.client()) {
        List<Deployment> all = client.allDeployments();
        if (output.equals("json")) {
          List<Object> items = new ArrayList<>();
          all.forEach(d -> items.add(json(d)));
          c.out.println(write(items));
        } else if (output.equals("text")) {
          c.out.printf("%-36s  %-24s  %-10s  %s%n", "ID", "NAME", "STATUS", "UPDATED");
          for (Deployment d : all) {
            c.out.printf(
                "%-36s  %-24s  %-10s  %s%n",
                d.id().value(), d.name(), d.status().wireName(), WireTime.format(d.updatedAt()));
          }
        } else {
          throw new Cli.UsageException("--output must be text or json, was " + output);
        }
      }
      return 0;
    }
  }

  /** {@code coderunner create}. */
  @Command(
      name = "create",
      description = "Create a deployment of CMD ARGS...; prints its id.",
      footer = "Example: coderunner create --name web --env PORT=8080 -- node server.js")
  static final class Create implements Callable<Integer> {
    @ParentCommand @Nullable Cli cli;

    @Option(names = "--name", required = true, description = "Its name.")
    String name = "";

    @Option(
        names = "--env",
        paramLabel = "KEY=VALUE",
        description = "An environment variable; repeatable.")
    Map<String, String> env = new LinkedHashMap<>();

    @Option(names = "--workdir", paramLabel = "DIR", description = "Its working directory.")
    @Nullable String workdir;

    @Parameters(
        arity = "1..*",
        paramLabel = "CMD",
        description = "The command and its arguments, after --.")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() {
      Cli c = java.util.Objects.requireNonNull(cli);
      DeploymentSpec spec;
      try {
        spec = new DeploymentSpec(name, command, env, workdir);
      } catch (IllegalArgumentException e) {
        throw new Cli.UsageException(String.valueOf(e.getMessage()));
      }
      try (CodeRunnerClient client = c.client()) {
        c.out.println(client.create(spec).id().value());
      }
      return 0;
    }
  }

  /** What the commands on one deployment share: the id, a client, and what to do. */
  abstract static class OnOne implements Callable<Integer> {
    @ParentCommand @Nullable Cli cli;

    @Parameters(paramLabel = "ID")
    String id = "";

    /** Does the command's work on {@code deployment} and prints its result. */
    abstract void act(Cli c, CodeRunnerClient client, DeploymentId deployment);

    @Override
    public Integer call() {
      Cli c = java.util.Objects.requireNonNull(cli);
      DeploymentId deployment = id(id);
      try (CodeRunnerClient client = c.client()) {
        act(c, client, deployment);
      }
      return 0;
    }
  }

  /** {@code coderunner get ID}. */
  @Command(name = "get", description = "Show one deployment as JSON.")
  static final class Get extends OnOne {
    @Override
    void act(Cli c, CodeRunnerClient client, DeploymentId deployment) {
      c.out.println(write(json(client.deployment(deployment))));
    }
  }

  /** {@code coderunner start ID}. */
  @Command(name = "start", description = "Start a deployment's process.")
  static final class Start extends OnOne {
    @Override
    void act(Cli c, CodeRunnerClient client, DeploymentId deployment) {
      printStatus(c, client.start(deployment));
    }
  }

  /** {@code coderunner stop ID}. */
  @Command(name = "stop", description = "Stop a deployment's process.")
  static final class Stop extends OnOne {
    @Override
    void act(Cli c, CodeRunnerClient client, DeploymentId deployment) {
      printStatus(c, client.stop(deployment));
    }
  }

  /** {@code coderunner restart ID}. */
  @Command(name = "restart", description = "Restart a deployment's process.")
  static final class Restart extends OnOne {
    @Override
    void act(Cli c, CodeRunnerClient client, DeploymentId deployment) {
      printStatus(c, client.restart(deployment));
    }
  }

  /** {@code coderunner delete ID}. */
  @Command(name = "delete", description = "Delete a deployment and its log.")
  static final class Delete extends OnOne {
    @Override
    void act(Cli c, CodeRunnerClient client, DeploymentId deployment) {
      client.delete(deployment);
      c.out.println("deleted " + deployment.value());
    }
  }

  private static void printStatus(Cli c, Deployment d) {
    c.out.println(d.id().value() + " " + d.status().wireName());
  }

  /** {@code coderunner ingest ID}: standard input, one line per line, in batches. */
  @Command(
      name = "ingest",
      description =
          "Append standard input to a deployment's log, a line per line, in batches of up to"
              + " 1,000 lines or 512 KiB, sent at the latest 200 ms after their first line.")
  static final class Ingest implements Callable<Integer> {
    static final int MAX_LINES = 1_000;
    static final int MAX_CHARS = 512 * 1024;
    static final long LINGER_MILLIS = 200;

    @ParentCommand @Nullable Cli cli;

    @Parameters(paramLabel = "ID")
    String id = "";

    @Option(names = "--stream", description = "stdout or stderr.", defaultValue = "stdout")
    String stream = "stdout";

    @Option(
        names = "--level",
        description = "trace, debug, info, warn or error.",
        defaultValue = "info")
    String level = "info";

    /** Put after the last line of standard input. */
    private static final Object EOF = new Object();

    @Override
    public Integer call() throws InterruptedException {
      Cli c = java.util.Objects.requireNonNull(cli);
      StreamKind s;
      LogLevel l;
      try {
        s = StreamKind.fromWire(stream);
        l = LogLevel.fromWire(level);
      } catch (IllegalArgumentException e) {
        throw new Cli.UsageException(String.valueOf(e.getMessage()));
      }
      if (s == StreamKind.SYSTEM) {
        throw new Cli.UsageException("--stream must be stdout or stderr");
      }
      DeploymentId target = id(id);
      BlockingQueue<Object> lines = new ArrayBlockingQueue<>(4 * MAX_LINES);
      Thread reader = new Thread(() -> read(c, lines), "coderunner-stdin");
      reader.setDaemon(true);
      reader.start();
      long total = 0;
      long first = -1;
      long last = -1;
      try (CodeRunnerClient client = c.client()) {
        List<LogEntry> batch = new ArrayList<>();
        int chars = 0;
        long deadline = Long.MAX_VALUE;
        boolean done = false;
        while (!done) {
          long wait = batch.isEmpty() ? Long.MAX_VALUE : deadline - System.nanoTime();
          Object next =
              wait == Long.MAX_VALUE
                  ? lines.take()
                  : lines.poll(Math.max(0, wait), TimeUnit.NANOSECONDS);
          String line = next instanceof String str ? str : null;
          if (next == EOF) {
            done = true;
          } else if (line != null) {
            if (batch.isEmpty()) {
              deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LINGER_MILLIS);
            }
            batch.add(new LogEntry(null, s, l, line));
            chars += line.length();
          }
          if (!batch.isEmpty()
              && (done || next == null || batch.size() >= MAX_LINES || chars >= MAX_CHARS)) {
            AppendResult r = client.ingest(target, List.copyOf(batch));
            first = first < 0 ? r.firstSeq() : first;
            last = r.lastSeq();
            total += batch.size();
            batch.clear();
            chars = 0;
          }
        }
      }
      c.err.println(
          "ingested "
              + total
              + (total == 1 ? " line" : " lines")
              + (total > 0 ? " (seqs " + first + " to " + last + ")" : ""));
      return 0;
    }

    private static void read(Cli c, BlockingQueue<Object> lines) {
      try {
        try (BufferedReader r =
            new BufferedReader(new InputStreamReader(c.in, StandardCharsets.UTF_8))) {
          for (String line; (line = r.readLine()) != null; ) {
            lines.put(line);
          }
        } catch (IOException e) {
          c.err.println("coderunner: reading standard input failed: " + e.getMessage());
        } finally {
          lines.put(EOF);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
