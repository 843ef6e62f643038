package io.coderunner.cli;

import io.coderunner.cli.internal.Cli;

/** Runs {@code coderunner}: see {@code docs/cli.md}, or {@code coderunner --help}. */
public final class Main {
  private Main() {}

  /**
   * Runs the command and exits with its code: 0 done, 1 an error, 2 a usage error, 130 on Ctrl-C.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    System.exit(Cli.run(args, System.getenv(), System.in, System.out, System.err));
  }
}
