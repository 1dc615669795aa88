package org.secformer.engine.protocol;

import org.secformer.shares.ring.RingTensor;

/**
 * exp(x) for shared x <= 0 (softmax after max subtraction), by a quadratic seed and repeated squaring:
 * exp(x) = (exp(x / N))^N with N = 2^n and exp(u) ~ 1 + u + u^2/2 for u = x/N.
 * <ol>
 *   <li>u = x / 2^n at P = {@code outBits} fractional bits: a local shift when P >= inBits + n, else one
 *       truncation;
 *   <li>u^2 by a square pair, truncated by P + 1: s = 1 + u + u^2/2 (2 rounds);
 *   <li>n times s = s^2 (square pair and truncation, 2 rounds each).
 * </ol>
 * Error: the seed's relative error u^3/6 grows N times, so exp is off by about |x|^3 / (6 N^2) relative,
 * i.e. at most 3.4e-6 absolute for n = 8 (at x = -3; CrypTen's (1 + x/N)^N with N = 256 is off by
 * x^2/(2N) relative, 2.1e-3 absolute at x = -2), plus about 2^(n+1-P) relative from truncations
 * (3e-5 for n = 8, P = 24). Values below 2^-P come out as 0 (harmless underflow).
 * Domain: -2^(n+1) <= x <= 0 (u >= -2 keeps 0 < s <= 1; below, s^(2^n) grows without bound). Small
 * positive x (rounding) is fine.
 * Cost for n elements, n squarings: 2 + 2 squarings rounds (+1 if P < inBits + squarings), bytes per
 * element per party 16 (squarings + 1); dealer 24 per element per squaring to P1.
 */
public final class NegExp {
  public static final int DEFAULT_SQUARINGS = 8;
  public static final int DEFAULT_OUT_BITS = 24;

  private NegExp() {}

  public static RingTensor exp(MpcContext ctx, RingTensor x, int squarings, int inBits, int outBits) {
    check(squarings, outBits);
    int n = x.size();
    int shift = outBits - inBits - squarings;
    RingTensor u;
    if (shift >= 0) {
      u = x.reshape(n).mulScalar(1L << shift);
    } else {
      u = Truncation.truncate(ctx, x.reshape(n), -shift);
    }
    Round a = new Round(ctx, "exp-seed");
    Round.Slot sq = a.square(u);
    a.run();
    Round b = new Round(ctx, "exp-seed-trunc");
    Round.Slot half = b.truncate(sq.get(), outBits + 1);
    b.run();
    RingTensor s = u.add(half.get());
    if (ctx.isFirst()) {
      s.addScalarInPlace(1L << outBits);
    }
    for (int k = 0; k < squarings; k++) {
      s = Truncation.truncate(ctx, Square.ring(ctx, s), outBits);
    }
    return s.reshape(x.shape());
  }

  public static Cost cost(long n, int squarings, int inBits, int outBits) {
    check(squarings, outBits);
    Cost c = outBits - inBits - squarings >= 0 ? Cost.ZERO : Truncation.cost(n);
    return c.plus(Square.fxpCost(n).times(squarings + 1));
  }

  /** Lowest input the seed keeps convergent: -2^(squarings + 1). */
  public static double lowestInput(int squarings) {
    return -Math.scalb(2.0, squarings);
  }

  private static void check(int squarings, int outBits) {
    if (squarings < 0 || squarings > 20) {
      throw new IllegalArgumentException("squarings must be in [0, 20], got " + squarings);
    }
    if (outBits < 8 || outBits > 29) {
      throw new IllegalArgumentException("exp output bits must be in [8, 29], got " + outBits);
    }
  }
}
