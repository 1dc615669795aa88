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

  /**
   * The 1, 5 and 15 minute load averages now ("" where unknown): times measured while other work shares the
   * cores are slower than the machine can do, and the report says so.
   */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }
}
