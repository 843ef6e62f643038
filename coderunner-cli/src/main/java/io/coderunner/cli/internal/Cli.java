package io.coderunner.cli.internal;

import io.coderunner.client.CodeRunnerClient;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The root command: the server and token options every subcommand shares, and exit codes. */
@Command(
    name = "coderunner",
    mixinStandardHelpOptions = true,
    versionProvider = Cli.Version.class,
    description = "Deployments, ingest and live logs of a CodeRunner server.",
    subcommands = {
      Commands.Login.class,
      Commands.ListDeployments.class,
      Commands.Create.class,
      Commands.Get.class,
      Commands.Start.class,
      Commands.Stop.class,
      Commands.Restart.class,
      Commands.Delete.class,
      Commands.Ingest.class,
      Logs.class
    })
public final class Cli implements Runnable {
  /** Exit code: an error. */
  static final int ERROR = 1;

  /** Exit code: the command line is wrong. */
  static final int USAGE = 2;

  @Option(
      names = "--server",
      paramLabel = "URL",
      description =
          "The server, e.g. http://127.0.0.1:8080; default $CODERUNNER_URL, then the one of the last login.")
  @Nullable String server;

  @Option(
      names = "--token",
      paramLabel = "JWT",
      description =
          "The bearer token; default $CODERUNNER_TOKEN, then the one `coderunner login` stored.")
  @Nullable String token;

  final Map<String, String> env;
  final InputStream in;
  final PrintStream out;
  final PrintStream err;
  final Settings settings;

  @CommandLine.Spec CommandLine.Model.@Nullable CommandSpec spec;

  private Cli(Map<String, String> env, InputStream in, PrintStream out, PrintStream err) {
    this.env = env;
    this.in = in;
    this.out = out;
    this.err = err;
    this.settings = Settings.of(env);
  }

  /** Runs {@code args}; returns the exit code. */
  public static int run(
      String[] args, Map<String, String> env, InputStream in, PrintStream out, PrintStream err) {
    Cli cli = new Cli(env, in, out, err);
    CommandLine cmd = new CommandLine(cli);
    cmd.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    cmd.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    cmd.setExecutionExceptionHandler(
        (e, c, parsed) -> {
          if (e instanceof CommandLine.ParameterException pe) {
            throw pe;
          }
          err.println("coderunner: " + describe(e));
          return e instanceof UsageException ? USAGE : ERROR;
        });
    return cmd.execute(args);
  }

  private static String describe(Exception e) {
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        java.util.Objects.requireNonNull(spec).commandLine(), "name a command; see --help");
  }

  /** The server URL the options, the environment or the last login name. */
  URI serverUri() {
    String s = server;
    if (s == null || s.isBlank()) {
      s = env.get("CODERUNNER_URL");
    }
    if (s == null || s.isBlank()) {
      s = settings.server().orElse(null);
    }
    if (s == null || s.isBlank()) {
      throw new UsageException("no server: pass --server URL or set CODERUNNER_URL");
    }
    try {
      URI u = URI.create(s.strip());
      if (u.getHost() == null
          || !("http".equalsIgnoreCase(u.getScheme()) || "https".equalsIgnoreCase(u.getScheme()))) {
        throw new UsageException("the server must be an http or https URL, was " + s);
      }
      return u;
    } catch (IllegalArgumentException e) {
      throw new UsageException("the server is not a URL: " + s);
    }
  }

  /** A client of the server, with the token from the options, the environment or the store. */
  CodeRunnerClient client() {
    return client(b -> b);
  }

  /** As {@link #client()}, with {@code tweak} applied to the builder (a follow's heartbeat). */
  CodeRunnerClient client(java.util.function.UnaryOperator<CodeRunnerClient.Builder> tweak) {
    URI uri = serverUri();
    String t = token;
    if (t == null || t.isBlank()) {
      t = env.get("CODERUNNER_TOKEN");
    }
    if (t == null || t.isBlank()) {
      t = settings.token().orElse(null);
    }
    if (t == null || t.isBlank()) {
      throw new UsageException(
          "not logged in: run `coderunner login`, or pass --token or set CODERUNNER_TOKEN");
    }
    return tweak.apply(CodeRunnerClient.builder().baseUri(uri).token(t.strip())).build();
  }

  /** A client without a token, for login. */
  CodeRunnerClient anonymous() {
    return CodeRunnerClient.builder().baseUri(serverUri()).build();
  }

  /** A usage error found while running: exit code 2. */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  /** {@code --version}: the jar's version. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Cli.class.getPackage().getImplementationVersion();
      return new String[] {"coderunner " + (v == null ? "(development build)" : v)};
    }
  }
}
