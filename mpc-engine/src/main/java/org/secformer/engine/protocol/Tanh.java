package org.secformer.engine.protocol;

import org.secformer.engine.protocol.Goldschmidt.Config;
import org.secformer.shares.ring.RingTensor;

/**
 * tanh(x) = sign(x) (1 - w) / (1 + w) with w = exp(-2 |x|) in (0, 1] (BERT's pooler), from this package's
 * pieces, so that exp is only needed for non-positive inputs:
 * <ol>
 *   <li>b = [x < 0] by a comparison (width from the declared |x| bound); s = 1 - 2b (integer);
 *   <li>|x| = x s, an exact Beaver product (no truncation: s is an integer);
 *   <li>w = exp(-2|x|) by {@link NegExp} at 24 fractional bits;
 *   <li>the numerator s (1 - w), exact Beaver product (one round);
 *   <li>r = 1/(1 + w) by {@link Goldschmidt} with public deflation over [1, 2] (3 factors: 1.2e-5);
 *   <li>tanh = s (1 - w) r, Beaver product and truncation.
 * </ol>
 * Error: about 1e-5 relative (exp and the reciprocal) plus the 16-bit rounding; tanh(0) = 0 exactly.
 * Domain: |x| <= 2^n (n = squarings, default 8: |x| <= 256; tanh is +-1 to 16 bits beyond |x| = 6).
 * Cost ({@link #cost}): 2n + 2t + 8 rounds (30 for n = 8, t = 3); 320 bytes per element per party.
 */
public final class Tanh {
  static final int INNER_BITS = 24;

  /**
   * Parameters.
   *
   * @param xMax declared bound on |x| (sets the comparison width; at most 2^squarings)
   * @param squarings of {@link NegExp}
   * @param iterations Goldschmidt factors of 1/(1 + w)
   */
  public record Params(double xMax, int squarings, int iterations) {
    public Params {
      if (!(xMax > 0) || xMax > -NegExp.lowestInput(squarings) / 2) {
        throw new IllegalArgumentException("|x| <= " + xMax + " needs xMax <= 2^squarings");
      }
    }

    public static Params of(double xMax) {
      return new Params(xMax, NegExp.DEFAULT_SQUARINGS, Goldschmidt.DEFAULT_SECURE_ITERATIONS);
    }

    Config reciprocal() {
      return Config.publicScale(1, 2).withIterations(iterations).withInBits(INNER_BITS).withOutBits(INNER_BITS);
    }
  }

  private Tanh() {}

  public static RingTensor apply(MpcContext ctx, RingTensor x, Params p) {
    int f = ctx.fracBits();
    int n = x.size();
    RingTensor flat = x.reshape(n);
    RingTensor neg = Compare.lessThanZero(ctx, flat, Rows.signedBits(p.xMax(), f));
    RingTensor sign = neg.mulScalar(-2);
    if (ctx.isFirst()) {
      sign.addScalarInPlace(1);
    }
    RingTensor abs = BeaverMul.mul(ctx, flat, sign);
    RingTensor w = NegExp.exp(ctx, abs.mulScalar(-2), p.squarings(), f, INNER_BITS);
    long one = 1L << INNER_BITS;
    RingTensor oneMinusW = PublicOps.addConstant(ctx, w.neg(), one);
    RingTensor onePlusW = PublicOps.addConstant(ctx, w, one);
    RingTensor num = BeaverMul.mul(ctx, oneMinusW, sign);
    RingTensor r = Goldschmidt.reciprocal(ctx, onePlusW, p.reciprocal());
    RingTensor out = Truncation.truncate(ctx, BeaverMul.mul(ctx, num, r), 2 * INNER_BITS - f);
    return out.reshape(x.shape());
  }

  public static Cost cost(long n, int fracBits, Params p) {
    return Compare.cost(n, Rows.signedBits(p.xMax(), fracBits))
        .plus(BeaverMul.cost(n))
        .plus(NegExp.cost(n, p.squarings(), fracBits, INNER_BITS))
        .plus(BeaverMul.cost(n))
        .plus(Goldschmidt.reciprocalCost(n, p.reciprocal()))
        .plus(BeaverMul.cost(n))
        .plus(Truncation.cost(n));
  }
}
