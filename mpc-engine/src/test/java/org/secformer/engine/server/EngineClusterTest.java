package org.secformer.engine.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secformer.engine.MpcException;
import org.secformer.engine.client.ClientJob;
import org.secformer.engine.client.EngineClient;
import org.secformer.engine.dealer.DealerServer;
import org.secformer.engine.model.ModelSharer;
import org.secformer.engine.net.NettyPeerChannel;
import org.secformer.engine.net.PeerServer;
import org.secformer.engine.net.SessionInbound;
import org.secformer.engine.protocol.MaskedWeight;
import org.secformer.engine.protocol.Truncation;
import org.secformer.engine.tls.CertTool;
import org.secformer.engine.tls.LogCapture;
import org.secformer.engine.tls.PeerRoleVerifier;
import org.secformer.engine.tls.Role;
import org.secformer.engine.tls.TlsConfig;
import org.secformer.shares.Share;
import org.secformer.shares.Sharing;
import org.secformer.shares.arrow.ShareBatch;
import org.secformer.shares.control.ErrorCode;
import org.secformer.shares.control.JobReport;
import org.secformer.shares.control.JobStart;
import org.secformer.shares.fxp.FixedPoint;
import org.secformer.shares.ring.RingMatmul;
import org.secformer.shares.ring.RingTensor;

/** Three parties, two workers each, in this JVM over real mutual-TLS loopback sockets. */
class EngineClusterTest {
  private static final FixedPoint FXP = FixedPoint.defaults();
  private static final int K = 64;
  private static final int N = 24;

  @TempDir static Path dir;
  static LocalCluster cluster;
  static RingTensor weight;
  static LogCapture logs;

  @BeforeAll
  static void startCluster() throws Exception {
    logs = LogCapture.of(PartyServer.class, ServedJob.class, DealerServer.class, SessionInbound.class,
        NettyPeerChannel.class, PeerServer.class, PeerRoleVerifier.class);
    CertTool.generate(dir.resolve("certs"), Duration.ofDays(1));
    SplittableRandom rnd = new SplittableRandom(5);
    double[] w = new double[K * N];
    for (int i = 0; i < w.length; i++) {
      w[i] = rnd.nextGaussian() * 0.1;
    }
    weight = FXP.encode(w, K, N);
    ModelSharer.share("linear-demo", 16, Map.of("W", weight), dir.resolve("models"));
    cluster = LocalCluster.start(dir.resolve("certs"), dir.resolve("models"), 2, Duration.ofSeconds(20));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
    if (logs != null) {
      logs.close();
    }
  }

  private static TlsConfig clientTls() {
    return TlsConfig.forRole(dir.resolve("certs"), Role.CLIENT);
  }

  private static RingTensor randomInput(SplittableRandom rnd, int rows) {
    double[] x = new double[rows * K];
    for (int i = 0; i < x.length; i++) {
      x[i] = rnd.nextGaussian() * 4;
    }
    return FXP.encode(x, rows, K);
  }

  @Test
  void batchesSpreadOverBothWorkerPairsMatchThePlaintextProduct() {
    SplittableRandom rnd = new SplittableRandom(1);
    try (EngineClient client = EngineClient.connect(cluster.config(), clientTls());
        ClientJob job = client.startJob(new JobStart("job-a", "linear-demo", 16, "linear", Map.of()))) {
      List<RingTensor> inputs = new ArrayList<>();
      List<CompletableFuture<ShareBatch[]>> outs = new ArrayList<>();
      int rows = 6;
      for (int b = 0; b < 6; b++) {
        RingTensor x = randomInput(rnd, rows);
        inputs.add(x);
        Share[] s = Sharing.split(x);
        long[] ids = new long[rows];
        for (int r = 0; r < rows; r++) {
          ids[r] = b * 1000L + r;
        }
        outs.add(job.submit(new ShareBatch("linear-demo", 0, 16, ids, s[0].tensor()),
            new ShareBatch("linear-demo", 1, 16, ids, s[1].tensor())));
      }
      for (int b = 0; b < inputs.size(); b++) {
        ShareBatch[] out = outs.get(b).join();
        assertEquals(b * 1000L, out[0].rowIds()[0], "row ids come back with their rows");
        RingTensor y = ClientJob.reconstruct(out);
        RingTensor expected = RingMatmul.matmul(inputs.get(b), weight);
        for (int i = 0; i < y.size(); i++) {
          // the plaintext product truncated by 16 bits, within the protocol's one-ulp rounding
          long diff = y.get(i) - (expected.get(i) >> 16);
          assertTrue(diff == 0 || diff == 1, "element " + i + " off by " + diff);
        }
      }
      List<JobReport> reports = job.end();
      assertEquals(4, reports.size());
      long batches = reports.stream().mapToLong(JobReport::batches).sum();
      assertEquals(12, batches, "6 batches, each run by both parties");
      for (JobReport r : reports) {
        assertEquals(3, r.batches(), "each worker pair took half of the batches");
        long expectedBytes = MaskedWeight.openCost(K, N).bytesSent()
            + 3 * (MaskedWeight.multiplyCost(rows, K, N).bytesSent() + Truncation.cost((long) rows * N).bytesSent());
        assertEquals(expectedBytes, r.bytesSent(), "declared traffic of party " + r.partyId());
        assertEquals(1 + 3 * 2, r.rounds());
      }
    }
    waitForJobsToEnd();
  }

