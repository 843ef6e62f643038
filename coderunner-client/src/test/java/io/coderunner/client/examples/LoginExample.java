package io.coderunner.client.examples;

import io.coderunner.client.CodeRunnerClient;
import io.coderunner.client.Session;
import io.coderunner.core.Principal;
import java.net.URI;

/** docs/client.md, "Log in": {@code LoginExample http://127.0.0.1:8080 demo demo}. */
public final class LoginExample {
  private LoginExample() {}

  public static void main(String[] args) {
    System.out.println(run(URI.create(args[0]), args[1], args[2].toCharArray()));
  }

  static Principal run(URI server, String user, char[] password) {
    // example:start
    try (CodeRunnerClient anonymous = CodeRunnerClient.builder().baseUri(server).build()) {
      Session session = anonymous.login(user, password);
      System.out.println(session.user().username() + " until " + session.expiresAt());
    }
    // A client that logs in by itself, and again before its token expires:
    try (CodeRunnerClient client =
        CodeRunnerClient.builder().baseUri(server).login(user, password).build()) {
      return client.profile();
    }
    // example:end
  }
}
