package io.coderunner.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real disk that turns read-only under the storage, as a disk does after an I/O error: an ext4
 * file system in an image file, on a loop device, mounted with {@code errors=remount-ro}. {@link
 * #failReadOnly()} raises an ext4 error through {@code /sys/fs/ext4/<dev>/trigger_fs_error}, and
 * the kernel remounts the file system read-only with the storage's files open; every write then
 * fails with {@code EROFS}. {@link #repair()} does what an operator does: unmount, {@code e2fsck},
 * mount again. Needs root, a loop device, and e2fsprogs, as CI has.
 */
public final class ReadOnlyDisk implements AutoCloseable {
  /** Where it is mounted. */
  public final Path dir;

  private final Path image;
  private final String device;

  private ReadOnlyDisk(Path dir, Path image, String device) {
    this.dir = dir;
    this.image = image;
    this.device = device;
  }

  /** Makes an ext4 of {@code mebibytes} and mounts it on {@code dir}, created if missing. */
  public static ReadOnlyDisk mount(Path dir, int mebibytes) throws IOException {
    Files.createDirectories(dir);
    Path image = Files.createTempFile("coderunner-disk", ".img");
    try (var f = new java.io.RandomAccessFile(image.toFile(), "rw")) {
      f.setLength((long) mebibytes << 20);
    }
    RootCommands.run("mkfs.ext4", "-q", "-F", image.toString());
    String device = RootCommands.run("losetup", "--find", "--show", image.toString()).trim();
    try {
      RootCommands.run(
          "blockdev", "--setrw", device); // a loop device may keep a read-only flag from before
      RootCommands.run("mount", "-o", "errors=remount-ro", device, dir.toString());
    } catch (IOException | AssertionError e) {
      RootCommands.run("losetup", "-d", device);
      throw e;
    }
    return new ReadOnlyDisk(dir, image, device);
  }

  /** Raises an ext4 error: the kernel remounts the file system read-only, files open or not. */
  public void failReadOnly() throws IOException {
    Path trigger =
        Path.of("/sys/fs/ext4", Path.of(device).getFileName().toString(), "trigger_fs_error");
    Files.writeString(trigger, "coderunner test: the disk fails");
    // The kernel remounts from a work queue, a moment after the error.
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(this::readOnly);
  }

  /** Whether the kernel has it mounted read-only now. */
  public boolean readOnly() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/mounts"), StandardCharsets.UTF_8)) {
      String[] f = line.split(" ", -1);
      if (f.length > 3 && f[1].equals(dir.toString())) {
        List<String> options = List.of(f[3].split(",", -1));
        // ext4 marks an error remount "emergency_ro" on the file system, the mount keeps "rw"
        return options.contains("ro") || options.contains("emergency_ro");
      }
    }
    throw new IOException(dir + " is not mounted");
  }

  /** Unmounts, checks and repairs the file system, and mounts it again, writable. */
  public void repair() throws IOException {
    RootCommands.run("umount", dir.toString());
    RootCommands.run(1, "e2fsck", "-f", "-y", device); // 1: errors were corrected
    RootCommands.run("mount", "-o", "errors=remount-ro", device, dir.toString());
  }

  @Override
  public void close() throws IOException {
    List<String> failed = new ArrayList<>();
    for (String[] step :
        new String[][] {{"umount", "-l", dir.toString()}, {"losetup", "-d", device}}) {
      try {
        RootCommands.run(step);
      } catch (IOException | AssertionError e) {
        failed.add(String.join(" ", step) + ": " + e.getMessage());
      }
    }
    Files.deleteIfExists(image);
    if (!failed.isEmpty()) {
      throw new IOException("could not release the disk: " + failed);
    }
  }
}
