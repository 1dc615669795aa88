package org.secformer.jobs.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The machine the figures come from, printed with them. */
record Machine(int cores, String cpu, String jdk, String os, long maxHeapBytes) {
  static Machine current() {
    return new Machine(Runtime.getRuntime().availableProcessors(), cpuModel(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
        System.getProperty("os.name") + " " + System.getProperty("os.arch"), Runtime.getRuntime().maxMemory());
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst().orElse("unknown");
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  String describe() {
    return String.format(Locale.ROOT, "%d cores (%s), %s, %s, heap %.0f GB", cores, cpu, jdk, os,
        maxHeapBytes / (double) (1L << 30));
  }
}
