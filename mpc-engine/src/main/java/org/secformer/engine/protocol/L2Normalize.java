package org.secformer.engine.protocol;

import org.secformer.engine.protocol.Goldschmidt.Config;
import org.secformer.engine.protocol.Goldschmidt.Kind;
import org.secformer.shares.ring.RingTensor;

/**
 * Rows divided by their Euclidean norm, y = x / sqrt(||x||^2 + eps) (sentence embeddings):
 * <ol>
 *   <li>x^2 from square pairs (exact ring values), S = row sum + eps (exact, 2f bits);
 *   <li>one round: S truncated to f bits and the secure deflation's comparisons on S;
 *   <li>r = 1/sqrt(S) by {@link Goldschmidt} over the declared range [normSqLo + eps, normSqHi + eps], at
 *       24 fractional bits;
 *   <li>y = trunc(x r, 24) (Beaver product with each row's r, truncation).
 * </ol>
 * Declared: |x| <= xMax with cols (xMax)^2 2^(2f) < 2^62. Cost ({@link #cost}): 4t + 4 rounds with
 * secure deflation; per element 32 bytes per party and 32 dealer bytes to P1, plus per row.
 */
public final class L2Normalize {
  static final int RSQRT_BITS = 24;

  /**
   * Parameters.
   *
   * @param normSqLo lowest declared ||x||^2
   * @param normSqHi highest declared ||x||^2
   * @param eps added to ||x||^2
   * @param xMax declared bound on |x|
   * @param deflation of the inverse square root
   * @param iterations Goldschmidt factors
   */
  public record Params(double normSqLo, double normSqHi, double eps, double xMax, Goldschmidt.Deflation deflation,
      int iterations) {
    public static Params of(double normSqLo, double normSqHi) {
      return new Params(normSqLo, normSqHi, 0, 100, Goldschmidt.Deflation.SECURE, Goldschmidt.DEFAULT_SECURE_ITERATIONS);
    }

    public Params withXMax(double m) {
      return new Params(normSqLo, normSqHi, eps, m, deflation, iterations);
    }

    Config rsqrt(int fracBits) {
      return new Config(normSqLo + eps, normSqHi + eps, deflation, iterations, 1, fracBits, RSQRT_BITS, 1.0);
    }

    void check(int cols, int fracBits) {
      if (!(cols * xMax * xMax * Math.scalb(1.0, 2 * fracBits) < 0x1p62)) {
        throw new IllegalArgumentException("|x| <= " + xMax + " over " + cols + " columns overflows the ring");
      }
    }
  }

  private L2Normalize() {}

  public static RingTensor apply(MpcContext ctx, RingTensor x, Params p) {
    Rows.requireMatrix(x, "L2Normalize");
    int cols = x.dim(1);
    int f = ctx.fracBits();
    p.check(cols, f);
    Config cfg = p.rsqrt(f);
    Round r1 = new Round(ctx, "l2-square");
    Round.Slot sq = r1.square(x);
    r1.run();
    RingTensor s2f = PublicOps.addConstant(ctx, Rows.sums(sq.get()), Goldschmidt.encode(p.eps(), 2 * f));
    Round r2 = new Round(ctx, "l2-sum");
    Round.Slot s = r2.truncate(s2f, f);
    Round.Slot lt = Goldschmidt.compare(r2, Kind.RSQRT, s2f, 2 * f, cfg);
    r2.run();
    RingTensor r = Goldschmidt.finish(ctx, Kind.RSQRT, s.get(), lt, cfg);
    RingTensor prod = BeaverMul.mul(ctx, x, Rows.perRow(r, cols));
    return Truncation.truncate(ctx, prod, RSQRT_BITS);
  }

  public static Cost cost(int rows, int cols, int fracBits, Params p) {
    p.check(cols, fracBits);
    long n = (long) rows * cols;
    Config cfg = p.rsqrt(fracBits);
    Round.Tally t = new Round.Tally();
    t.square(n).next();
    t.trunc(rows);
    Goldschmidt.tallyCompare(t, Kind.RSQRT, rows, 2 * fracBits, cfg);
    Goldschmidt.tallyFinish(t, Kind.RSQRT, rows, cfg);
    t.mul(n).next().trunc(n).next();
    return t.total();
  }
}
