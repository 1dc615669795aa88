package org.secformer.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.secformer.engine.Simulation;
import org.secformer.engine.comm.CommStats;
import org.secformer.shares.Share;
import org.secformer.shares.Sharing;
import org.secformer.shares.ring.RingTensor;

class BatchedRoundTest {
  @Test
  void stepsOfFourKindsShareOneRoundAndMatchTheirOneRoundProtocols() {
    SplittableRandom rnd = new SplittableRandom(31);
    int n = 500;
    long[] a = new long[n], b = new long[n], c = new long[n];
    for (int i = 0; i < n; i++) {
      a[i] = rnd.nextLong();
      b[i] = rnd.nextLong();
      c[i] = (long) ((rnd.nextDouble() - 0.5) * Math.scalb(1.0, 40));
    }
    c[0] = 0;
    c[1] = -1;
    long[] thresholds = {-5, 0, 1L << 20};
    Share[] as = Sharing.split(RingTensor.of(a, n)), bs = Sharing.split(RingTensor.of(b, n));
    Share[] cs = Sharing.split(RingTensor.of(c, n));
    int bits = 48;
    Cost declared = BeaverMul.cost(n).parallel(Truncation.cost(n)).parallel(Compare.cost(3L * n, bits))
        .parallel(Open.cost(n));
    Simulation.Run<RingTensor[]> run = Simulation.run(ctx -> {
      CommStats.Snapshot before = ctx.stats().snapshot();
      RingTensor x = as[ctx.party()].tensor(), y = bs[ctx.party()].tensor(), z = cs[ctx.party()].tensor();
      BatchedRound.Step mul = BatchedRound.mul(ctx, x, y);
      BatchedRound.Step trunc = BatchedRound.truncate(ctx, z, 16);
      BatchedRound.Step cmp = BatchedRound.lessThanConstants(ctx, z, bits, thresholds);
      BatchedRound.Step open = BatchedRound.open(x);
      BatchedRound.run(ctx, "batch", mul, trunc, cmp, open);
      CommStats.Snapshot used = ctx.stats().snapshot().minus(before);
      assertEquals(1, used.rounds());
      assertEquals(declared.bytesSent(), used.bytesSent());
      assertEquals(declared.dealerBytes(ctx.party()), used.dealerBytes());
      assertThrows(IllegalStateException.class, () -> BatchedRound.run(ctx, "again", mul));
      return new RingTensor[] {mul.result(), trunc.result(), cmp.result(), open.result()};
    });
    RingTensor[] r = new RingTensor[4];
    for (int k = 0; k < 3; k++) {
      r[k] = Sharing.reconstruct(new Share(0, run.result(0)[k]), new Share(1, run.result(1)[k]));
    }
    assertArrayEquals(run.result(0)[3].data(), run.result(1)[3].data());
    assertArrayEquals(a, run.result(0)[3].data());
    assertArrayEquals(new int[] {3, n}, r[2].shape());
    for (int i = 0; i < n; i++) {
      assertEquals(a[i] * b[i], r[0].get(i));
      long diff = r[1].get(i) - (c[i] >> 16);
      assertEquals(true, diff == 0 || diff == 1, "truncation of " + c[i]);
      for (int k = 0; k < 3; k++) {
        assertEquals(c[i] < thresholds[k] ? 1 : 0, r[2].get(k * n + i), "[" + c[i] + " < " + thresholds[k] + "]");
      }
    }
  }

  @Test
  void concatAndRow() {
    RingTensor a = RingTensor.of(new long[] {1, 2}, 2), b = RingTensor.of(new long[] {3, 4}, 2);
    RingTensor ab = BatchedRound.concat(a, b);
    assertArrayEquals(new long[] {1, 2, 3, 4}, ab.data());
    assertArrayEquals(new long[] {3, 4}, BatchedRound.row(ab, 1, 2).data());
    assertArrayEquals(new int[] {1, 2}, BatchedRound.row(ab, 0, 1, 2).shape());
  }
}