  /** An executor's tasks share one client: their jobs' sequence numbers overlap and must not collide. */
  @Test
  void twoJobsOnOneClientRunAtTheSameTime() {
    SplittableRandom rnd = new SplittableRandom(2);
    try (EngineClient client = EngineClient.connect(cluster.config(), clientTls());
        ClientJob first = client.startJob(new JobStart("job-f", "linear-demo", 16, "linear", Map.of()));
        ClientJob second = client.startJob(new JobStart("job-g", "linear-demo", 16, "linear", Map.of()))) {
      List<RingTensor> inputs = new ArrayList<>();
      List<CompletableFuture<RingTensor>> outs = new ArrayList<>();
      for (int b = 0; b < 4; b++) {
        RingTensor x = randomInput(rnd, 2);
        inputs.add(x);
        outs.add((b % 2 == 0 ? first : second).runAsync(new long[] {0, 1}, x));
      }
      for (int b = 0; b < inputs.size(); b++) {
        RingTensor y = outs.get(b).join();
        RingTensor expected = RingMatmul.matmul(inputs.get(b), weight);
        for (int i = 0; i < y.size(); i++) {
          long diff = y.get(i) - (expected.get(i) >> 16);
          assertTrue(diff == 0 || diff == 1, "batch " + b + " element " + i + " off by " + diff);
        }
      }
      assertEquals(4, first.end().size());
      assertEquals(4, second.end().size());
    }
    waitForJobsToEnd();
  }

  @Test
  void unknownModelIsAClearErrorAndTheClusterKeepsServing() {
    try (EngineClient client = EngineClient.connect(cluster.config(), clientTls())) {
      MpcException e = assertThrows(MpcException.class,
          () -> client.startJob(new JobStart("job-b", "no-such-model", 16, "linear", Map.of())));
      assertTrue(e.getMessage().contains("no-such-model"), e.getMessage());
      assertEquals(ErrorCode.UNKNOWN_MODEL, e.code());
    }
    try (EngineClient client = EngineClient.connect(cluster.config(), clientTls());
        ClientJob job = client.startJob(new JobStart("job-c", "linear-demo", 16, "linear", Map.of()))) {
      RingTensor x = randomInput(new SplittableRandom(3), 2);
      RingTensor y = job.run(new long[] {1, 2}, x);
      assertEquals(2, y.dim(0));
    }
  }

  @Test
  void aPartyCertificateCannotActAsClient() {
    TlsConfig p0Cert = TlsConfig.forRole(dir.resolve("certs"), Role.P0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> EngineClient.connect(cluster.config(), p0Cert));
    assertTrue(e.getMessage().contains("client certificate"));
  }

