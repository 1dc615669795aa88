package org.secformer.engine.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secformer.engine.MpcException;
import org.secformer.engine.client.ClientJob;
import org.secformer.engine.client.EngineClient;
import org.secformer.engine.comm.CommStats;
import org.secformer.engine.dealer.CorrelationSource;
import org.secformer.engine.dealer.Material;
import org.secformer.engine.dealer.NettyDealerLink;
import org.secformer.engine.model.ModelSharer;
import org.secformer.engine.model.ModelStore;
import org.secformer.engine.net.FrameType;
import org.secformer.engine.net.PeerLinks;
import org.secformer.engine.tls.CertTool;
import org.secformer.engine.tls.LogCapture;
import org.secformer.engine.tls.Role;
import org.secformer.engine.tls.TlsConfig;
import org.secformer.shares.Share;
import org.secformer.shares.Sharing;
import org.secformer.shares.arrow.ShareBatch;
import org.secformer.shares.control.JobStart;
import org.secformer.shares.fxp.FixedPoint;
import org.secformer.shares.prg.Seed;
import org.secformer.shares.ring.RingTensor;

/**
 * A whole run with every logger at TRACE (ours, Netty's, Arrow's): secure jobs, a dealer's seed and
 * triples, refused frames and a failed job. Not one log line may hold a share, a weight share, an
 * output share, a dealer seed or triple, or any private key's PEM body, in decimal, hex or Base64.
 */
class SecretsInLogsTest {
  private static final FixedPoint FXP = FixedPoint.defaults();
  private static final int K = 16;
  private static final int N = 4;

  @TempDir Path dir;

