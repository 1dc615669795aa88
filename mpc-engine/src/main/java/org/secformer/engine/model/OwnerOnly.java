package org.secformer.engine.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Share and key files are readable by their owner only. */
public final class OwnerOnly {
  private OwnerOnly() {}

  /**
   * Creates {@code file} (which must not exist) readable and writable by its owner only from the start,
   * so its contents are never visible to others, not even between writing and restricting.
   */
  public static void createFile(Path file) throws IOException {
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: the operator must protect the folder instead.
      Files.createFile(file);
    }
  }

  public static void restrict(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: the operator must protect the folder instead.
    }
  }
}
