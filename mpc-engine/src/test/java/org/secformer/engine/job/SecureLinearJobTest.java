package org.secformer.engine.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secformer.engine.job.InProcessParties;
import org.secformer.engine.comm.CommStats;
import org.secformer.engine.model.ModelSharer;
import org.secformer.engine.model.ModelStore;
import org.secformer.engine.protocol.MaskedWeight;
import org.secformer.engine.protocol.Truncation;
import org.secformer.shares.Share;
import org.secformer.shares.Sharing;
import org.secformer.shares.fxp.FixedPoint;
import org.secformer.shares.ring.RingTensor;

class SecureLinearJobTest {
  private static final FixedPoint FXP = FixedPoint.defaults();
  @TempDir Path models;

  @Test
  void batchesOfAJobMatchThePlaintextProductAndOnlyTheFirstOpensTheWeight() throws Exception {
    SplittableRandom rnd = new SplittableRandom(11);
    int k = 48, n = 20, rows = 8, batchCount = 4;
    double[] w = new double[k * n], b = new double[n];
    for (int i = 0; i < w.length; i++) {
      w[i] = rnd.nextGaussian() * 0.2;
    }
    for (int i = 0; i < n; i++) {
      b[i] = rnd.nextGaussian();
    }
    ModelSharer.share("lin", 16, Map.of("W", FXP.encode(w, k, n), "b", FXP.encode(b, n)), models);
    double[][] x = new double[batchCount][rows * k];
    Share[][] xs = new Share[batchCount][];
    for (int bi = 0; bi < batchCount; bi++) {
      for (int i = 0; i < rows * k; i++) {
        x[bi][i] = rnd.nextGaussian() * 3;
      }
      xs[bi] = Sharing.split(FXP.encode(x[bi], rows, k));
    }
    InProcessParties.Run<RingTensor[]> run = InProcessParties.run(ctx -> {
      ModelStore store = new ModelStore(models, ctx.party());
      PartyJob job = new PartyJob("job-1", ctx,
          Computations.create(Computations.LINEAR, "lin", Map.of("bias", "b"), store));
      RingTensor[] out = new RingTensor[batchCount];
      for (int bi = 0; bi < batchCount; bi++) {
        CommStats.Snapshot before = ctx.stats().snapshot();
        out[bi] = job.runBatch(xs[bi][ctx.party()].tensor());
        CommStats.Snapshot used = ctx.stats().snapshot().minus(before);
        long perBatch = MaskedWeight.multiplyCost(rows, k, n).plus(Truncation.cost((long) rows * n)).bytesSent();
        long expected = bi == 0 ? perBatch + MaskedWeight.openCost(k, n).bytesSent() : perBatch;
        assertEquals(expected, used.bytesSent(), "batch " + bi);
        // the next batch's plan is requested ahead: one batch of material is held, no more
        assertEquals(2, ctx.dealer().prefetched(), "matmul triple and truncation pair of the next batch");
      }
      assertEquals(batchCount, job.summary().batches());
      // a batch of another shape drops the prefetched plan and still computes correctly
      RingTensor odd = job.runBatch(xs[0][ctx.party()].tensor().reshape(rows * k).copy().reshape(rows, k));
      assertEquals(rows, odd.dim(0));
      return out;
    });
    for (int bi = 0; bi < batchCount; bi++) {
      double[] y = FXP.decode(Sharing.reconstruct(new Share(0, run.result(0)[bi]), new Share(1, run.result(1)[bi])));
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < n; c++) {
          double expect = b[c];
          for (int i = 0; i < k; i++) {
            expect += x[bi][r * k + i] * w[i * n + c];
          }
          // encoding error of x and w summed over k terms plus one truncation ulp
          assertEquals(expect, y[r * n + c], 2e-3, "batch " + bi + " row " + r + " col " + c);
        }
      }
    }
    assertTrue(run.context(1).stats().dealerBytesReceived() > 0);
  }
}
