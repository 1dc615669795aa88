package org.secformer.engine.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Stream;
import org.secformer.engine.comm.InMemoryPeers;
import org.secformer.engine.comm.PeerChannel;
import org.secformer.engine.dealer.CorrelationSource;
import org.secformer.engine.dealer.LocalDealer;
import org.secformer.engine.net.NetOptions;
import org.secformer.engine.net.NetworkEmulation;
import org.secformer.engine.net.PeerLinks;
import org.secformer.engine.protocol.MpcContext;
import org.secformer.engine.tls.CertTool;
import org.secformer.shares.fxp.FixedPoint;

/**
 * Runs P0 and P1 as two threads of this JVM over in-memory links with an in-process dealer (like SPU's
 * simulate): the same protocol code as the engines, without sockets or TLS. For tests, the accuracy
 * reports and the model benchmarks; traffic is counted exactly as on the network. {@link #runOverTls}
 * puts a real mutual-TLS loopback link between the two, optionally under an emulated network.
 */
public final class InProcessParties {
  private InProcessParties() {}

  /** Result of each party plus its context (for traffic checks). */
  public record Run<T>(List<T> results, List<MpcContext> contexts) {
    public T result(int party) {
      return results.get(party);
    }

    public MpcContext context(int party) {
      return contexts.get(party);
    }
  }

  /**
   * How P0 and P1 talk in a run: in-memory links, or a real mutual-TLS loopback link with an emulated
   * network ({@link NetworkEmulation#NONE} for the bare link).
   */
  public record Transport(boolean tls, NetworkEmulation emulation) {
    public static final Transport IN_MEMORY = new Transport(false, NetworkEmulation.NONE);

    public Transport {
      java.util.Objects.requireNonNull(emulation, "emulation");
      if (!tls && emulation.enabled()) {
        throw new IllegalArgumentException("an emulated network needs the TLS link");
      }
    }

    public static Transport tls(NetworkEmulation emulation) {
      return new Transport(true, emulation);
    }

    /** {@code memory}, {@code tls} (bare loopback), {@code lan} or {@code wan}. */
    public static Transport parse(String name) {
      return switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
        case "memory" -> IN_MEMORY;
        case "tls" -> tls(NetworkEmulation.NONE);
        case "lan" -> tls(NetworkEmulation.LAN);
        case "wan" -> tls(NetworkEmulation.WAN);
        default -> throw new IllegalArgumentException("unknown link '" + name + "'; use memory, tls, lan or wan");
      };
    }

    /** E.g. {@code in-memory}, {@code TLS loopback}, {@code TLS loopback, 1 Gbps, 20 ms one way}. */
    @Override
    public String toString() {
      return !tls ? "in-memory" : emulation.enabled() ? "TLS loopback, " + emulation : "TLS loopback";
    }
  }

  public static <T> Run<T> run(Function<MpcContext, T> body) {
    return run("in-process", FixedPoint.defaults(), 30_000, body);
  }

  /**
   * Runs body at both parties under a fresh dealer job {@code jobId} at the given fixed point; a party
   * waits at most {@code timeoutMillis} for the other's message or for dealer material.
   */
  public static <T> Run<T> run(String jobId, FixedPoint fxp, long timeoutMillis, Function<MpcContext, T> body) {
    PeerChannel[] peers = InMemoryPeers.pair(timeoutMillis);
    LocalDealer dealer = new LocalDealer(jobId);
    List<MpcContext> ctxs = new ArrayList<>();
    for (int p = 0; p < 2; p++) {
      CorrelationSource source = new CorrelationSource(p, dealer.link(p), peers[p].stats(), timeoutMillis);
      ctxs.add(new MpcContext(peers[p], source, fxp));
    }
    return runOn(ctxs, body);
  }

  /** {@link #run(String, FixedPoint, long, Function)} or {@link #runOverTls}, as {@code transport} says. */
  public static <T> Run<T> run(String jobId, FixedPoint fxp, long timeoutMillis, Transport transport,
      Function<MpcContext, T> body) {
    return transport.tls()
        ? runOverTls(jobId, fxp, timeoutMillis, transport.emulation(), body)
        : run(jobId, fxp, timeoutMillis, body);
  }

  /**
   * As {@link #run(String, FixedPoint, long, Function)} but P0 and P1 talk over a real mutual-TLS link on
   * loopback ({@link PeerLinks#loopback}), with {@code emulation} between them; the dealer stays in-process.
   * Certificates are generated into a temporary folder, deleted afterwards. The link is closed when the
   * run ends; the contexts' traffic counts stay readable.
   */
  public static <T> Run<T> runOverTls(String jobId, FixedPoint fxp, long timeoutMillis, NetworkEmulation emulation,
      Function<MpcContext, T> body) {
    Path certs;
    try {
      certs = Files.createTempDirectory("secformer-link-certs");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary folder for the link certificates", e);
    }
    try {
      CertTool.generate(certs, Duration.ofDays(1));
      NetOptions options = NetOptions.defaults()
          .withExchangeTimeout(Duration.ofMillis(timeoutMillis))
          .withEmulation(emulation);
      try (PeerLinks links = PeerLinks.loopback(certs, jobId, options)) {
        LocalDealer dealer = new LocalDealer(jobId);
        List<MpcContext> ctxs = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
          PeerChannel peer = links.party(p);
          ctxs.add(new MpcContext(peer, new CorrelationSource(p, dealer.link(p), peer.stats(), timeoutMillis), fxp));
        }
        return runOn(ctxs, body);
      }
    } finally {
      deleteTree(certs);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a leftover temporary folder of test certificates is harmless
    }
  }

  /**
   * Runs body at each context on its own thread. The first party to fail fails the run at once with its
   * own error (the other, which would otherwise wait for the failed one until its timeout, is interrupted).
   */
  public static <T> Run<T> runOn(List<MpcContext> ctxs, Function<MpcContext, T> body) {
    ExecutorService pool = Executors.newFixedThreadPool(ctxs.size());
    try {
      ExecutorCompletionService<T> done = new ExecutorCompletionService<>(pool);
      Map<Future<T>, Integer> index = new HashMap<>();
      for (int i = 0; i < ctxs.size(); i++) {
        MpcContext c = ctxs.get(i);
        index.put(done.submit(() -> body.apply(c)), i);
      }
      List<T> out = new ArrayList<>(java.util.Collections.nCopies(ctxs.size(), null));
      for (int i = 0; i < ctxs.size(); i++) {
        Future<T> f = done.take();
        out.set(index.get(f), f.get());
      }
      return new Run<>(out, ctxs);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      pool.shutdownNow();
    }
  }
}
