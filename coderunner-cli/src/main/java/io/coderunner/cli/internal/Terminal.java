package io.coderunner.cli.internal;

import java.io.Console;
import org.jspecify.annotations.Nullable;

/** Whether the command talks to a person at a terminal. */
final class Terminal {
  private Terminal() {}

  /**
   * The console, when standard input and output are a terminal. On JDK 22 and newer {@code
   * System.console()} is never null, so {@code Console.isTerminal()} decides there.
   */
  @SuppressWarnings("SystemConsoleNull") // checked with isTerminal where the JDK has it
  static @Nullable Console console() {
    Console c = System.console();
    if (c == null) {
      return null;
    }
    try {
      Object terminal = Console.class.getMethod("isTerminal").invoke(c);
      return Boolean.TRUE.equals(terminal) ? c : null;
    } catch (ReflectiveOperationException e) {
      return c; // before JDK 22: a console means a terminal
    }
  }
}
