package org.secformer.engine.protocol;

import org.secformer.engine.protocol.Goldschmidt.Config;
import org.secformer.shares.ring.RingTensor;

/**
 * Exact softmax over the last axis (the path for models that were not distilled to 2Quad):
 * <ol>
 *   <li>masked columns (a public 0/1 mask per column, as BERT's attention mask) are dropped: they take no
 *       part and come out as 0;
 *   <li>m = row max by {@link RowMax} (comparisons of width L from the declared score range);
 *   <li>e = exp(x - m) by {@link NegExp} (x - m <= 0) at 24 fractional bits;
 *   <li>s = sum of the row, in [1, A] since the max contributes exp(0) = 1 exactly (A kept columns);
 *   <li>r = 1/s by {@link Goldschmidt} over [1, A] (secure deflation by default), at 24 bits;
 *   <li>p = e r (Beaver product of each entry with its row's r), truncated to the context's bits.
 * </ol>
 * All-masked rows (A = 0) give zeros without any traffic; single-column rows give exactly 1.
 * Error (for scores in the declared range): exp's |x|^3/(6 N^2) relative (absolute at most 3.4e-6 for
 * n = 8), the reciprocal's (1.2e-5 relative after secure deflation, t = 3), and the final truncation to
 * 16 bits; measured max |p - p_ref| is about 2e-5 (tests).
 * Cost: RowMax(rows, A, L) + NegExp(rows A) + Goldschmidt reciprocal(rows) + one Beaver product and one
 * truncation of rows A elements ({@link #cost}).
 */
public final class Softmax {
  /** Fractional bits of exp and of the reciprocal. */
  static final int INNER_BITS = 24;

  /**
   * Parameters.
   *
   * @param scoreLo lowest declared score
   * @param scoreHi highest declared score
   * @param squarings n of {@link NegExp} (needs scoreHi - scoreLo <= 2^(n+1))
   * @param deflation of the reciprocal of the row sums
   * @param iterations of the reciprocal
   */
  public record Params(double scoreLo, double scoreHi, int squarings, Goldschmidt.Deflation deflation, int iterations) {
    public Params {
      if (!(scoreHi >= scoreLo)) {
        throw new IllegalArgumentException("score range [" + scoreLo + ", " + scoreHi + "] is empty");
      }
      if (scoreHi - scoreLo > -NegExp.lowestInput(squarings)) {
        throw new IllegalArgumentException("score range wider than 2^(n+1) = " + -NegExp.lowestInput(squarings)
            + ": exp would diverge; raise squarings");
      }
    }

    /** Scores in [lo, hi], 8 squarings, secure deflation, 3 factors. */
    public static Params of(double scoreLo, double scoreHi) {
      return new Params(scoreLo, scoreHi, NegExp.DEFAULT_SQUARINGS, Goldschmidt.Deflation.SECURE,
          Goldschmidt.DEFAULT_SECURE_ITERATIONS);
    }

    public Params withSquarings(int n) {
      return new Params(scoreLo, scoreHi, n, deflation, iterations);
    }

    public Params withReciprocal(Goldschmidt.Deflation d, int t) {
      return new Params(scoreLo, scoreHi, squarings, d, t);
    }

    /** Comparison width of the row max for 16-bit scores. */
    int maxBits(int fracBits) {
      return Rows.signedBits(scoreHi - scoreLo, fracBits);
    }

    Config reciprocal(int kept) {
      return new Config(1, Math.max(1, kept), deflation, iterations, 1, INNER_BITS, INNER_BITS, 1.0);
    }
  }

  private Softmax() {}

  /** Softmax of each row of shared scores [rows, cols] over the kept columns ({@code keep} null: all). */
  public static RingTensor apply(MpcContext ctx, RingTensor x, boolean[] keep, Params p) {
    return Rows.onKeptColumns(x, keep, "softmax", (xa, a) -> {
      int f = ctx.fracBits();
      RingTensor max = RowMax.max(ctx, xa, p.maxBits(f));
      RingTensor z = xa.sub(Rows.perRow(max, a));
      RingTensor e = NegExp.exp(ctx, z, p.squarings(), f, INNER_BITS);
      RingTensor r = Goldschmidt.reciprocal(ctx, Rows.sums(e), p.reciprocal(a));
      RingTensor prod = BeaverMul.mul(ctx, e, Rows.perRow(r, a));
      return Truncation.truncate(ctx, prod, 2 * INNER_BITS - f);
    });
  }


  public static Cost cost(int rows, int keptCols, int fracBits, Params p) {
    if (keptCols == 0 || rows == 0) {
      return Cost.ZERO;
    }
    long n = (long) rows * keptCols;
    return RowMax.cost(rows, keptCols, p.maxBits(fracBits))
        .plus(NegExp.cost(n, p.squarings(), fracBits, INNER_BITS))
        .plus(Goldschmidt.reciprocalCost(rows, p.reciprocal(keptCols)))
        .plus(BeaverMul.cost(n))
        .plus(Truncation.cost(n));
  }
}
