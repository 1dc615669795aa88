package org.secformer.engine.protocol;

import org.secformer.shares.ring.RingTensor;

/**
 * CrypTen's sigmoid, method "reciprocal" (its default; crypten/common/functions/approximations.py,
 * {@code sigmoid}), a baseline:
 * <ol>
 *   <li>ltz = [x < 0] ({@link Compare}), sign = 1 - 2 ltz, pos = sign x (a Beaver product, exact);
 *   <li>den = 1 + exp(-pos) with {@link CryptenExp} of {@value #EXP_ITERATIONS} iterations;
 *   <li>p = 1/den by {@link CryptenReciprocal} with {@value #NR_ITERATIONS} Newton iterations from the
 *       constant 0.75 (den is in (1, 2]);
 *   <li>result = where(1 - ltz, p, 1 - p) = select(ltz, 1 - p, p) ({@link Select}).
 * </ol>
 * The iteration counts are the ones CrypTen's sigmoid sets with cfg.temp_override (exp_iterations 9,
 * reciprocal_nr_iters 3, reciprocal_all_pos, reciprocal_initial 0.75), not the global defaults.
 * Input range: |x| < 2^(k+1) = 1024 for the exp limit, and |x| < 2^(bits-1-f) for the comparison.
 *
 * <p>Cost ({@link #cost}): 31 rounds: comparison 1, product 1, exp 19, reciprocal 9, select 1.
 */
public final class CryptenSigmoid {
  public static final int EXP_ITERATIONS = 9;
  public static final int NR_ITERATIONS = 3;
  public static final double NR_INITIAL = 0.75;

  private CryptenSigmoid() {}

  public static RingTensor sigmoid(MpcContext ctx, RingTensor x, int compareBits) {
    boolean first = ctx.isFirst();
    long one = ctx.fxp().one();
    RingTensor ltz = Compare.lessThanZero(ctx, x, compareBits);
    RingTensor sign = ltz.mulScalar(-2);
    if (first) {
      sign.addScalarInPlace(1);
    }
    RingTensor negPos = BeaverMul.mul(ctx, x, sign).negInPlace();
    RingTensor den = CryptenExp.exp(ctx, negPos, EXP_ITERATIONS);
    if (first) {
      den.addScalarInPlace(one);
    }
    RingTensor p = CryptenReciprocal.reciprocalPositive(ctx, den, NR_ITERATIONS, NR_INITIAL);
    RingTensor oneMinusP = p.neg();
    if (first) {
      oneMinusP.addScalarInPlace(one);
    }
    return Select.select(ctx, ltz, oneMinusP, p);
  }

  public static Cost cost(long n, int compareBits) {
    return Compare.cost(n, compareBits).plus(BeaverMul.cost(n))
        .plus(CryptenExp.cost(n, EXP_ITERATIONS))
        .plus(CryptenReciprocal.positiveCost(n, NR_ITERATIONS, true))
        .plus(Select.cost(n));
  }
}