  @Test
  void aFullRunAtTraceLevelLogsNoShareWeightSeedOrKeyMaterial() throws Exception {
    Path certs = dir.resolve("certs");
    CertTool.generate(certs, Duration.ofDays(1));
    SplittableRandom rnd = new SplittableRandom(17);
    double[] w = new double[K * N];
    for (int i = 0; i < w.length; i++) {
      w[i] = rnd.nextGaussian();
    }
    RingTensor weight = FXP.encode(w, K, N);
    ModelSharer.share("secret-linear", 16, Map.of("W", weight), dir.resolve("models"));

    Set<String> secrets = new LinkedHashSet<>();
    List<String> lines;
    Configurator.setAllLevels(LogManager.ROOT_LOGGER_NAME, Level.TRACE);
    LogCapture logs = LogCapture.all();
    try (LocalCluster cluster = LocalCluster.start(certs, dir.resolve("models"), 1, Duration.ofSeconds(5))) {
      TlsConfig clientTls = TlsConfig.forRole(certs, Role.CLIENT);
      try (EngineClient client = EngineClient.connect(cluster.config(), clientTls)) {
        // two secure jobs
        for (int j = 0; j < 2; j++) {
          RingTensor x = randomInput(rnd, 3);
          Share[] s = Sharing.split(x);
          try (ClientJob job = client.startJob(new JobStart("secret-job-" + j, "secret-linear", 16, "linear", Map.of()))) {
            ShareBatch[] out = job.submit(new ShareBatch("secret-linear", 0, 16, new long[] {1, 2, 3}, s[0].tensor()),
                new ShareBatch("secret-linear", 1, 16, new long[] {1, 2, 3}, s[1].tensor())).join();
            addValues(secrets, x, s[0].tensor(), s[1].tensor(), out[0].payload(), out[1].payload());
            job.end();
          }
        }
        // a job that fails (a batch of the wrong width): its error path logs too
        try (ClientJob job = client.startJob(new JobStart("secret-job-bad", "secret-linear", 16, "linear", Map.of()))) {
          RingTensor wide = randomInput(rnd, 1, K + 1);
          Share[] s = Sharing.split(wide);
          addValues(secrets, s[0].tensor(), s[1].tensor());
          assertThrows(MpcException.class, () -> job.awaitBatch(job.submit(
              new ShareBatch("secret-linear", 0, 16, new long[] {1}, s[0].tensor()),
              new ShareBatch("secret-linear", 1, 16, new long[] {1}, s[1].tensor()))));
        } catch (MpcException ignored) {
          // closing a failed job may fail too
        }
      }
      // the dealer's material: a seed and a triple, fetched as a party does
      var group = PeerLinks.newEventLoopGroup(1);
      try (NettyDealerLink l0 = NettyDealerLink.connect(group, TlsConfig.forRole(certs, Role.P0), "127.0.0.1",
              cluster.dealers().get(0).port(), "secret-dealer-job", cluster.config().netOptions());
          NettyDealerLink l1 = NettyDealerLink.connect(group, TlsConfig.forRole(certs, Role.P1), "127.0.0.1",
              cluster.dealers().get(0).port(), "secret-dealer-job", cluster.config().netOptions())) {
        addSeed(secrets, l0.seed());
        addSeed(secrets, l1.seed());
        Material.MulTriple t0 = new CorrelationSource(0, l0, new CommStats(), 5_000).mulTriple(8);
        Material.MulTriple t1 = new CorrelationSource(1, l1, new CommStats(), 5_000).mulTriple(8);
        addValues(secrets, t0.a(), t0.b(), t0.c(), t1.a(), t1.b(), t1.c());
      } finally {
        group.shutdownGracefully().syncUninterruptibly();
      }
      // a refused frame: garbage on a real client link
      PartyServer p0 = cluster.parties().stream().filter(p -> p.role() == Role.P0).findFirst().orElseThrow();
      var raw = PeerLinks.newEventLoopGroup(1);
      try (EngineFuzzTest.RawLink link = EngineFuzzTest.RawLink.open(raw,
          org.secformer.engine.tls.SslContexts.client(clientTls), p0.clientPort())) {
        link.send(FuzzFrames.frame(FrameType.CONTROL, "secret-job-x", 1, new byte[] {1, 2, 3}));
        assertTrue(link.awaitRefusal(5_000, 1));
      } finally {
        raw.shutdownGracefully().syncUninterruptibly();
      }
    } finally {
      lines = logs.lines();
      logs.close();
      Configurator.reconfigure(); // back to log4j2-test.xml
    }
    for (int party = 0; party < 2; party++) {
      addValues(secrets, new ModelStore(dir.resolve("models"), party).get("secret-linear").tensor("W"));
    }
    for (String role : List.of("ca", "p0", "p1", "dealer", "client")) {
      for (String pemLine : Files.readAllLines(certs.resolve(role + ".key"))) {
        if (!pemLine.startsWith("-----") && pemLine.length() >= 16) {
          secrets.add(pemLine);
        }
      }
    }

    assertTrue(lines.size() > 200, "a TRACE run logs plenty; got " + lines.size() + " lines");
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("TRACE") || l.startsWith("DEBUG")), "the run logged below INFO");
    List<String> leaks = new ArrayList<>();
    for (String line : lines) {
      for (String secret : secrets) {
        if (line.contains(secret)) {
          leaks.add(secret + " in: " + line);
        }
      }
    }
    assertFalse(secrets.size() < 500, "too few secrets to look for: " + secrets.size());
    assertTrue(leaks.isEmpty(), leaks.size() + " leaks, first: " + leaks.subList(0, Math.min(5, leaks.size())));
  }

  private static RingTensor randomInput(SplittableRandom rnd, int rows) {
    return randomInput(rnd, rows, K);
  }

  private static RingTensor randomInput(SplittableRandom rnd, int rows, int cols) {
    double[] x = new double[rows * cols];
    for (int i = 0; i < x.length; i++) {
      x[i] = rnd.nextGaussian() * 4;
    }
    return FXP.encode(x, rows, cols);
  }

  /**
   * Uniform 64-bit values print with 15+ digits, which no port, time or count in a log line reaches;
   * small ones (plaintext fixed-point inputs) would match by chance, so they are left out.
   */
  private static void addValues(Set<String> secrets, RingTensor... tensors) {
    for (RingTensor t : tensors) {
      for (long v : t.data()) {
        if (Math.abs(v) > 100_000_000_000_000L) {
          secrets.add(Long.toString(v));
          secrets.add(Long.toHexString(v));
          secrets.add(Long.toUnsignedString(v));
        }
      }
    }
  }

  private static void addSeed(Set<String> secrets, Seed seed) {
    byte[] b = seed.bytes();
    secrets.add(HexFormat.of().formatHex(b));
    secrets.add(HexFormat.of().withUpperCase().formatHex(b));
    secrets.add(Base64.getEncoder().encodeToString(b));
    ByteBuffer bb = ByteBuffer.wrap(b);
    long high = bb.getLong();
    long low = bb.getLong();
    for (long v : new long[] {high, low}) {
      secrets.add(Long.toString(v));
      secrets.add(Long.toHexString(v));
    }
  }
}
