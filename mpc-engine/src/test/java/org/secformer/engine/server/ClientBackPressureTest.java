package org.secformer.engine.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secformer.engine.client.ClientJob;
import org.secformer.engine.client.EngineClient;
import org.secformer.engine.model.ModelSharer;
import org.secformer.engine.tls.CertTool;
import org.secformer.engine.tls.Role;
import org.secformer.engine.tls.TlsConfig;
import org.secformer.shares.fxp.FixedPoint;
import org.secformer.shares.ring.RingMatmul;
import org.secformer.shares.ring.RingTensor;

/**
 * A client that sends a job's batches far faster than the parties compute them cannot make a worker hold
 * more than its queue limit (plus what one read brings in): the worker stops reading the client's link and
 * TCP holds the client back. Every batch is still answered correctly, in order.
 */
class ClientBackPressureTest {
  private static final FixedPoint FXP = FixedPoint.defaults();
  private static final int K = 64;
  private static final int N = 16;
  private static final long LIMIT = 256 * 1024;

  @TempDir
  Path dir;

  @Test
  void aFloodOfBatchesIsHeldBackByTheWorkerQueueLimitAndEveryBatchIsAnswered() throws Exception {
    CertTool.generate(dir.resolve("certs"), Duration.ofDays(1));
    SplittableRandom rnd = new SplittableRandom(3);
    double[] w = new double[K * N];
    for (int i = 0; i < w.length; i++) {
      w[i] = rnd.nextGaussian() * 0.1;
    }
    RingTensor weight = FXP.encode(w, K, N);
    ModelSharer.share("linear-flood", 16, Map.of("W", weight), dir.resolve("models"));
    System.setProperty(PartyServer.QUEUE_BYTES_PROPERTY, Long.toString(LIMIT));
    LocalCluster cluster;
    try {
      cluster = LocalCluster.start(dir.resolve("certs"), dir.resolve("models"), 1, Duration.ofSeconds(30));
    } finally {
      System.clearProperty(PartyServer.QUEUE_BYTES_PROPERTY);
    }
    int batches = 120;
    int rows = 64; // 64 x 64 ring elements: 32 KiB of shares per batch and party, 3.75 MiB in all
    try (cluster;
        EngineClient client = EngineClient.connect(cluster.config(), TlsConfig.forRole(dir.resolve("certs"), Role.CLIENT));
        ClientJob job = client.startJob(new org.secformer.shares.control.JobStart("flood", "linear-flood", 16, "linear", Map.of()))) {
      List<RingTensor> inputs = new ArrayList<>();
      List<CompletableFuture<RingTensor>> outs = new ArrayList<>();
      for (int b = 0; b < batches; b++) {
        double[] x = new double[rows * K];
        for (int i = 0; i < x.length; i++) {
          x[i] = rnd.nextGaussian();
        }
        RingTensor input = FXP.encode(x, rows, K);
        inputs.add(input);
        long[] ids = new long[rows];
        for (int r = 0; r < rows; r++) {
          ids[r] = (long) b * rows + r;
        }
        outs.add(job.runAsync(ids, input));
      }
      for (int b = 0; b < batches; b++) {
        RingTensor y = job.awaitBatch(outs.get(b));
        RingTensor expected = RingMatmul.matmul(inputs.get(b), weight);
        for (int i = 0; i < y.size(); i++) {
          // the plaintext product truncated by 16 bits, within the protocol's one-ulp rounding
          long diff = y.get(i) - (expected.get(i) >> 16);
          assertTrue(diff == 0 || diff == 1, "batch " + b + " element " + i + " off by " + diff);
        }
      }
      for (PartyServer p : cluster.parties()) {
        long peak = p.peakQueuedBytes();
        assertTrue(peak > 0 && peak <= LIMIT + 8 * 40 * 1024,
            p.role() + " held at most the limit plus a few batches in flight, peak " + peak + " of " + batches * 33_000L);
      }
    }
  }
}
