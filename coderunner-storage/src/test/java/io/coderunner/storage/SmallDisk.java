package io.coderunner.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real, small file system: a tmpfs of a few MiB mounted on a temporary directory (this needs
 * root, as CI runs), so that a test can fill it and see what the storage does when the disk refuses
 * writes.
 */
public final class SmallDisk implements AutoCloseable {
  /** Where it is mounted. */
  public final Path dir;

  private SmallDisk(Path dir) {
    this.dir = dir;
  }

  /** Mounts a tmpfs of {@code mebibytes} on {@code dir}, created if missing. */
  public static SmallDisk mount(Path dir, int mebibytes) throws IOException {
    Files.createDirectories(dir);
    RootCommands.run(
        "mount", "-t", "tmpfs", "-o", "size=" + mebibytes + "m", "tmpfs", dir.toString());
    return new SmallDisk(dir);
  }

  /** Fills the volume, leaving about {@code keepBytes} free; the filler is {@code dir/filler}. */
  public Path fill(long keepBytes) throws IOException {
    return fill(keepBytes, "filler");
  }

  /** As {@link #fill(long)}, into {@code dir/name}; with 0, up to the last block. */
  public Path fill(long keepBytes, String name) throws IOException {
    Path filler = dir.resolve(name);
    long free = dir.toFile().getUsableSpace();
    byte[] block = new byte[64 * 1024];
    try (var out = Files.newOutputStream(filler)) {
      for (long written = 0; written < free - keepBytes; written += block.length) {
        out.write(block);
      }
    } catch (IOException e) {
      if (keepBytes > 0) {
        throw e; // full before it should be
      }
    }
    return filler;
  }

  @Override
  public void close() throws IOException {
    RootCommands.run("umount", "-l", dir.toString());
  }
}
