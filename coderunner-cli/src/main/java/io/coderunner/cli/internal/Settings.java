package io.coderunner.cli.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code coderunner login} keeps: the token and the server, each in a file of mode 600 in
 * {@code $XDG_CONFIG_HOME/coderunner/} (default {@code ~/.config/coderunner/}, mode 700).
 */
final class Settings {
  private final Path dir;

  private Settings(Path dir) {
    this.dir = dir;
  }

  static Settings of(Map<String, String> env) {
    String xdg = env.get("XDG_CONFIG_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".config");
    return new Settings(base.resolve("coderunner"));
  }

  Path tokenFile() {
    return dir.resolve("token");
  }

  Optional<String> token() {
    return read("token");
  }

  Optional<String> server() {
    return read("server");
  }

  void save(String server, String token) {
    try {
      if (!Files.isDirectory(dir)) {
        try {
          Files.createDirectories(
              dir,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
          // made meanwhile
        }
      }
      write("server", server);
      write("token", token);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "could not save the login in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Writes through a private temporary file and a rename, so no reader sees half a token. */
  private void write(String name, String value) throws IOException {
    Path tmp =
        Files.createTempFile(
            dir,
            "." + name,
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.writeString(tmp, value + "\n", StandardCharsets.UTF_8);
      Files.move(
          tmp,
          dir.resolve(name),
          StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private Optional<String> read(String name) {
    Path p = dir.resolve(name);
    if (!Files.isRegularFile(p)) {
      return Optional.empty();
    }
    try {
      String v = Files.readString(p, StandardCharsets.UTF_8).strip();
      return v.isEmpty() ? Optional.empty() : Optional.of(v);
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
