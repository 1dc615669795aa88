package org.secformer.engine.server;

import io.netty.channel.EventLoopGroup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.secformer.engine.dealer.DealerServer;
import org.secformer.engine.net.NetOptions;
import org.secformer.engine.net.NetworkEmulation;
import org.secformer.engine.net.PeerLinks;
import org.secformer.engine.tls.Role;
import org.secformer.engine.tls.TlsConfig;

/**
 * All three parties, {@code workers} workers each, in this JVM on loopback ports chosen by the OS, with
 * real mutual TLS between them: for tests, benchmarks and the embedded default. The resulting {@link
 * #config()} names the real ports, so a client connects exactly as it would to separate processes.
 */
public final class LocalCluster implements AutoCloseable {
  private final EventLoopGroup group;
  private final List<DealerServer> dealers = new ArrayList<>();
  private final List<PartyServer> parties = new ArrayList<>();
  private EngineConfig config;

  private LocalCluster(EventLoopGroup group) {
    this.group = group;
  }

  /**
   * Starts the cluster. {@code certDir} holds the CA and the p0/p1/dealer certificates; models are read
   * from {@code modelDir}.
   */
  public static LocalCluster start(Path certDir, Path modelDir, int workers, Duration timeout) {
    return start(certDir, modelDir, workers, timeout, NetworkEmulation.NONE);
  }

  /** As {@link #start(Path, Path, int, Duration)} with {@code emulation} on every P0&lt;-&gt;P1 link. */
  public static LocalCluster start(Path certDir, Path modelDir, int workers, Duration timeout,
      NetworkEmulation emulation) {
    LocalCluster c = new LocalCluster(PeerLinks.newEventLoopGroup(Math.max(2, workers * 2)));
    try {
      Map<Role, List<Endpoint>> eps = new EnumMap<>(Role.class);
      List<Integer> peerPorts = new ArrayList<>();
      for (Role r : List.of(Role.P0, Role.P1, Role.DEALER)) {
        List<Endpoint> list = new ArrayList<>();
        for (int k = 0; k < workers; k++) {
          list.add(new Endpoint("127.0.0.1", 0));
          peerPorts.add(0);
        }
        eps.put(r, list);
      }
      EngineConfig base = new EngineConfig(eps, peerPorts.subList(0, workers), certDir,
          64 << 20, timeout.toMillis(), modelDir, 16, emulation);
      NetOptions options = base.netOptions();
      List<Endpoint> dealerEps = new ArrayList<>();
      for (int k = 0; k < workers; k++) {
        DealerServer d = DealerServer.start(c.group, TlsConfig.forRole(certDir, Role.DEALER), "127.0.0.1", 0, options, 64);
        c.dealers.add(d);
        dealerEps.add(new Endpoint("127.0.0.1", d.port()));
      }
      eps.put(Role.DEALER, dealerEps);
      EngineConfig withDealers = base.withWorkers(eps, base.p0PeerPorts());
      List<Endpoint> p0Eps = new ArrayList<>();
      List<Integer> p0Peers = new ArrayList<>();
      for (int k = 0; k < workers; k++) {
        PartyServer p0 = PartyServer.start(Role.P0, k, withDealers, TlsConfig.forRole(certDir, Role.P0), c.group);
        c.parties.add(p0);
        p0Eps.add(new Endpoint("127.0.0.1", p0.clientPort()));
        p0Peers.add(p0.peerPort());
      }
      eps.put(Role.P0, p0Eps);
      EngineConfig withP0 = withDealers.withWorkers(eps, p0Peers);
      List<Endpoint> p1Eps = new ArrayList<>();
      for (int k = 0; k < workers; k++) {
        PartyServer p1 = PartyServer.start(Role.P1, k, withP0, TlsConfig.forRole(certDir, Role.P1), c.group);
        c.parties.add(p1);
        p1Eps.add(new Endpoint("127.0.0.1", p1.clientPort()));
      }
      eps.put(Role.P1, p1Eps);
      c.config = withP0.withWorkers(eps, p0Peers);
      return c;
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /** The configuration a client uses to reach this cluster. */
  public EngineConfig config() {
    return config;
  }

  public List<PartyServer> parties() {
    return parties;
  }

  public List<DealerServer> dealers() {
    return dealers;
  }

  @Override
  public void close() {
    parties.forEach(PartyServer::close);
    dealers.forEach(DealerServer::close);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
