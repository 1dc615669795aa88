package org.secformer.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.secformer.engine.job.InProcessParties;
import org.secformer.engine.comm.CommStats;
import org.secformer.shares.Share;
import org.secformer.shares.Sharing;
import org.secformer.shares.fxp.FixedPoint;
import org.secformer.shares.ring.RingMatmul;
import org.secformer.shares.ring.RingTensor;

class LinearProtocolsTest {
  private static final FixedPoint FXP = FixedPoint.defaults();

  private static RingTensor random(SplittableRandom rnd, int... shape) {
    RingTensor t = RingTensor.zeros(shape);
    for (int i = 0; i < t.size(); i++) {
      t.data()[i] = rnd.nextLong();
    }
    return t;
  }

  private static RingTensor reconstruct(InProcessParties.Run<RingTensor> run) {
    return Sharing.reconstruct(new Share(0, run.result(0)), new Share(1, run.result(1)));
  }

  /** Runs body at both parties and checks that the measured traffic equals the declared cost. */
  private static InProcessParties.Run<RingTensor> runChecked(Cost declared, Function<MpcContext, RingTensor> body) {
    return ProtocolRuns.runChecked(declared, body);
  }

  @Test
  void beaverMulIsExactOnTheRing() {
    SplittableRandom rnd = new SplittableRandom(1);
    RingTensor x = random(rnd, 7, 13), y = random(rnd, 7, 13);
    x.data()[0] = Long.MIN_VALUE;
    y.data()[1] = -1;
    Share[] xs = Sharing.split(x), ys = Sharing.split(y);
    InProcessParties.Run<RingTensor> run = runChecked(BeaverMul.cost(91),
        ctx -> BeaverMul.mul(ctx, xs[ctx.party()].tensor(), ys[ctx.party()].tensor()));
    assertEquals(x.mul(y), reconstruct(run));
  }

  @Test
  void beaverMatmulIsExactOnTheRing() {
    SplittableRandom rnd = new SplittableRandom(2);
    RingTensor x = random(rnd, 9, 33), y = random(rnd, 33, 17);
    Share[] xs = Sharing.split(x), ys = Sharing.split(y);
    InProcessParties.Run<RingTensor> run = runChecked(BeaverMatmul.cost(9, 33, 17),
        ctx -> BeaverMatmul.matmul(ctx, xs[ctx.party()].tensor(), ys[ctx.party()].tensor()));
    assertEquals(RingMatmul.matmul(x, y), reconstruct(run));
  }

  @Test
  void maskedWeightOpensOnceAndServesManyBatches() {
    SplittableRandom rnd = new SplittableRandom(3);
    int k = 24, n = 10;
    RingTensor w = random(rnd, k, n);
    Share[] ws = Sharing.split(w);
    RingTensor[] batches = {random(rnd, 5, k), random(rnd, 3, k), random(rnd, 5, k)};
    Share[][] bs = new Share[batches.length][];
    for (int i = 0; i < batches.length; i++) {
      bs[i] = Sharing.split(batches[i]);
    }
    InProcessParties.Run<RingTensor[]> run = InProcessParties.run(ctx -> {
      CommStats.Snapshot s0 = ctx.stats().snapshot();
      MaskedWeight mw = MaskedWeight.open(ctx, "layer0.query", ws[ctx.party()].tensor());
      CommStats.Snapshot s1 = ctx.stats().snapshot();
      assertEquals(MaskedWeight.openCost(k, n).bytesSent(), s1.minus(s0).bytesSent());
      RingTensor[] out = new RingTensor[batches.length];
      for (int i = 0; i < batches.length; i++) {
        CommStats.Snapshot before = ctx.stats().snapshot();
        out[i] = mw.leftMultiply(ctx, bs[i][ctx.party()].tensor());
        CommStats.Snapshot used = ctx.stats().snapshot().minus(before);
        Cost declared = MaskedWeight.multiplyCost(batches[i].dim(0), k, n);
        // per batch only X - A travels: the weight is not opened again
        assertEquals(declared.bytesSent(), used.bytesSent());
        assertEquals(declared.rounds(), used.rounds());
        assertEquals(declared.dealerBytes(ctx.party()), used.dealerBytes());
      }
      return out;
    });
    for (int i = 0; i < batches.length; i++) {
      RingTensor z = Sharing.reconstruct(new Share(0, run.result(0)[i]), new Share(1, run.result(1)[i]));
      assertEquals(RingMatmul.matmul(batches[i], w), z, "batch " + i);
    }
  }

  @Test
  void truncationErrorIsAtMostOneUlpForManyRandomValuesOfBothSigns() {
    SplittableRandom rnd = new SplittableRandom(4);
    int n = 200_000;
    long[] v = new long[n];
    for (int i = 0; i < n; i++) {
      // products of two fixed-point values up to |2^20|: magnitudes up to 2^52, both signs
      v[i] = (long) ((rnd.nextDouble() * 2 - 1) * Math.scalb(1.0, 20 + rnd.nextInt(33)));
    }
    v[0] = 0;
    v[1] = -1;
    v[2] = (1L << 62) - 1;
    v[3] = -(1L << 62);
    v[4] = -(1L << 16);
    RingTensor x = RingTensor.of(v, n);
    Share[] xs = Sharing.split(x);
    InProcessParties.Run<RingTensor> run = runChecked(Truncation.cost(n),
        ctx -> Truncation.truncate(ctx, xs[ctx.party()].tensor(), 16));
    long[] z = reconstruct(run).data();
    long ups = 0;
    for (int i = 0; i < n; i++) {
      long floor = v[i] >> 16;
      long diff = z[i] - floor;
      assertTrue(diff == 0 || diff == 1, "x=" + v[i] + " truncated to " + z[i] + ", floor " + floor);
      ups += diff;
    }
    // stochastic rounding: the bias stays well under one ulp on average
    double meanError = 0;
    for (int i = 0; i < n; i++) {
      meanError += (z[i] - v[i] / 65536.0);
    }
    meanError /= n;
    assertTrue(Math.abs(meanError) < 0.01, "mean error " + meanError + " ulp, rounded up " + ups);
  }

  @Test
  void fixedPointProductsOfRealValues() {
    SplittableRandom rnd = new SplittableRandom(5);
    int n = 1000;
    double[] a = new double[n], b = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = (rnd.nextDouble() - 0.5) * 200;
      b[i] = (rnd.nextDouble() - 0.5) * 200;
    }
    Share[] as = Sharing.split(FXP.encode(a, n)), bs = Sharing.split(FXP.encode(b, n));
    InProcessParties.Run<RingTensor> run = runChecked(FxpMul.mulCost(n),
        ctx -> FxpMul.mul(ctx, as[ctx.party()].tensor(), bs[ctx.party()].tensor()));
    double[] z = FXP.decode(reconstruct(run));
    for (int i = 0; i < n; i++) {
      double bound = Math.scalb(1.0, -17) * (Math.abs(a[i]) + Math.abs(b[i])) + Math.scalb(1.0, -15);
      assertEquals(a[i] * b[i], z[i], bound);
    }
  }

  @Test
  void publicOpsAreLocal() {
    RingTensor x = RingTensor.of(new long[] {5, -7}, 2);
    Share[] xs = Sharing.split(x);
    InProcessParties.Run<RingTensor> run = runChecked(Cost.ZERO,
        ctx -> PublicOps.addConstant(ctx, xs[ctx.party()].tensor(), 10));
    assertArrayEquals(new long[] {15, 3}, reconstruct(run).data());
  }
}
