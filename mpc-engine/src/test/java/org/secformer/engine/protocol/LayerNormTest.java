package org.secformer.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.secformer.shares.ring.RingTensor;

/**
 * LayerNorm and L2Normalize against fp64 on the encoded inputs.
 * Declared ranges (until real MiniLM ranges are measured): |x| < 100, row variance in [1e-3, 1e4],
 * eps = 1e-12 (BERT), H = 384 and 768; gamma in +-[0.5, 2], beta in [-1, 1].
 * Accuracy target: |y - ref| <= 1e-2 |ref| + 1e-4 (atol 1e-4, about 7 units of the 16-bit output).
 */
class LayerNormTest {
  private static final int F = 16;
  private static final double RTOL = 1e-2;
  private static final double ATOL = 1e-4;
  private static final LayerNorm.Params PARAMS = LayerNorm.Params.of(1e-3, 1e4);

  /** Rows of several styles: variances across [1e-3, 1e4], large means, a constant row. */
  static double[] rows(SplittableRandom rnd, int rows, int h) {
    double[] x = new double[rows * h];
    for (int i = 0; i < rows; i++) {
      int style = i % 6;
      double mean = rnd.nextDouble(-20, 20);
      double sd = Math.sqrt(1e-3 * Math.pow(1e6, rnd.nextDouble())); // var in [1e-3, 1e3]
      for (int j = 0; j < h; j++) {
        double v = switch (style) {
          case 0 -> mean + sd * rnd.nextGaussian();
          case 1 -> 95 + 0.04 * rnd.nextGaussian(); // large magnitude, variance 1.6e-3
          case 2 -> rnd.nextBoolean() ? 99 : -99; // variance near 1e4
          case 3 -> -42.125; // constant: variance 0, output beta
          case 4 -> mean + 0.0317 * rnd.nextGaussian(); // variance near the declared low end
          default -> j == 0 ? 90 : 0.1 * rnd.nextGaussian(); // one outlier dimension
        };
        x[i * h + j] = Math.max(-99.9, Math.min(99.9, v));
      }
    }
    return x;
  }

  static double[] reference(double[] x, double[] gamma, double[] beta, int rows, int h, double eps) {
    double[] out = new double[x.length];
    for (int i = 0; i < rows; i++) {
      double mean = 0;
      for (int j = 0; j < h; j++) {
        mean += q(x[i * h + j]);
      }
      mean /= h;
      double var = 0;
      for (int j = 0; j < h; j++) {
        double c = q(x[i * h + j]) - mean;
        var += c * c;
      }
      var /= h;
      for (int j = 0; j < h; j++) {
        out[i * h + j] = (q(x[i * h + j]) - mean) / Math.sqrt(var + eps) * q(gamma[j]) + q(beta[j]);
      }
    }
    return out;
  }

  private static double q(double v) {
    return Math.round(v * 65536) / 65536.0;
  }

  static double[][] affine(SplittableRandom rnd, int h) {
    double[] gamma = new double[h], beta = new double[h];
    for (int j = 0; j < h; j++) {
      gamma[j] = rnd.nextDouble(0.5, 2) * (rnd.nextBoolean() ? 1 : -1);
      beta[j] = rnd.nextDouble(-1, 1);
    }
    return new double[][] {gamma, beta};
  }

  static double[] run(double[] x, double[] gamma, double[] beta, int rows, int h, LayerNorm.Params p) {
    RingTensor[] xs = NormTesting.split(NormTesting.encode(x, F, rows, h));
    RingTensor[] gs = NormTesting.split(NormTesting.encode(gamma, F, h));
    RingTensor[] bs = NormTesting.split(NormTesting.encode(beta, F, h));
    RingTensor out = NormTesting.runChecked(LayerNorm.cost(rows, h, F, p),
        ctx -> LayerNorm.apply(ctx, xs[ctx.party()], gs[ctx.party()], bs[ctx.party()], p));
    return NormTesting.decode(out, F);
  }