  @Test
  void theClientPortRefusesAPartyCertificateAndAStrangersCa() throws Exception {
    var group = org.secformer.engine.net.PeerLinks.newEventLoopGroup(1);
    try (LogCapture refusals = LogCapture.of(PeerRoleVerifier.class)) {
      Endpoint p0 = cluster.config().endpoint(Role.P0, 0);
      var asParty = org.secformer.engine.tls.SslContexts.client(TlsConfig.forRole(dir.resolve("certs"), Role.P1));
      assertRefused(group, asParty, p0);
      assertFalse(refusals.awaitWarn("presented role 'p1'", "client").isEmpty(), refusals.lines().toString());
      Path other = dir.resolve("other-ca");
      CertTool.generate(other, Duration.ofDays(1));
      var stranger = org.secformer.engine.tls.SslContexts.client(TlsConfig.forRole(other, Role.CLIENT));
      assertRefused(group, stranger, p0);
    } finally {
      group.shutdownGracefully().syncUninterruptibly();
    }
  }

  /**
   * In TLS 1.3 the client may finish its handshake before the server has checked the client's
   * certificate, so a refusal shows either as a failed connect or as the server closing the link at once.
   */
  private static void assertRefused(io.netty.channel.EventLoopGroup group, io.netty.handler.ssl.SslContext ssl,
      Endpoint at) {
    try {
      org.secformer.engine.net.Session s = org.secformer.engine.net.SessionClient.connect(group, ssl, at.host(),
          at.port(), Set.of(Role.P0), "test", org.secformer.engine.net.NetOptions.defaults(), (x, m) -> { });
      assertTrue(s.closeFuture().awaitUninterruptibly(5_000), "the server must close a refused link");
    } catch (MpcException expected) {
      // refused during the handshake
    }
  }

  @Test
  void partyDisappearingMidJobFailsTheClientQuicklyWithAClearError() throws Exception {
    Path certs = dir.resolve("certs");
    try (LocalCluster own = LocalCluster.start(certs, dir.resolve("models"), 1, Duration.ofSeconds(20));
        EngineClient client = EngineClient.connect(own.config(), clientTls())) {
      ClientJob job = client.startJob(new JobStart("job-d", "linear-demo", 16, "linear", Map.of()));
      job.run(new long[] {7}, randomInput(new SplittableRandom(4), 1));
      // P1 goes away: its client links and job links close
      own.parties().stream().filter(p -> p.role() == Role.P1).forEach(PartyServer::close);
      long t0 = System.nanoTime();
      MpcException e = assertThrows(MpcException.class, () -> job.run(new long[] {8}, randomInput(new SplittableRandom(5), 1)));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(ms < 5_000, "failure took " + ms + " ms");
      assertTrue(e.code() == ErrorCode.PEER_UNAVAILABLE || e.code() == ErrorCode.BAD_REQUEST, e.code() + " " + e.getMessage());
    }
  }

  @Test
  void noShareOrWeightValueAppearsInTheLogs() {
    SplittableRandom rnd = new SplittableRandom(9);
    RingTensor x = randomInput(rnd, 3);
    Share[] s = Sharing.split(x);
    try (EngineClient client = EngineClient.connect(cluster.config(), clientTls());
        ClientJob job = client.startJob(new JobStart("job-e", "linear-demo", 16, "linear", Map.of()))) {
      long[] ids = {1, 2, 3};
      job.submit(new ShareBatch("linear-demo", 0, 16, ids, s[0].tensor()),
          new ShareBatch("linear-demo", 1, 16, ids, s[1].tensor())).join();
      job.end();
    }
    Set<String> secrets = new HashSet<>();
    RingTensor weightShare1 = new org.secformer.engine.model.ModelStore(dir.resolve("models"), 1)
        .get("linear-demo").tensor("W");
    // uniform 64-bit shares print as 15+ digits, which no port, time or count in a log line reaches
    for (RingTensor t : List.of(s[0].tensor(), s[1].tensor(), weightShare1)) {
      for (long v : t.data()) {
        if (Math.abs(v) > 100_000_000_000_000L) {
          secrets.add(Long.toString(v));
          secrets.add(Long.toHexString(v));
        }
      }
    }
    List<String> lines = logs.lines();
    assertFalse(lines.isEmpty(), "the run must have logged something for this check to mean anything");
    for (String line : lines) {
      for (String secret : secrets) {
        assertFalse(line.contains(secret), "log line leaks a value: " + line);
      }
    }
  }

  private static void waitForJobsToEnd() {
    long end = System.nanoTime() + 5_000_000_000L;
    while (cluster.parties().stream().anyMatch(p -> p.activeJobs() > 0) && System.nanoTime() < end) {
      Thread.onSpinWait();
    }
  }
}
