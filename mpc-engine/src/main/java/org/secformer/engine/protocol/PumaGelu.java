package org.secformer.engine.protocol;

import org.secformer.shares.ring.RingTensor;

/**
 * PUMA's GeLU (Dong et al., "PUMA: Secure Inference of LLaMA-7B in Five Minutes", arXiv 2307.12533), a
 * baseline: four segments with breakpoints -4, -1.95, 3,
 * <pre>
 *   x < -4            0
 *   -4 <= x < -1.95   poly0 = -0.011034134030615728 x^3 - 0.11807612951181953 x^2 - 0.42226581151983866 x - 0.5054031199708174
 *   -1.95 <= x <= 3   poly1 = 0.0018067462606141187 x^6 - 0.037688200365904236 x^4 + 0.3603292692789629 x^2 + 0.5 x + 0.008526321541038084
 *   x > 3             x
 * </pre>
 * The SecFormer authors' re-implementation (efficiency/utils.py puma_gelu, lines 138-163) has three bugs:
 * its middle breakpoint is +1.95, it returns z1 poly0 + z1 poly1 + z2 x (z1 twice, z2 on [1.95, 3]) and
 * drops x > 3. Here: z0 poly0 + z1 poly1 + z2 x with z0 = [-4 <= x < -1.95], z1 = [-1.95 <= x <= 3],
 * z2 = [x > 3].
 *
 * <p>Protocol (8 rounds; powers by secure products with a truncation after each, as the paper's CrypTen
 * re-implementation does; the polynomials in fixed point with {@value #COEF_BITS}-bit coefficients):
 * <ol>
 *   <li>[x < -4], [x < -1.95], [x <= 3] (one comparison key of 3n elements) and the product x x, in one
 *       round (one {@code Round});
 *   <li>truncation: x^2;
 *   <li>x^2 x and x^2 x^2 (two {@link BeaverMul} products in one round, one triple of 2n);
 *   <li>truncation: x^3, x^4;
 *   <li>x^2 x^4;
 *   <li>truncation: x^6;
 *   <li>locally poly0 and poly1 with f + {@value #COEF_BITS} fractional bits; z0 poly0, z1 poly1, z2 x by
 *       three {@link BeaverMul} products in one round, one triple of 3n (0/1 bits: exact, and exactly 0
 *       where a power overflowed);
 *   <li>truncation of z0 poly0 + z1 poly1 by {@value #COEF_BITS} bits, plus z2 x.
 * </ol>
 * Input range: |x| + 4 below 2^(bits-1-f) for the comparisons (32767 for the default 32 bits); powers may
 * overflow outside [-4, 3], harmlessly (multiplied by a 0 bit).
 *
 * <p>Cost ({@link #cost}): 8 rounds; 176 n bytes sent by each party (16 + 24, 8, 32, 16, 16, 8, 48, 8);
 * dealer: 3 n comparison keys, 7 n triples (8 bytes each to P1) and 5 n truncation pairs (16 bytes each to
 * P1).
 */
public final class PumaGelu {
  public static final double[] POLY0 = {
    -0.5054031199708174, -0.42226581151983866, -0.11807612951181953, -0.011034134030615728
  };

  /** poly1 coefficients of x^0 .. x^6 (x^3 and x^5 are zero). */
  public static final double[] POLY1 = {
    0.008526321541038084, 0.5, 0.3603292692789629, 0, -0.037688200365904236, 0, 0.0018067462606141187
  };

  public static final double B0 = -4, B1 = -1.95, B2 = 3;

  /** Fractional bits of the public polynomial coefficients. */
  public static final int COEF_BITS = 24;

  public static final int DEFAULT_COMPARE_BITS = 32;

  private PumaGelu() {}

  public static RingTensor gelu(MpcContext ctx, RingTensor x) {
    return gelu(ctx, x, DEFAULT_COMPARE_BITS);
  }