  private static void check(int rows, int h, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] x = rows(rnd, rows, h);
    double[][] gb = affine(rnd, h);
    double[] got = run(x, gb[0], gb[1], rows, h, PARAMS);
    double[] want = reference(x, gb[0], gb[1], rows, h, PARAMS.eps());
    NormTesting.Errors e = NormTesting.errors(got, want, 0.1);
    System.out.printf("LayerNorm %dx%d: max |err| %.3g, max rel (|ref| >= 0.1) %.3g, mean rel %.3g%n", rows, h,
        e.maxAbs(), e.maxRel(), e.meanRel());
    int bad = NormTesting.firstViolation(got, want, RTOL, ATOL);
    assertTrue(bad < 0, () -> "entry " + bad + " (row " + bad / h + "): got " + got[bad] + ", want " + want[bad]);
  }

  @Test
  void hidden384() {
    check(12, 384, 11);
  }

  @Test
  void hidden768() {
    check(6, 768, 12);
  }

  @Test
  void constantRowsGiveBeta() {
    SplittableRandom rnd = new SplittableRandom(13);
    int rows = 4, h = 384;
    double[] x = new double[rows * h];
    double[] level = {0, 1.5, -73.25, 99.5};
    for (int i = 0; i < rows; i++) {
      java.util.Arrays.fill(x, i * h, (i + 1) * h, level[i]);
    }
    double[][] gb = affine(rnd, h);
    double[] got = run(x, gb[0], gb[1], rows, h, PARAMS);
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < h; j++) {
        // c' = H x - sum x is exactly 0, so the output is exactly beta (1/sqrt stays bounded at var 0)
        assertEquals(q(gb[1][j]), got[i * h + j], "row " + i + " col " + j);
      }
    }
  }

  @Test
  void singleColumnRowsGiveBeta() {
    double[] x = {3.5, -99, 0, 42};
    double[] gamma = {1.75}, beta = {-0.625};
    double[] got = run(x, gamma, beta, 4, 1, PARAMS);
    for (double v : got) {
      assertEquals(-0.625, v);
    }
  }

  @Test
  void l2NormalizeRows() {
    SplittableRandom rnd = new SplittableRandom(14);
    int rows = 8, cols = 384;
    double[] x = new double[rows * cols];
    for (int i = 0; i < rows; i++) {
      double scale = Math.pow(10, -1 + i % 4); // ||x||^2 from about 4 to 4e6
      for (int j = 0; j < cols; j++) {
        x[i * cols + j] = Math.max(-99, Math.min(99, scale * rnd.nextGaussian()));
      }
    }
    L2Normalize.Params p = L2Normalize.Params.of(1, 4e6);
    RingTensor[] xs = NormTesting.split(NormTesting.encode(x, F, rows, cols));
    RingTensor out = NormTesting.runChecked(L2Normalize.cost(rows, cols, F, p),
        ctx -> L2Normalize.apply(ctx, xs[ctx.party()], p));
    double[] got = NormTesting.decode(out, F);
    double[] want = new double[x.length];
    for (int i = 0; i < rows; i++) {
      double s = 0;
      for (int j = 0; j < cols; j++) {
        s += q(x[i * cols + j]) * q(x[i * cols + j]);
      }
      for (int j = 0; j < cols; j++) {
        want[i * cols + j] = q(x[i * cols + j]) / Math.sqrt(s);
      }
    }
    NormTesting.Errors e = NormTesting.errors(got, want, 1e-2);
    System.out.printf("L2Normalize %dx%d: max |err| %.3g, max rel (|ref| >= 1e-2) %.3g%n", rows, cols, e.maxAbs(),
        e.maxRel());
    // outputs are below 1 in magnitude: atol 1e-4 (about 7 units of 16 bits)
    int bad = NormTesting.firstViolation(got, want, 1e-2, 1e-4);
    assertTrue(bad < 0, () -> "entry " + bad + ": got " + got[bad] + ", want " + want[bad]);
  }
}
