package org.secformer.engine.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The {@code --out FILE} of the bench commands: writes their markdown there when asked, and says where. */
final class ReportFile {
  private ReportFile() {}

  static void writeIfAsked(String file, String markdown, PrintStream out) {
    if (file == null) {
      return;
    }
    try {
      Files.writeString(Path.of(file), markdown, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    out.println("wrote " + Path.of(file).toAbsolutePath());
  }
}
