package org.secformer.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.secformer.engine.cli.EngineProcesses;
import org.secformer.engine.tls.Role;

/**
 * Ends the embedded default at once when an engine process dies or runs out of heap: the client would
 * otherwise wait for its batch until the engine timeout (minutes). Also stops the engines when this JVM
 * ends for any reason, so no engine outlives the run.
 */
final class EngineWatch {
  private EngineWatch() {}

  static void start(EngineProcesses engines, Path logDir, String heap) {
    Runtime.getRuntime().addShutdownHook(new Thread(engines::close, "stop-engines"));
    Thread t = new Thread(() -> watch(engines, logDir, heap), "engine-watch");
    t.setDaemon(true);
    t.start();
  }

  private static void watch(EngineProcesses engines, Path logDir, String heap) {
    List<Role> roles = List.of(Role.DEALER, Role.P0, Role.P1);
    try {
      while (true) {
        Thread.sleep(2000);
        for (Role role : roles) {
          Path log = logDir.resolve(role.commonName() + ".log");
          String problem = !engines.process(role).isAlive() ? "exited with code " + engines.process(role).exitValue()
              : outOfMemory(log) ? "ran out of memory (heap " + heap + "; raise SECFORMER_ENGINE_HEAP)" : null;
          if (problem != null) {
            System.err.println("run-default failed: engine " + role.commonName() + " " + problem + "; see " + log);
            System.exit(1);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static boolean outOfMemory(Path log) {
    try {
      return Files.exists(log) && Files.readString(log).contains("OutOfMemoryError");
    } catch (IOException e) {
      return false;
    }
  }
}
