package org.secformer.engine.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.secformer.engine.server.EngineConfigLoader;

/** Writes an engine configuration for {@code workers} workers per party on free loopback ports. */
public final class LoopbackConf {
  private LoopbackConf() {}

  public static Path write(Path file, int workers, Path tlsDir, Path modelDir, long timeoutMillis) throws IOException {
    List<Integer> ports = freePorts(4 * workers);
    String lines = String.join("\n",
        "# generated for processes on loopback",
        EngineConfigLoader.P0_WORKERS + "=" + endpoints(ports.subList(0, workers)),
        EngineConfigLoader.P0_PEER_PORTS + "=" + ports.subList(workers, 2 * workers).stream().map(String::valueOf).collect(Collectors.joining(",")),
        EngineConfigLoader.P1_WORKERS + "=" + endpoints(ports.subList(2 * workers, 3 * workers)),
        EngineConfigLoader.DEALER_WORKERS + "=" + endpoints(ports.subList(3 * workers, 4 * workers)),
        EngineConfigLoader.TLS_DIR + "=" + tlsDir.toAbsolutePath(),
        EngineConfigLoader.MODEL_DIR + "=" + modelDir.toAbsolutePath(),
        EngineConfigLoader.TIMEOUT_MS + "=" + timeoutMillis,
        "");
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, lines);
    return file;
  }

  private static String endpoints(List<Integer> ports) {
    return ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
  }

  /** Ports the OS reports free now; all sockets are held until every port is chosen so none repeats. */
  private static List<Integer> freePorts(int n) throws IOException {
    List<ServerSocket> held = new ArrayList<>();
    try {
      List<Integer> out = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        held.add(s);
        out.add(s.getLocalPort());
      }
      return out;
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
  }
}
