package org.secformer.engine.client;

import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.secformer.engine.net.NetOptions;
import org.secformer.engine.net.PeerLinks;
import org.secformer.engine.server.EngineConfig;
import org.secformer.engine.tls.Role;
import org.secformer.engine.tls.TlsConfig;
import org.secformer.shares.control.JobStart;

/**
 * The data owner's and result receiver's entry point (used by Spark executors): TLS links, with the
 * client certificate, to worker k of P0 and of P1 for every worker pair of the cluster. A job started
 * here spreads its batches round-robin over the pairs. Several jobs may run at once on one client.
 */
public final class EngineClient implements AutoCloseable {
  private final EventLoopGroup group;
  private final boolean ownsGroup;
  private final List<PartyConnection[]> pairs;
  private final Duration timeout;
  private final AtomicLong nextSeq = new AtomicLong(1);

  private EngineClient(EventLoopGroup group, boolean ownsGroup, List<PartyConnection[]> pairs, Duration timeout) {
    this.group = group;
    this.ownsGroup = ownsGroup;
    this.pairs = pairs;
    this.timeout = timeout;
  }

  /** Connects to every worker pair named in {@code config} with the client certificate {@code tls}. */
  public static EngineClient connect(EngineConfig config, TlsConfig tls) {
    return connect(config, tls, PeerLinks.newEventLoopGroup(2), true);
  }

  public static EngineClient connect(EngineConfig config, TlsConfig tls, EventLoopGroup group, boolean ownsGroup) {
    if (tls.role() != Role.CLIENT) {
      throw new IllegalArgumentException("the engine client needs the client certificate, got " + tls.role());
    }
    NetOptions options = config.netOptions();
    List<PartyConnection[]> pairs = new ArrayList<>();
    try {
      for (int k = 0; k < config.workerCount(); k++) {
        pairs.add(new PartyConnection[] {
          PartyConnection.open(group, tls, Role.P0, config.endpoint(Role.P0, k), options),
          PartyConnection.open(group, tls, Role.P1, config.endpoint(Role.P1, k), options)
        });
      }
    } catch (RuntimeException e) {
      pairs.forEach(p -> { p[0].close(); p[1].close(); });
      if (ownsGroup) {
        group.shutdownGracefully();
      }
      throw e;
    }
    return new EngineClient(group, ownsGroup, pairs, Duration.ofMillis(config.timeoutMillis()));
  }

  /** Whether every link to the parties is still up (a job that failed may have failed for other reasons). */
  public boolean isOpen() {
    return pairs.stream().allMatch(p -> p[0].isOpen() && p[1].isOpen());
  }

  public int workerPairs() {
    return pairs.size();
  }

  /** Starts a job on every worker pair and waits until both parties of each have accepted it. */
  public ClientJob startJob(JobStart spec) {
    return ClientJob.start(spec, pairs, timeout, nextSeq);
  }

  @Override
  public void close() {
    for (PartyConnection[] p : pairs) {
      p[0].close();
      p[1].close();
    }
    if (ownsGroup) {
      group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}
