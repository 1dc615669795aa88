package org.secformer.engine.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.secformer.engine.tls.Role;

/**
 * Starts the dealer, P0 and P1 as separate JVMs running {@code engine serve}, each with its own log
 * file, and waits until each prints that it is ready. Used by the demo, the embedded default and by tests
 * that need real process boundaries. Each engine's heap is the system property {@value #HEAP_PROPERTY}
 * (default {@value #DEFAULT_HEAP}; a MiniLM classifier needs about 3g).
 */
public final class EngineProcesses implements AutoCloseable {
  /** JVM flags every engine process needs: Arrow reads buffers through java.nio internals. */
  public static final List<String> JVM_FLAGS = List.of(
      "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "-Dio.netty.tryReflectionSetAccessible=true",
      "-Dlog4j2.configurationFile=secformer-engine-log4j2.xml");
  /** System property naming each engine process's maximum heap, in java -Xmx syntax. */
  public static final String HEAP_PROPERTY = "secformer.engine.heap";
  public static final String DEFAULT_HEAP = "1g";

  private static final List<Role> ORDER = List.of(Role.DEALER, Role.P0, Role.P1);

  private final List<Process> processes = new ArrayList<>();
  private final Path confFile;
  private final Path logDir;
  private int restarts;

  private EngineProcesses(Path confFile, Path logDir) {
    this.confFile = confFile;
    this.logDir = logDir;
  }

  public static EngineProcesses start(Path confFile, Path logDir, long readyTimeoutMillis) throws IOException {
    Files.createDirectories(logDir);
    EngineProcesses p = new EngineProcesses(confFile, logDir);
    try {
      for (Role role : ORDER) {
        p.processes.add(p.launch(role, logDir.resolve(role.commonName() + ".log"), readyTimeoutMillis));
      }
      return p;
    } catch (IOException | RuntimeException e) {
      p.close();
      throw e;
    }
  }

  /**
   * Starts {@code role}'s engine again after its process ended (a fault test killed it), on the same
   * endpoints, logging to a new file {@code <role>.<n>.log} so the old log stays readable; returns that log.
   */
  public synchronized Path restart(Role role, long readyTimeoutMillis) throws IOException {
    Process old = process(role);
    if (old.isAlive()) {
      throw new IllegalStateException(role + " engine is still running (pid " + old.pid() + ")");
    }
    Path log = logDir.resolve(role.commonName() + "." + (++restarts) + ".log");
    Process proc = launch(role, log, readyTimeoutMillis);
    processes.set(ORDER.indexOf(role), proc);
    return log;
  }

  private Process launch(Role role, Path log, long readyTimeoutMillis) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(JVM_FLAGS);
    cmd.add("-Xmx" + heap());
    cmd.add("-cp");
    cmd.add(classPath());
    cmd.add(EngineMain.class.getName());
    cmd.addAll(List.of("serve", "--role", role.commonName(), "--conf", confFile.toString()));
    Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      awaitReady(proc, log, role, readyTimeoutMillis);
    } catch (RuntimeException e) {
      proc.destroyForcibly();
      throw e;
    }
    return proc;
  }

  static String heap() {
    String heap = System.getProperty(HEAP_PROPERTY, DEFAULT_HEAP).trim();
    if (!heap.matches("[0-9]+[kKmMgG]?")) {
      throw new IllegalArgumentException(HEAP_PROPERTY + " must be a heap size such as 1g or 3072m, got '" + heap + "'");
    }
    return heap;
  }

  /** The classpath of this JVM (surefire runs tests from a manifest-only jar and publishes the real one). */
  static String classPath() {
    String surefire = System.getProperty("surefire.test.class.path");
    return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
  }

  private static void awaitReady(Process proc, Path log, Role role, long timeoutMillis) throws IOException {
    long end = System.nanoTime() + timeoutMillis * 1_000_000;
    while (System.nanoTime() < end) {
      String text = Files.exists(log) ? Files.readString(log) : "";
      if (text.contains(role + " ready")) {
        return;
      }
      if (!proc.isAlive()) {
        throw new IllegalStateException(role + " engine exited with code " + proc.exitValue() + "; its log "
            + log + " ends with:\n" + tail(text));
      }
      try {
        TimeUnit.MILLISECONDS.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for " + role, e);
      }
    }
    throw new IllegalStateException(role + " engine did not get ready within " + timeoutMillis + " ms; see " + log);
  }

  private static String tail(String text) {
    String[] lines = text.split("\n");
    return String.join("\n", java.util.Arrays.asList(lines).subList(Math.max(0, lines.length - 15), lines.length));
  }

  /** The process of {@code role} (dealer, p0 or p1 in start order). */
  public synchronized Process process(Role role) {
    return processes.get(ORDER.indexOf(role));
  }

  @Override
  public synchronized void close() {
    for (Process proc : processes) {
      proc.destroy();
    }
    for (Process proc : processes) {
      try {
        if (!proc.waitFor(10, TimeUnit.SECONDS)) {
          proc.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        proc.destroyForcibly();
      }
    }
  }
}
