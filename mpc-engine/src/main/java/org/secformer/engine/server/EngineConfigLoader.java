package org.secformer.engine.server;

import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.secformer.engine.net.NetworkEmulation;
import org.secformer.engine.tls.Role;

/**
 * Reads an {@link EngineConfig}. Precedence: JVM system property > properties file > default; defaults
 * are filled here and nowhere else, and mandatory keys are checked at start-up with messages that name
 * the key. Relative paths are resolved against the properties file's folder.
 */
public final class EngineConfigLoader {
  public static final String PREFIX = "secformer.engine.";
  public static final String P0_WORKERS = PREFIX + "p0.workers";
  public static final String P1_WORKERS = PREFIX + "p1.workers";
  public static final String DEALER_WORKERS = PREFIX + "dealer.workers";
  /** Comma-separated ports where P0's workers listen for P1; default: each P0 worker's port + 1. */
  public static final String P0_PEER_PORTS = PREFIX + "p0.peer.ports";
  public static final String TLS_DIR = PREFIX + "tls.dir";
  public static final String MAX_FRAME_BYTES = PREFIX + "max.frame.bytes";
  public static final String TIMEOUT_MS = PREFIX + "timeout.ms";
  public static final String MODEL_DIR = PREFIX + "model.dir";
  public static final String FRAC_BITS = PREFIX + "frac.bits";
  /** Emulated network between P0 and P1 (demos, benchmarks): none (default), lan or wan. */
  public static final String NET_EMULATE = PREFIX + "net.emulate";
  /** Emulated bandwidth in Mbit/s (decimal), overriding the preset's; 0 = unlimited. */
  public static final String NET_EMULATE_MBPS = PREFIX + "net.emulate.mbps";
  /** Emulated one-way delay in milliseconds (decimal), overriding the preset's. */
  public static final String NET_EMULATE_DELAY_MS = PREFIX + "net.emulate.delay.ms";

  static final int DEFAULT_MAX_FRAME_BYTES = 64 << 20;
  static final long DEFAULT_TIMEOUT_MS = 60_000;
  static final int DEFAULT_FRAC_BITS = 16;

  private EngineConfigLoader() {}

  public static EngineConfig load(Path propertiesFile) {
    Properties file = new Properties();
    try (Reader r = Files.newBufferedReader(propertiesFile, StandardCharsets.UTF_8)) {
      file.load(r);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read engine configuration " + propertiesFile + ": " + e.getMessage(), e);
    }
    Path base = propertiesFile.toAbsolutePath().getParent();
    return fromProperties(file, base);
  }

  /** Writes {@code config} as a properties file that {@link #load} reads back (paths made absolute). */
  public static Path write(EngineConfig config, Path file) throws IOException {
    StringBuilder b = new StringBuilder("# written by EngineConfigLoader.write\n");
    b.append(P0_WORKERS).append('=').append(joined(config.workers().get(Role.P0))).append('\n');
    b.append(P1_WORKERS).append('=').append(joined(config.workers().get(Role.P1))).append('\n');
    b.append(DEALER_WORKERS).append('=').append(joined(config.workers().get(Role.DEALER))).append('\n');
    b.append(P0_PEER_PORTS).append('=').append(config.p0PeerPorts().stream().map(String::valueOf)
        .collect(java.util.stream.Collectors.joining(","))).append('\n');
    b.append(TLS_DIR).append('=').append(escape(config.tlsDir().toAbsolutePath().toString())).append('\n');
    b.append(MODEL_DIR).append('=').append(escape(config.modelDir().toAbsolutePath().toString())).append('\n');
    b.append(MAX_FRAME_BYTES).append('=').append(config.maxFrameBytes()).append('\n');
    b.append(TIMEOUT_MS).append('=').append(config.timeoutMillis()).append('\n');
    b.append(FRAC_BITS).append('=').append(config.fracBits()).append('\n');
    if (config.emulation().enabled()) {
      NetworkEmulation e = config.emulation();
      b.append(NET_EMULATE_MBPS).append('=').append(new BigDecimal(e.bitsPerSecond()).movePointLeft(6).toPlainString())
          .append('\n');
      b.append(NET_EMULATE_DELAY_MS).append('=')
          .append(new BigDecimal(e.oneWayDelay().toNanos()).movePointLeft(6).toPlainString()).append('\n');
    }
    Path abs = file.toAbsolutePath();
    Files.createDirectories(abs.getParent());
    Files.writeString(abs, b.toString(), StandardCharsets.UTF_8);
    return abs;
  }

  private static String joined(List<Endpoint> endpoints) {
    return endpoints.stream().map(e -> e.host() + ":" + e.port()).collect(java.util.stream.Collectors.joining(","));
  }

  private static String escape(String path) {
    return path.replace("\\", "\\\\");
  }

