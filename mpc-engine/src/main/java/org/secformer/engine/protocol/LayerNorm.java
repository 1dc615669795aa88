package org.secformer.engine.protocol;

import org.secformer.engine.protocol.Goldschmidt.Config;
import org.secformer.engine.protocol.Goldschmidt.Kind;
import org.secformer.shares.ring.RingTensor;

/**
 * LayerNorm over the last axis of shared x [rows, H] with shared gamma, beta [H] (SecFormer):
 * y = (x - mean) / sqrt(var + eps) * gamma + beta, var the biased variance (as PyTorch).
 * <ol>
 *   <li>round 1: mean = trunc(sum_j x_j * round(2^G / H), G), G as large as the declared |x| bound
 *       allows (per row); and the Beaver products c' gamma of the exactly centred c' = H x - sum_j x_j
 *       (local, no rounding) with gamma;
 *   <li>round 2: the squares of c = x - mean from square pairs (exact ring values, 2f fractional bits);
 *       c' gamma truncated to f bits;
 *   <li>round 3: S = sum_j c_j^2 + H eps (exact, 2f bits) truncated to f bits, and the comparisons of S
 *       for the secure deflation (one round);
 *   <li>r = 1/(H sqrt(var + eps)) = rsqrt(S) / sqrt(H) by {@link Goldschmidt} inverse square root over
 *       the declared range H [varLo + eps, varHi + eps], at 32 fractional bits (the 1/sqrt(H) folded into
 *       its constants);
 *   <li>y = trunc(c' gamma * r, 32) + beta (Beaver product, truncation, local addition).
 * </ol>
 * The output uses c', not c: the mean's rounding (up to one unit, the same for the whole row) would
 * otherwise be multiplied by 1/sqrt(var), 30 for var = 1e-3; the variance is insensitive to it (it adds
 * H delta^2). So a constant row gives exactly beta, and the error is that of the inverse square root
 * (about 1e-6 relative) plus the final 16-bit rounding.
 * Declared ranges: |x| <= xMax (default 100; |x - mean| <= 2 xMax), var in [varLo, varHi], |gamma| <= 64.
 * Outside them the error bound does not hold; H (2 xMax)^2 2^(2f) must stay below 2^62.
 * Cost ({@link #cost}): 4t + 5 rounds for t Goldschmidt factors with secure deflation (17 for t = 3);
 * per element 56 bytes per party, 56 dealer bytes to P1; per row the mean, variance truncation,
 * the inverse square root and K - 1 comparisons of width L (K - 1 = 23, L = 59 for the test range
 * [1e-3, 1e4] at H = 768).
 */
public final class LayerNorm {
  /** Fractional bits of 1/(H sqrt(var + eps)). */
  static final int RSQRT_BITS = 32;

  /**
   * Parameters.
   *
   * @param varLo lowest declared row variance
   * @param varHi highest declared row variance
   * @param eps added to the variance (BERT: 1e-12)
   * @param xMax declared bound on |x|
   * @param deflation of the inverse square root
   * @param iterations Goldschmidt factors
   * @param binBits secure deflation bin width (1: octaves)
   */
  public record Params(
      double varLo, double varHi, double eps, double xMax, Goldschmidt.Deflation deflation, int iterations, int binBits) {
    public Params {
      if (!(varLo > 0 || eps > 0) || !(varHi >= varLo) || !(eps >= 0) || !(xMax > 0)) {
        throw new IllegalArgumentException("bad LayerNorm ranges");
      }
    }

    /** Variances in [lo, hi], eps 1e-12, |x| <= 100, secure deflation, 3 factors, octave bins. */
    public static Params of(double varLo, double varHi) {
      return new Params(varLo, varHi, 1e-12, 100, Goldschmidt.Deflation.SECURE, Goldschmidt.DEFAULT_SECURE_ITERATIONS, 1);
    }

    public Params withEps(double e) {
      return new Params(varLo, varHi, e, xMax, deflation, iterations, binBits);
    }

    public Params withXMax(double m) {
      return new Params(varLo, varHi, eps, m, deflation, iterations, binBits);
    }

    public Params withRsqrt(Goldschmidt.Deflation d, int t, int w) {
      return new Params(varLo, varHi, eps, xMax, d, t, w);
    }

    Config rsqrt(int h, int fracBits) {
      return new Config(h * (varLo + eps), h * (varHi + eps), deflation, iterations, binBits, fracBits, RSQRT_BITS,
          1 / Math.sqrt(h));
    }

    /** G of the mean: |mean| 2^(f + G) < 2^61. */
    int meanBits(int fracBits) {
      return 61 - fracBits - (int) Math.ceil(Math.log(xMax) / Math.log(2));
    }

    void check(int h, int fracBits) {
      double s = h * 4 * xMax * xMax * Math.scalb(1.0, 2 * fracBits);
      // c' gamma: H 2 xMax |gamma| 2^(2f), with |gamma| up to 64
      double cg = h * 2 * xMax * 64 * Math.scalb(1.0, 2 * fracBits);
      if (!(s < 0x1p62) || !(cg < 0x1p62) || meanBits(fracBits) < 16) {
        throw new IllegalArgumentException("|x| <= " + xMax + " over " + h + " columns overflows the ring at "
            + fracBits + " fractional bits");
      }
    }
  }

