package org.secformer.engine.protocol;

import org.secformer.engine.protocol.Goldschmidt.Config;
import org.secformer.engine.protocol.Goldschmidt.Kind;
import org.secformer.shares.ring.RingTensor;

/**
 * SecFormer's 2Quad attention (for models distilled with it): p_ij = (x_ij + c)^2 / sum_k (x_ik + c)^2
 * over the kept columns, c = 5 (the authors' code and training script).
 * <ol>
 *   <li>masked columns (public 0/1 mask per column) are dropped and come out as 0, as the training code's
 *       multiplication by the mask;
 *   <li>q = (x + c)^2 by a square pair, kept as the exact ring square (2f fractional bits, no
 *       truncation); the row sum S of q is exact;
 *   <li>one round: S truncated to f bits, and (secure deflation) the comparisons of S against the bins
 *       of the declared row-sum range [lo, hi];
 *   <li>r = 1/S by {@link Goldschmidt} (default 3 factors after secure deflation; the authors' 7 with
 *       {@link Goldschmidt.Deflation#PUBLIC}), at 28 fractional bits;
 *   <li>p = q r, one Beaver product and one truncation back to f bits.
 * </ol>
 * All-masked rows (no kept column) give zeros without traffic; a row whose quads are all 0 (every score
 * exactly -c) gives zeros too (the reciprocal of 0 stays bounded, see {@link Goldschmidt}); a single
 * kept column gives 1 unless its score is -c.
 * Cost ({@link #cost}): 1 round and 8 bytes per element for the squares, then 1 round of row
 * truncations and comparisons, the reciprocal after its comparisons, 2 rounds and 24 bytes per element
 * for the product: per element 32 bytes per party and 32 dealer bytes to P1, plus per row the
 * reciprocal and K - 1 comparisons.
 */
public final class QuadAttention {
  public static final double DEFAULT_C = 5;
  /** Fractional bits of the reciprocal of the row sums. */
  static final int RECIPROCAL_BITS = 28;

  /**
   * Parameters.
   *
   * @param c the shift (5)
   * @param sumLo lowest declared row sum of (x + c)^2
   * @param sumHi highest declared row sum
   * @param deflation of the reciprocal
   * @param iterations of the reciprocal
   * @param binBits secure deflation bins of 2^binBits (2 halves the comparisons, needs one more factor)
   */
  public record Params(double c, double sumLo, double sumHi, Goldschmidt.Deflation deflation, int iterations,
      int binBits) {
    /** c = 5, row sums in [lo, hi], secure deflation with octave bins, 3 factors. */
    public static Params of(double sumLo, double sumHi) {
      return new Params(DEFAULT_C, sumLo, sumHi, Goldschmidt.Deflation.SECURE, Goldschmidt.DEFAULT_SECURE_ITERATIONS, 1);
    }

    public Params withReciprocal(Goldschmidt.Deflation d, int t) {
      return new Params(c, sumLo, sumHi, d, t, binBits);
    }

    public Params withBinBits(int w) {
      return new Params(c, sumLo, sumHi, deflation, iterations, w);
    }

    Config reciprocal(int fracBits) {
      return new Config(sumLo, sumHi, deflation, iterations, binBits, fracBits, RECIPROCAL_BITS, 1.0);
    }
  }

  private QuadAttention() {}

  public static RingTensor apply(MpcContext ctx, RingTensor x, boolean[] keep, Params p) {
    return Rows.onKeptColumns(x, keep, "2Quad", (xa, a) -> normalise(ctx, shift(ctx, xa, p), p));
  }

  /**
   * 2Quad with a secret column mask: {@code keep} holds shares of integer 0/1 values of x's shape. The
   * shifted score x + c is multiplied by the mask first (one Beaver round, no truncation since the mask
   * is an integer), so a masked entry's quad is exactly 0 and which keys are padding stays secret.
   * Cost: {@link #maskedCost}.
   */
  public static RingTensor applyMasked(MpcContext ctx, RingTensor x, RingTensor keep, Params p) {
    if (!x.sameShape(keep)) {
      throw new IllegalArgumentException("2Quad mask " + keep + " does not match the scores " + x);
    }
    Rows.requireMatrix(x, "2Quad");
    if (x.size() == 0) {
      return RingTensor.zeros(x.shape());
    }
    return normalise(ctx, BeaverMul.mul(ctx, shift(ctx, x, p), keep), p);
  }

  private static RingTensor shift(MpcContext ctx, RingTensor x, Params p) {
    return PublicOps.addConstant(ctx, x, Goldschmidt.encode(p.c(), ctx.fracBits()));
  }

  /** (x + c)^2 / row sum for the shifted scores of [rows, cols]. */
  private static RingTensor normalise(MpcContext ctx, RingTensor shifted, Params p) {
    int f = ctx.fracBits();
    int a = shifted.dim(1);
    Config cfg = p.reciprocal(f);
    Round r1 = new Round(ctx, "quad");
    Round.Slot q = r1.square(shifted);
    r1.run();
    RingTensor s2f = Rows.sums(q.get());
    Round r2 = new Round(ctx, "quad-sum");
    Round.Slot s = r2.truncate(s2f, f);
    Round.Slot lt = Goldschmidt.compare(r2, Kind.RECIPROCAL, s2f, 2 * f, cfg);
    r2.run();
    RingTensor r = Goldschmidt.finish(ctx, Kind.RECIPROCAL, s.get(), lt, cfg);
    RingTensor prod = BeaverMul.mul(ctx, q.get(), Rows.perRow(r, a));
    return Truncation.truncate(ctx, prod, f + RECIPROCAL_BITS);
  }

  public static Cost maskedCost(int rows, int cols, int fracBits, Params p) {
    if (cols == 0 || rows == 0) {
      return Cost.ZERO;
    }
    return BeaverMul.cost((long) rows * cols).plus(cost(rows, cols, fracBits, p));
  }

  public static Cost cost(int rows, int keptCols, int fracBits, Params p) {
    if (keptCols == 0 || rows == 0) {
      return Cost.ZERO;
    }
    long n = (long) rows * keptCols;
    Config cfg = p.reciprocal(fracBits);
    Round.Tally t = new Round.Tally();
    t.square(n).next();
    t.trunc(rows);
    Goldschmidt.tallyCompare(t, Kind.RECIPROCAL, rows, 2 * fracBits, cfg);
    Goldschmidt.tallyFinish(t, Kind.RECIPROCAL, rows, cfg);
    t.mul(n).next().trunc(n).next();
    return t.total();
  }
}
