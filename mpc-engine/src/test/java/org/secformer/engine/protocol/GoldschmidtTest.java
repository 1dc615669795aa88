package org.secformer.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.secformer.engine.protocol.Goldschmidt.Config;
import org.secformer.engine.protocol.Goldschmidt.Kind;
import org.secformer.shares.ring.RingTensor;

class GoldschmidtTest {
  /** Geometric spread over [lo, hi] plus both ends. */
  private static double[] spread(SplittableRandom rnd, int n, double lo, double hi) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = lo * Math.pow(hi / lo, rnd.nextDouble());
    }
    v[0] = lo;
    v[1] = hi;
    return v;
  }

  private static double[] run(Kind kind, double[] in, Config cfg) {
    RingTensor[] s = NormTesting.split(NormTesting.encode(in, cfg.inBits(), in.length));
    Cost cost = kind == Kind.RECIPROCAL
        ? Goldschmidt.reciprocalCost(in.length, cfg) : Goldschmidt.rsqrtCost(in.length, cfg);
    RingTensor out = NormTesting.runChecked(cost, ctx -> kind == Kind.RECIPROCAL
        ? Goldschmidt.reciprocal(ctx, s[ctx.party()], cfg) : Goldschmidt.rsqrt(ctx, s[ctx.party()], cfg));
    return NormTesting.decode(out, cfg.outBits());
  }

  private static double[] reference(Kind kind, double[] in, int inBits) {
    double[] r = new double[in.length];
    for (int i = 0; i < in.length; i++) {
      double q = Math.round(in[i] * Math.scalb(1.0, inBits)) * Math.scalb(1.0, -inBits); // the encoded input
      r[i] = kind == Kind.RECIPROCAL ? 1 / q : 1 / Math.sqrt(q);
    }
    return r;
  }

  private static void check(Kind kind, Config cfg, double rtol, long seed) {
    double[] in = spread(new SplittableRandom(seed), 400, cfg.lo(), cfg.hi());
    double[] got = run(kind, in, cfg);
    double[] want = reference(kind, in, cfg.inBits());
    double atol = 2 * Math.scalb(1.0, -cfg.outBits());
    NormTesting.Errors e = NormTesting.errors(got, want, 0);
    int bad = NormTesting.firstViolation(got, want, rtol, atol);
    System.out.printf("%s %s [%g, %g] t=%d: max rel %.3g mean rel %.3g%n", kind, cfg.deflation(), cfg.lo(),
        cfg.hi(), cfg.iterations(), e.maxRel(), e.meanRel());
    assertTrue(bad < 0, () -> kind + " of " + in[bad] + " gave " + got[bad] + ", want " + want[bad]);
  }

  @Test
  void reciprocalSecureOverAWideRange() {
    // 2Quad row sums: (x + 5)^2 summed over up to 128 scores in [-30, 30]
    check(Kind.RECIPROCAL, Config.secure(1, 2e5).withOutBits(32), 1e-4, 1);
  }

  @Test
  void rsqrtSecureOverLayerNormVariances() {
    // H (var + eps) for H = 768, var in [1e-3, 1e4]
    check(Kind.RSQRT, Config.secure(0.768, 7.68e6).withOutBits(24), 1e-4, 2);
  }

  @Test
  void reciprocalPublicOverSoftmaxSums() {
    Config cfg = Config.publicScale(1, 128).withIterations(8).withOutBits(24);
    assertTrue(Goldschmidt.predictedError(Kind.RECIPROCAL, cfg) < 5e-4);
    check(Kind.RECIPROCAL, cfg, 1e-3, 3);
  }

  @Test
  void rsqrtPublicOverANarrowRange() {
    check(Kind.RSQRT, Config.publicScale(0.5, 30), 1e-3, 4);
  }

  @Test
  void linearStartsAreTheMinimaxOnes() {
    double[] r = Goldschmidt.reciprocalStart(0.5, 1);
    assertEquals(1.0 / 17, r[2], 1e-12);
    double[] s = Goldschmidt.rsqrtStart(0.5, 1);
    assertEquals(1.78728475, s[0], 1e-6);
    assertEquals(0.80978626, s[1], 1e-6);
  }
}