  private LayerNorm() {}

  public static RingTensor apply(MpcContext ctx, RingTensor x, RingTensor gamma, RingTensor beta, Params p) {
    Rows.requireMatrix(x, "LayerNorm");
    int rows = x.dim(0), h = x.dim(1);
    if (gamma.size() != h || beta.size() != h) {
      throw new IllegalArgumentException("gamma and beta need " + h + " elements, got " + gamma + ", " + beta);
    }
    int f = ctx.fracBits();
    p.check(h, f);
    Config cfg = p.rsqrt(h, f);
    int g = p.meanBits(f);
    // round 1: mean, and c' gamma with c' = H x - sum x (exact)
    RingTensor sums = Rows.sums(x);
    RingTensor exact = x.mulScalar(h).subInPlace(Rows.perRow(sums, h));
    Round r1 = new Round(ctx, "ln-mean");
    Round.Slot mean = r1.truncate(sums.mulScalar(Math.round(Math.scalb(1.0, g) / h)), g);
    Round.Slot cg = r1.mul(exact, Rows.perColumn(gamma.reshape(h), rows));
    r1.run();
    RingTensor c = x.sub(Rows.perRow(mean.get(), h));
    // round 2: c^2, and c' gamma truncated
    Round r2 = new Round(ctx, "ln-square");
    Round.Slot sq = r2.square(c);
    Round.Slot cgt = r2.truncate(cg.get(), f);
    r2.run();
    RingTensor s2f = PublicOps.addConstant(ctx, Rows.sums(sq.get()), Goldschmidt.encode(h * p.eps(), 2 * f));
    // round 3: the variance sum truncated, and the deflation's comparisons
    Round r3 = new Round(ctx, "ln-var");
    Round.Slot s = r3.truncate(s2f, f);
    Round.Slot lt = Goldschmidt.compare(r3, Kind.RSQRT, s2f, 2 * f, cfg);
    r3.run();
    RingTensor r = Goldschmidt.finish(ctx, Kind.RSQRT, s.get(), lt, cfg);
    RingTensor prod = BeaverMul.mul(ctx, cgt.get(), Rows.perRow(r, h));
    return Truncation.truncate(ctx, prod, RSQRT_BITS).addInPlace(Rows.perColumn(beta.reshape(h), rows));
  }

  public static Cost cost(int rows, int h, int fracBits, Params p) {
    p.check(h, fracBits);
    long n = (long) rows * h;
    Config cfg = p.rsqrt(h, fracBits);
    Round.Tally t = new Round.Tally();
    t.trunc(rows).mul(n).next();
    t.square(n).trunc(n).next();
    t.trunc(rows);
    Goldschmidt.tallyCompare(t, Kind.RSQRT, rows, 2 * fracBits, cfg);
    Goldschmidt.tallyFinish(t, Kind.RSQRT, rows, cfg);
    t.mul(n).next().trunc(n).next();
    return t.total();
  }
}