  public static RingTensor gelu(MpcContext ctx, RingTensor x, int compareBits) {
    int f = ctx.fracBits();
    int n = x.size();
    boolean first = ctx.isFirst();
    RingTensor flat = x.reshape(n);

    // round 1: the three comparisons and x x
    Round r1 = new Round(ctx, "puma.r1");
    Round.Slot cmp = r1.lessThanConstants(flat, compareBits,
        ctx.fxp().encode(B0), ctx.fxp().encode(B1), ctx.fxp().encode(B2) + 1);
    Round.Slot square = r1.mul(flat, flat);
    r1.run();
    RingTensor b0 = cmp.row(0);
    RingTensor b1 = cmp.row(1);
    RingTensor b2 = cmp.row(2);

    // rounds 2-6: x^2, x^3, x^4, x^6
    RingTensor x2 = Truncation.truncate(ctx, square.get(), f);
    Round r3 = new Round(ctx, "mul");
    Round.Slot x2x = r3.mul(x2, flat);
    Round.Slot x2x2 = r3.mul(x2, x2);
    r3.run();
    Round r4 = new Round(ctx, "trunc");
    Round.Slot x3 = r4.truncate(x2x.get(), f);
    Round.Slot x4 = r4.truncate(x2x2.get(), f);
    r4.run();
    RingTensor x6 = FxpMul.mul(ctx, x2, x4.get());

    // locally: the polynomials with f + COEF_BITS fractional bits
    RingTensor[] powers = {null, flat, x2, x3.get(), x4.get(), null, x6};
    RingTensor poly0 = polynomial(ctx, POLY0, powers);
    RingTensor poly1 = polynomial(ctx, POLY1, powers);

    // round 7: the segment products; round 8: truncation
    RingTensor z0 = b1.sub(b0);
    RingTensor z1 = b2.sub(b1);
    RingTensor z2 = b2.neg();
    if (first) {
      z2.addScalarInPlace(1);
    }
    Round r7 = new Round(ctx, "mul");
    Round.Slot p0 = r7.mul(z0, poly0);
    Round.Slot p1 = r7.mul(z1, poly1);
    Round.Slot top = r7.mul(z2, flat);
    r7.run();
    RingTensor out = Truncation.truncate(ctx, p0.get().addInPlace(p1.get()), COEF_BITS);
    return out.addInPlace(top.get()).reshape(x.shape());
  }

  /** sum_i c_i x^i with f + COEF_BITS fractional bits (powers with f bits; constant at party 0). */
  private static RingTensor polynomial(MpcContext ctx, double[] c, RingTensor[] powers) {
    int f = ctx.fracBits();
    double coefScale = Math.scalb(1.0, COEF_BITS);
    RingTensor acc = RingTensor.zeros(powers[1].shape());
    if (ctx.isFirst()) {
      acc.addScalarInPlace(Math.round(c[0] * Math.scalb(1.0, f + COEF_BITS)));
    }
    for (int i = 1; i < c.length; i++) {
      if (c[i] != 0) {
        acc.addInPlace(powers[i].mulScalar(Math.round(c[i] * coefScale)));
      }
    }
    return acc;
  }

  public static Cost cost(long n) {
    return cost(n, DEFAULT_COMPARE_BITS);
  }

  /** The exact cost of {@link #gelu(MpcContext, RingTensor, int)} on n elements. */
  public static Cost cost(long n, int compareBits) {
    return BeaverMul.cost(n).parallel(Compare.cost(3 * n, compareBits))
        .plus(Truncation.cost(n))
        .plus(BeaverMul.cost(2 * n)).plus(Truncation.cost(2 * n))
        .plus(FxpMul.mulCost(n))
        .plus(BeaverMul.cost(3 * n)).plus(Truncation.cost(n));
  }

  /** The plaintext model: PUMA's piecewise function in double precision. */
  public static double geluModel(double x) {
    if (x < B0) {
      return 0;
    }
    double[] c = x < B1 ? POLY0 : x <= B2 ? POLY1 : null;
    if (c == null) {
      return x;
    }
    double s = 0, p = 1;
    for (double ci : c) {
      s += ci * p;
      p *= x;
    }
    return s;
  }
}
