package org.secformer.engine.protocol;

import org.secformer.shares.ring.RingTensor;

/**
 * Baseline: CrypTen's softmax ({@code crypten/common/functions/approximations.py}, default config), run
 * on this engine's primitives at the context's fixed point (16 bits) so that it can be compared with
 * {@link Softmax} on equal terms:
 * <ol>
 *   <li>masked columns dropped (as {@link Softmax}); m = row max by {@link RowMax} (same comparisons);
 *   <li>e = exp(x - m) by the limit approximation (1 + z/2^8)^(2^8): one truncation by 8 bits, then 8
 *       squarings (CrypTen's {@code exp_iterations = 8});
 *   <li>s = row sum; r = 1/s by Newton-Raphson, 10 iterations ({@code reciprocal_nr_iters = 10}) of
 *       r = 2r - s r^2, from CrypTen's initial guess r0 = 3 exp(1 - 2s) + 0.003 (its own limit exp);
 *   <li>p = e r, truncated.
 * </ol>
 * Every CrypTen multiplication is a Beaver product or square and a truncation (two rounds). The exp
 * helper and the reciprocal are private here on purpose (the GeLU baseline has its own).
 * Validity: the initial guess needs s < 128.5 (1 - 2s > -256), i.e. at most 128 kept columns; exp's
 * error x^2/(2 * 256) relative (2e-3 absolute at x = -2) and the 16-bit rounding amplified 256 times by
 * the squarings dominate.
 * Cost ({@link #cost}): RowMax + 2 x 17 rounds of exp + 40 of Newton + 2.
 */
public final class CryptenSoftmax {
  static final int EXP_ITERATIONS = 8;
  static final int NR_ITERATIONS = 10;

  private CryptenSoftmax() {}

  public static RingTensor apply(MpcContext ctx, RingTensor x, boolean[] keep, Softmax.Params p) {
    return Rows.onKeptColumns(x, keep, "softmax", (xa, a) -> {
      RingTensor max = RowMax.max(ctx, xa, p.maxBits(ctx.fracBits()));
      RingTensor e = LimitExp.exp(ctx, xa.sub(Rows.perRow(max, a)));
      RingTensor r = NewtonReciprocal.reciprocal(ctx, Rows.sums(e));
      return FxpMul.mul(ctx, e, Rows.perRow(r, a));
    });
  }


  public static Cost cost(int rows, int keptCols, int fracBits, Softmax.Params p) {
    if (keptCols == 0 || rows == 0) {
      return Cost.ZERO;
    }
    long n = (long) rows * keptCols;
    return RowMax.cost(rows, keptCols, p.maxBits(fracBits))
        .plus(LimitExp.cost(n))
        .plus(NewtonReciprocal.cost(rows))
        .plus(FxpMul.mulCost(n));
  }

  /** CrypTen's exp: (1 + x / 2^8)^(2^8). */
  static final class LimitExp {
    private LimitExp() {}

    static RingTensor exp(MpcContext ctx, RingTensor x) {
      RingTensor r = PublicOps.addConstant(ctx, Truncation.truncate(ctx, x, EXP_ITERATIONS), ctx.fxp().one());
      for (int i = 0; i < EXP_ITERATIONS; i++) {
        r = Square.fxp(ctx, r);
      }
      return r;
    }

    static Cost cost(long n) {
      return Truncation.cost(n).plus(Square.fxpCost(n).times(EXP_ITERATIONS));
    }
  }

  /** CrypTen's reciprocal (method NR, all inputs positive). */
  static final class NewtonReciprocal {
    private NewtonReciprocal() {}

    static RingTensor reciprocal(MpcContext ctx, RingTensor s) {
      // r0 = 3 exp(1 - 2 s) + 0.003
      RingTensor w = PublicOps.addConstant(ctx, s.mulScalar(-2), ctx.fxp().one());
      RingTensor r = PublicOps.addConstant(ctx, LimitExp.exp(ctx, w).mulScalar(3), ctx.fxp().encode(0.003));
      for (int i = 0; i < NR_ITERATIONS; i++) {
        RingTensor sq = Square.fxp(ctx, r);
        r = r.mulScalar(2).subInPlace(FxpMul.mul(ctx, sq, s));
      }
      return r;
    }

    static Cost cost(long n) {
      return LimitExp.cost(n).plus(Square.fxpCost(n).plus(FxpMul.mulCost(n)).times(NR_ITERATIONS));
    }
  }
}
