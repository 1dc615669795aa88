package org.secformer.engine.server;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.secformer.engine.net.NetOptions;
import org.secformer.engine.net.NetworkEmulation;
import org.secformer.engine.tls.Role;

/**
 * The configuration of one engine cluster as every member sees it: the workers of each party (worker k
 * of P0 pairs with worker k of P1 and of the dealer), TLS material and limits. Built and validated by
 * {@link EngineConfigLoader}.
 *
 * @param workers endpoints per role (P0, P1, DEALER), all lists of equal length
 * @param p0PeerPorts for each worker of P0, the port where it listens for P1's links
 * @param tlsDir folder with ca.crt and role.crt/role.key files
 * @param maxFrameBytes largest frame accepted on any link
 * @param timeoutMillis how long a party waits for a peer, the dealer or a client before failing the job
 * @param modelDir folder of weight-share files, loaded by model id
 * @param fracBits fixed-point fractional bits
 * @param emulation emulated network on the P0&lt;-&gt;P1 links, for demos and benchmarks (default none)
 */
public record EngineConfig(
    Map<Role, List<Endpoint>> workers,
    List<Integer> p0PeerPorts,
    Path tlsDir,
    int maxFrameBytes,
    long timeoutMillis,
    Path modelDir,
    int fracBits,
    NetworkEmulation emulation) {

  public EngineConfig {
    java.util.Objects.requireNonNull(emulation, "emulation");
  }

  /** Without network emulation. */
  public EngineConfig(Map<Role, List<Endpoint>> workers, List<Integer> p0PeerPorts, Path tlsDir, int maxFrameBytes,
      long timeoutMillis, Path modelDir, int fracBits) {
    this(workers, p0PeerPorts, tlsDir, maxFrameBytes, timeoutMillis, modelDir, fracBits, NetworkEmulation.NONE);
  }

  public int workerCount() {
    return workers.get(Role.P0).size();
  }

  public Endpoint endpoint(Role role, int worker) {
    List<Endpoint> list = workers.get(role);
    if (worker < 0 || worker >= list.size()) {
      throw new IllegalArgumentException(
          role.commonName() + " has " + list.size() + " workers, no worker " + worker);
    }
    return list.get(worker);
  }

  /**
   * The link options every member of this cluster uses: its frame limit, timeout and network emulation
   * on the defaults.
   */
  public NetOptions netOptions() {
    return NetOptions.defaults()
        .withMaxFrameBytes(maxFrameBytes)
        .withExchangeTimeout(java.time.Duration.ofMillis(timeoutMillis))
        .withEmulation(emulation);
  }

  /** Where P1's worker {@code worker} reaches P0's worker for the job links. */
  public Endpoint p0PeerEndpoint(int worker) {
    return new Endpoint(endpoint(Role.P0, worker).host(), p0PeerPorts.get(worker));
  }

  /** The same configuration with other endpoints (tests bind to port 0 and learn real ports). */
  public EngineConfig withWorkers(Map<Role, List<Endpoint>> newWorkers, List<Integer> newPeerPorts) {
    return new EngineConfig(newWorkers, newPeerPorts, tlsDir, maxFrameBytes, timeoutMillis, modelDir, fracBits,
        emulation);
  }

  /** The same configuration with another emulated network between P0 and P1. */
  public EngineConfig withEmulation(NetworkEmulation newEmulation) {
    return new EngineConfig(workers, p0PeerPorts, tlsDir, maxFrameBytes, timeoutMillis, modelDir, fracBits,
        newEmulation);
  }
}
