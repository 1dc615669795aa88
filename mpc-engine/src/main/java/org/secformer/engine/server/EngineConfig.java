package org.secformer.engine.server;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The configuration of one engine cluster as every member sees it: the workers of each party (worker k
 * of P0 pairs with worker k of P1 and of the dealer), TLS material and limits. Built and validated by
 * {@link EngineConfigLoader}.
 *
 * @param workers endpoints per role (P0, P1, DEALER), all lists of equal length
 * @param tlsDir folder with ca.crt and role.crt/role.key files
 * @param maxFrameBytes largest frame accepted on any link
 * @param timeoutMillis how long a party waits for a peer, the dealer or a client before failing the job
 * @param modelDir folder of weight-share files, loaded by model id
 * @param fracBits fixed-point fractional bits
 */
public record EngineConfig(
    Map<Role, List<Endpoint>> workers,
    Path tlsDir,
    int maxFrameBytes,
    long timeoutMillis,
    Path modelDir,
    int fracBits) {

  public int workerCount() {
    return workers.get(Role.P0).size();
  }

  public Endpoint endpoint(Role role, int worker) {
    List<Endpoint> list = workers.get(role);
    if (worker < 0 || worker >= list.size()) {
      throw new IllegalArgumentException(
          role.id() + " has " + list.size() + " workers, no worker " + worker);
    }
    return list.get(worker);
  }

  /** The same configuration with other endpoints (tests bind to port 0 and learn real ports). */
  public EngineConfig withWorkers(Map<Role, List<Endpoint>> newWorkers) {
    return new EngineConfig(newWorkers, tlsDir, maxFrameBytes, timeoutMillis, modelDir, fracBits);
  }
}
