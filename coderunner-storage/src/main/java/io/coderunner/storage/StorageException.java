package io.coderunner.storage;

import io.coderunner.core.CodeRunnerException;
import org.jspecify.annotations.Nullable;

/**
 * The data directory cannot be used or written: it is locked by another server, was written by a
 * newer version, or the disk refused a write (full, read-only, failing). The message says which and
 * names the directory.
 */
public class StorageException extends CodeRunnerException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed, naming the data directory
   * @param cause the engine's or the file system's error, if any
   */
  public StorageException(String message, @Nullable Throwable cause) {
    super(message);
    if (cause != null) {
      initCause(cause);
    }
  }

  /**
   * @param message what failed, naming the data directory
   */
  public StorageException(String message) {
    super(message);
  }
}
