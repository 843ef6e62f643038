package io.coderunner.server;

import io.coderunner.server.internal.BuildInfo;
import io.coderunner.server.internal.ConfigLoader;
import io.coderunner.server.internal.ConfigLoader.ConfigException;
import io.coderunner.server.internal.ConfigLoader.Flags;
import io.coderunner.server.internal.ConfigLoader.Loaded;
import io.coderunner.server.internal.Passwords;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The command line: {@code java -jar coderunner-reference-server.jar [--config FILE] [--SETTING
 * VALUE]... [--print-config] [--version] [--help]}, or {@code hash-password [--password P]}.
 *
 * <p>{@link #launch} does everything but exiting the JVM, so tests run it in-process: it returns
 * the exit code, and the server when one started.
 */
public final class Main {
  /** Exit code for a configuration the server refuses. */
  public static final int EXIT_CONFIG = 2;

  private Main() {}

  /**
   * What {@link #launch} did.
   *
   * @param exitCode the process's exit code: 0 for success, 1 when the server could not start,
   *     {@value #EXIT_CONFIG} for a configuration or usage error
   * @param server the running server, or {@code null} when none started (a command that finished,
   *     or a failure)
   */
  public record Launch(int exitCode, @Nullable CodeRunnerServer server) {}

  /**
   * Runs the command line. When a server started, it runs until the JVM is asked to stop (SIGTERM
   * closes it gracefully and exits 0); otherwise the JVM exits with the command's exit code.
   *
   * @param args the command-line arguments
   */
  public static void main(String[] args) {
    // Undertow and XNIO log through jboss-logging: send it to slf4j rather than java.util.logging.
    if (System.getProperty("org.jboss.logging.provider") == null) {
      System.setProperty("org.jboss.logging.provider", "slf4j");
    }
    Launch launch = launch(args, System.getenv(), System.in, System.out, System.err);
    CodeRunnerServer server = launch.server();
    if (server == null) {
      System.out.flush();
      System.exit(launch.exitCode());
      return;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  System.out.flush();
                  System.err.flush();
                  // SIGTERM is the normal way to stop the server: a clean drain exits 0, not 143.
                  Runtime.getRuntime().halt(0);
                },
                "coderunner-shutdown"));
  }

  /**
   * Runs the command line without exiting the JVM.
   *
   * @param args the command-line arguments, as {@link #main} receives them
   * @param env the environment, read for {@code CODERUNNER_*} settings
   * @param in where {@code hash-password} reads the password when none is given
   * @param out where the listening line, {@code --help}, {@code --version}, {@code --print-config}
   *     and {@code hash-password} write
   * @param err where warnings, errors and the demo's hints are written
   * @return exit code 0 with the running server, or the exit code of a command that finished or was
   *     refused (2 for a configuration error)
   */
  public static Launch launch(
      String[] args, Map<String, String> env, InputStream in, PrintStream out, PrintStream err) {
    if (args.length > 0 && "hash-password".equals(args[0])) {
      return new Launch(hashPassword(Arrays.copyOfRange(args, 1, args.length), in, out, err), null);
    }
    ServerConfig config;
    try {
      Flags flags = ConfigLoader.parseFlags(args);
      if (flags.help()) {
        out.print(ConfigLoader.help());
        return new Launch(0, null);
      }
      if (flags.version()) {
        out.println(BuildInfo.describe());
        return new Launch(0, null);
      }
      Loaded loaded = ConfigLoader.load(flags, env);
      for (String warning : loaded.warnings()) {
        err.println("coderunner: warning: " + warning);
      }
      if (flags.printConfig()) {
        out.print(ConfigLoader.printConfig(loaded));
        return new Launch(0, null);
      }
      config = loaded.config();
      ConfigLoader.requireStartable(config);
    } catch (ConfigException e) {
      err.println("coderunner: " + e.getMessage());
      err.print(ConfigLoader.usage());
      err.println("(--help lists every setting)");
      return new Launch(EXIT_CONFIG, null);
    }
    CodeRunnerServer server;
    try {
      server = CodeRunnerServer.start(config);
    } catch (RuntimeException e) {
      err.println("coderunner: could not start: " + e.getMessage());
      return new Launch(1, null);
    }
    if (server.generatedSecret()) {
      err.println(
          "coderunner: CODERUNNER_JWT_SECRET is not set; using a secret generated for this run"
              + " (tokens will not survive a restart)");
    }
    out.println("CodeRunner listening on " + server.uri());
    out.flush();
    if (config.demo()) {
      err.println("coderunner: demo mode: open " + server.uri() + "/");
      err.println("coderunner: demo logins: demo/demo (role deployer), admin/admin (role admin)");
      err.println(
          "coderunner: follow the demo deployment: curl -N -H \"Authorization: Bearer <token>\" "
              + server.uri()
              + "/api/deployments/"
              + java.util.Objects.requireNonNull(server.demoDeployment()).id()
              + "/logs/stream?tail=20");
    }
    return new Launch(0, server);
  }

  private static int hashPassword(String[] args, InputStream in, PrintStream out, PrintStream err) {
    char[] password = null;
    if (args.length == 2 && "--password".equals(args[0])) {
      password = args[1].toCharArray();
    } else if (args.length == 1 && args[0].startsWith("--password=")) {
      password = args[0].substring("--password=".length()).toCharArray();
    } else if (args.length == 0) {
      try {
        String line =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
        password = line == null ? new char[0] : line.toCharArray();
      } catch (IOException e) {
        err.println("coderunner: cannot read the password from standard input");
        return EXIT_CONFIG;
      }
    } else {
      err.println("usage: hash-password [--password P]  (or the password on standard input)");
      return EXIT_CONFIG;
    }
    if (password.length == 0) {
      err.println("coderunner: the password must not be empty");
      return EXIT_CONFIG;
    }
    try {
      out.println(Passwords.hash(password));
    } finally {
      Arrays.fill(password, '\0');
    }
    return 0;
  }
}
