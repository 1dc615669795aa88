package org.secformer.engine.protocol;

import org.secformer.shares.ring.RingTensor;

/**
 * CrypTen's GeLU as the SecFormer authors benchmark it (efficiency/utils.py crypten_gelu, lines 124-136),
 * a baseline: the tanh form GeLU(x) ~ 0.5 x (1 + tanh(y)), y = sqrt(2/pi) (x + 0.044715 x^3), with
 * CrypTen's tanh(y) = 2 sigmoid(2y) - 1 ({@link CryptenSigmoid}). Since 0.5 x (1 + 2 s - 1) = x s, the
 * result is x sigmoid(2y), the same value without the public affine steps.
 * <ol>
 *   <li>x^3 = x^2 x as CrypTen's pow(3) ({@code square().mul_(x)}): two {@link FxpMul}, 4 rounds;
 *   <li>u = 2y = c1 x + c3 x^3 with public constants ({@value #COEF_BITS}-bit) and one truncation;
 *   <li>s = sigmoid(u) (31 rounds);
 *   <li>x s ({@link FxpMul}, 2 rounds).
 * </ol>
 * Valid range: the exp limit inside sigmoid needs |u| < 1024, i.e. |x| < 18.6; beyond it the output is
 * garbage (as in CrypTen). The tanh form itself differs from the erf GeLU by up to 4.7e-4.
 *
 * <p>Cost ({@link #cost}): 38 rounds.
 */
public final class CryptenGelu {
  public static final double TANH_SCALE = Math.sqrt(2 / Math.PI);
  public static final double CUBIC = 0.044715;
  public static final int COEF_BITS = 20;
  public static final int DEFAULT_COMPARE_BITS = 32;

  private CryptenGelu() {}

  public static RingTensor gelu(MpcContext ctx, RingTensor x) {
    return gelu(ctx, x, DEFAULT_COMPARE_BITS);
  }

  public static RingTensor gelu(MpcContext ctx, RingTensor x, int compareBits) {
    RingTensor x2 = FxpMul.mul(ctx, x, x);
    RingTensor x3 = FxpMul.mul(ctx, x2, x);
    double coefScale = Math.scalb(1.0, COEF_BITS);
    RingTensor lin = x.mulScalar(Math.round(2 * TANH_SCALE * coefScale))
        .addInPlace(x3.mulScalar(Math.round(2 * TANH_SCALE * CUBIC * coefScale)));
    RingTensor u = Truncation.truncate(ctx, lin, COEF_BITS);
    RingTensor s = CryptenSigmoid.sigmoid(ctx, u, compareBits);
    return FxpMul.mul(ctx, x, s);
  }

  public static Cost cost(long n) {
    return cost(n, DEFAULT_COMPARE_BITS);
  }

  public static Cost cost(long n, int compareBits) {
    return FxpMul.mulCost(n).times(2)
        .plus(Truncation.cost(n))
        .plus(CryptenSigmoid.cost(n, compareBits))
        .plus(FxpMul.mulCost(n));
  }

  /** The plaintext tanh form 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
  public static double tanhForm(double x) {
    return 0.5 * x * (1 + Math.tanh(TANH_SCALE * (x + CUBIC * x * x * x)));
  }
}