  public static EngineConfig fromProperties(Properties file, Path base) {
    Map<Role, List<Endpoint>> workers = new EnumMap<>(Role.class);
    workers.put(Role.P0, endpoints(file, P0_WORKERS));
    workers.put(Role.P1, endpoints(file, P1_WORKERS));
    workers.put(Role.DEALER, endpoints(file, DEALER_WORKERS));
    int n = workers.get(Role.P0).size();
    for (Map.Entry<Role, List<Endpoint>> e : workers.entrySet()) {
      if (e.getValue().size() != n) {
        throw new IllegalArgumentException(
            "every party needs the same number of workers: p0 has " + n + ", " + e.getKey().commonName()
                + " has " + e.getValue().size());
      }
    }
    List<Integer> peerPorts = new ArrayList<>();
    String explicit = value(file, P0_PEER_PORTS, null);
    if (explicit == null) {
      workers.get(Role.P0).forEach(e -> peerPorts.add(e.port() + 1));
    } else {
      for (String part : explicit.split(",")) {
        try {
          peerPorts.add(Endpoint.parse("h:" + part.trim()).port());
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(P0_PEER_PORTS + ": '" + part.trim() + "' is not a port", e);
        }
      }
      if (peerPorts.size() != n) {
        throw new IllegalArgumentException(P0_PEER_PORTS + " lists " + peerPorts.size() + " ports for " + n + " workers");
      }
    }
    Path tls = base.resolve(require(file, TLS_DIR));
    Path models = base.resolve(value(file, MODEL_DIR, "models"));
    int maxFrame = intValue(file, MAX_FRAME_BYTES, DEFAULT_MAX_FRAME_BYTES, 1024, Integer.MAX_VALUE);
    long timeout = intValue(file, TIMEOUT_MS, (int) DEFAULT_TIMEOUT_MS, 100, Integer.MAX_VALUE);
    int fracBits = intValue(file, FRAC_BITS, DEFAULT_FRAC_BITS, 1, 40);
    return new EngineConfig(workers, peerPorts, tls, maxFrame, timeout, models, fracBits, emulation(file));
  }

  /** The preset of {@link #NET_EMULATE}, with bandwidth or delay replaced where their own keys are set. */
  static NetworkEmulation emulation(Properties file) {
    String preset = value(file, NET_EMULATE, "none");
    NetworkEmulation e;
    try {
      e = NetworkEmulation.preset(preset);
    } catch (IllegalArgumentException x) {
      throw new IllegalArgumentException(NET_EMULATE + "=" + preset + ": " + x.getMessage(), x);
    }
    BigDecimal mbps = decimal(file, NET_EMULATE_MBPS);
    if (mbps != null) {
      e = e.withBitsPerSecond(mbps.movePointRight(6).setScale(0, RoundingMode.HALF_UP).longValueExact());
    }
    BigDecimal delayMs = decimal(file, NET_EMULATE_DELAY_MS);
    if (delayMs != null) {
      if (delayMs.compareTo(new BigDecimal(10_000)) > 0) {
        throw new IllegalArgumentException(NET_EMULATE_DELAY_MS + "=" + delayMs + " is above 10000 ms");
      }
      e = e.withOneWayDelay(Duration.ofNanos(delayMs.movePointRight(6).setScale(0, RoundingMode.HALF_UP).longValueExact()));
    }
    return e;
  }

  private static BigDecimal decimal(Properties file, String key) {
    String v = value(file, key, null);
    if (v == null) {
      return null;
    }
    BigDecimal d;
    try {
      d = new BigDecimal(v);
    } catch (NumberFormatException x) {
      throw new IllegalArgumentException(key + "=" + v + " is not a number", x);
    }
    if (d.signum() < 0 || d.compareTo(new BigDecimal("1e9")) > 0) {
      throw new IllegalArgumentException(key + "=" + v + " is outside [0, 1e9]");
    }
    return d;
  }

  private static String value(Properties file, String key, String fallback) {
    String sys = System.getProperty(key);
    if (sys != null && !sys.isBlank()) {
      return sys.trim();
    }
    String v = file.getProperty(key);
    return v == null || v.isBlank() ? fallback : v.trim();
  }

  private static String require(Properties file, String key) {
    String v = value(file, key, null);
    if (v == null) {
      throw new IllegalArgumentException("missing configuration key " + key);
    }
    return v;
  }

  private static int intValue(Properties file, String key, int fallback, int min, int max) {
    String v = value(file, key, null);
    if (v == null) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(v);
      if (parsed < min || parsed > max) {
        throw new IllegalArgumentException(key + "=" + v + " is outside [" + min + ", " + max + "]");
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + "=" + v + " is not an integer", e);
    }
  }

  private static List<Endpoint> endpoints(Properties file, String key) {
    List<Endpoint> out = new ArrayList<>();
    for (String part : require(file, key).split(",")) {
      if (!part.isBlank()) {
        try {
          out.add(Endpoint.parse(part));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
        }
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(key + " lists no worker");
    }
    return out;
  }
}
