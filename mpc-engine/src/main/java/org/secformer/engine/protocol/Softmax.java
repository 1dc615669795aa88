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

    /**
     * The parameters {@link #applyMasked} runs with: masked scores are pushed down by {@link #maskShift}, so
     * the declared range grows by it and exp needs enough squarings for the wider domain.
     */
    public Params masked() {
      double lo = scoreLo - maskShift();
      int n = squarings;
      while (scoreHi - lo > -NegExp.lowestInput(n)) {
        n++;
      }
      return new Params(lo, scoreHi, n, deflation, iterations);
    }

    /**
     * What a masked score loses: more than the declared range, so every masked score is below every kept
     * one (the row max is a kept score and the row sum stays in [1, A]), and 16 more, so a masked
     * entry's exp is below e^-16 = 1.1e-7 of the row max before it underflows to 0 at 24 bits.
     */
    public double maskShift() {
      return Math.ceil(scoreHi - scoreLo) + 16;
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


  /**
   * Softmax of each row of shared scores [rows, cols] with a secret column mask: {@code keep} holds
   * shares of integer 0/1 values of x's shape (1 = the key takes part). A masked score gets
   * {@link Params#maskShift} subtracted, a local step, so which keys are padding stays secret; the row
   * then goes through {@link #apply} over all its columns with {@link Params#masked}. Masked entries come
   * out below 1.1e-7 (at most 0 after the final truncation in practice). Cost: {@link #maskedCost}.
   */
  public static RingTensor applyMasked(MpcContext ctx, RingTensor x, RingTensor keep, Params p) {
    if (!x.sameShape(keep)) {
      throw new IllegalArgumentException("softmax mask " + keep + " does not match the scores " + x);
    }
    long shift = Goldschmidt.encode(p.maskShift(), ctx.fracBits());
    // x + shift (keep - 1): keep is an integer share, so keep * shift is a local product at f bits
    RingTensor shifted = PublicOps.addConstant(ctx, x.add(keep.mulScalar(shift)), -shift);
    return apply(ctx, shifted, null, p.masked());
  }

  public static Cost maskedCost(int rows, int cols, int fracBits, Params p) {
    return cost(rows, cols, fracBits, p.masked());
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
