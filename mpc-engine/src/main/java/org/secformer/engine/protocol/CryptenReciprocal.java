package org.secformer.engine.protocol;

import org.secformer.shares.ring.RingTensor;

/**
 * CrypTen's reciprocal by Newton-Raphson (crypten/common/functions/approximations.py, {@code reciprocal},
 * method "NR"), a baseline: r <- 2 r - r^2 x, each iteration a squaring and a product ({@link FxpMul},
 * 4 rounds). The initial value is CrypTen's default r0 = 3 exp(1 - 2x) + 0.003 (its code; the docstring
 * writes 3 exp(-(x - 1/2)) + 0.003), with {@link CryptenExp} of {@value CryptenExp#DEFAULT_ITERATIONS}
 * iterations, or a public constant (CrypTen's {@code reciprocal_initial}, e.g. 0.75 in its sigmoid), in
 * which case the first iteration 2 r0 - r0^2 x is a public product (one truncation). Default
 * {@value #DEFAULT_ITERATIONS} iterations (configs/default.yaml reciprocal_nr_iters).
 *
 * <p>{@link #reciprocalPositive} is CrypTen's {@code reciprocal_all_pos = True}; {@link #reciprocal}
 * handles both signs as CrypTen does: sgn = 1 - 2 [x < 0], sgn reciprocal(sgn x).
 *
 * <p>Cost of {@link #reciprocalPositive} ({@link #positiveCost}), k iterations: 4 k rounds and 64 k n bytes
 * sent per party for the Newton steps, plus the start: CrypTen's exp (17 rounds, 200 n bytes) for the
 * default, or one truncation replacing the first iteration (1 round, 8 n bytes) for a constant. Dealer:
 * 24 n bytes to P1 per {@link FxpMul}, 16 n per truncation. {@link #reciprocal} adds a comparison and two
 * Beaver products (3 rounds, 40 n bytes).
 */
public final class CryptenReciprocal {
  public static final int DEFAULT_ITERATIONS = 10;

  private CryptenReciprocal() {}

  /** 1/x for x > 0 with CrypTen's defaults (10 iterations from 3 exp(1 - 2x) + 0.003). */
  public static RingTensor reciprocalPositive(MpcContext ctx, RingTensor x) {
    return reciprocalPositive(ctx, x, DEFAULT_ITERATIONS, null);
  }

  /**
   * 1/x for x > 0 with {@code iterations} Newton steps from {@code initial} (null: CrypTen's default
   * 3 exp(1 - 2x) + 0.003).
   */
  public static RingTensor reciprocalPositive(MpcContext ctx, RingTensor x, int iterations, Double initial) {
    if (iterations < 1) {
      throw new IllegalArgumentException("at least one Newton iteration, got " + iterations);
    }
    boolean first = ctx.isFirst();
    RingTensor r;
    int done;
    if (initial == null) {
      RingTensor arg = x.mulScalar(-2);
      if (first) {
        arg.addScalarInPlace(ctx.fxp().one());
      }
      r = CryptenExp.exp(ctx, arg, CryptenExp.DEFAULT_ITERATIONS).mulScalarInPlace(3);
      if (first) {
        r.addScalarInPlace(ctx.fxp().encode(0.003));
      }
      done = 0;
    } else {
      // 2 r0 - r0^2 x with public r0: one public product
      double r0 = initial;
      r = FxpMul.mulPublic(ctx, x, r0 * r0).negInPlace();
      if (first) {
        r.addScalarInPlace(ctx.fxp().encode(2 * r0));
      }
      done = 1;
    }
    for (int i = done; i < iterations; i++) {
      RingTensor sq = FxpMul.mul(ctx, r, r);
      RingTensor prod = FxpMul.mul(ctx, sq, x);
      r = r.mulScalar(2).subInPlace(prod);
    }
    return r;
  }

  /** 1/x for x != 0 of either sign with CrypTen's defaults; [x < 0] with {@code compareBits}. */
  public static RingTensor reciprocal(MpcContext ctx, RingTensor x, int compareBits) {
    return reciprocal(ctx, x, compareBits, DEFAULT_ITERATIONS, null);
  }

  public static RingTensor reciprocal(MpcContext ctx, RingTensor x, int compareBits, int iterations, Double initial) {
    RingTensor sign = Compare.lessThanZero(ctx, x, compareBits).mulScalarInPlace(-2);
    if (ctx.isFirst()) {
      sign.addScalarInPlace(1);
    }
    RingTensor pos = BeaverMul.mul(ctx, x, sign);
    return BeaverMul.mul(ctx, reciprocalPositive(ctx, pos, iterations, initial), sign);
  }

  /** Cost of {@link #reciprocalPositive} on n elements. */
  public static Cost positiveCost(long n, int iterations, boolean constantInitial) {
    Cost start = constantInitial
        ? Truncation.cost(n)
        : CryptenExp.cost(n, CryptenExp.DEFAULT_ITERATIONS);
    return start.plus(FxpMul.mulCost(n).times(2L * (iterations - (constantInitial ? 1 : 0))));
  }

  /** Cost of {@link #reciprocal} (both signs) on n elements. */
  public static Cost cost(long n, int compareBits, int iterations, boolean constantInitial) {
    return Compare.cost(n, compareBits).plus(BeaverMul.cost(n))
        .plus(positiveCost(n, iterations, constantInitial)).plus(BeaverMul.cost(n));
  }
}
