package org.secformer.engine.protocol;

import org.secformer.shares.ring.RingTensor;

/**
 * CrypTen's exponential (crypten/common/functions/approximations.py, {@code exp}), a baseline: the limit
 * approximation exp(x) ~ (1 + x / 2^k)^(2^k), computed as one division by 2^k (a truncation by k bits)
 * and k squarings. CrypTen's default is k = {@value #DEFAULT_ITERATIONS} (configs/default.yaml
 * exp_iterations); its sigmoid uses 9.
 *
 * <p>Accuracy: for x <= 0 the relative error grows like x^2 / 2^(k+1); for x < -2^(k+1) the base
 * 1 + x / 2^k is below -1 and the powers blow up (CrypTen has the same limit). Each squaring is a
 * {@link FxpMul} (Beaver product plus truncation; CrypTen squares with a square pair that opens one word,
 * this engine has no such correlation, so a squaring opens two).
 *
 * <p>Cost ({@link #cost}): 1 + 2k rounds; (8 + 24 k) n bytes sent by each party; the dealer sends
 * (16 + 24 k) n bytes to P1, none to P0.
 */
public final class CryptenExp {
  public static final int DEFAULT_ITERATIONS = 8;

  private CryptenExp() {}

  public static RingTensor exp(MpcContext ctx, RingTensor x) {
    return exp(ctx, x, DEFAULT_ITERATIONS);
  }

  public static RingTensor exp(MpcContext ctx, RingTensor x, int iterations) {
    RingTensor y = Truncation.truncate(ctx, x, iterations);
    if (ctx.isFirst()) {
      y.addScalarInPlace(ctx.fxp().one());
    }
    for (int i = 0; i < iterations; i++) {
      y = FxpMul.mul(ctx, y, y);
    }
    return y;
  }

  public static Cost cost(long n, int iterations) {
    return Truncation.cost(n).plus(FxpMul.mulCost(n).times(iterations));
  }
}
