package org.secformer.engine.protocol;

import org.secformer.engine.dealer.ComparisonRecipe;
import org.secformer.shares.ring.RingTensor;

/**
 * Constant-round secure comparison with a dealer-made distributed comparison function: DReLU of
 * Boyle et al., "Function Secret Sharing for Mixed-Mode and Fixed-Point Secure Computation",
 * Eurocrypt 2021 (signed comparison from a DCF on the low L-1 bits), as in SIGMA (PoPETs 2024).
 *
 * <p>LessThanZero of an arithmetic-shared x with |x| < 2^(L-1) (L chosen by the caller from the known
 * input range, default {@value #DEFAULT_BITS}):
 * <ol>
 *   <li>each party reduces its share mod 2^L (exact: 2^L divides 2^64, so the shares of x mod 2^L);
 *   <li>take the dealer's shares of r mod 2^L, of r_m (r = r_m 2^(L-1) + r_l), and DCF keys for
 *       [y_l < r_l] with payload 1 - 2 r_m over the (L-1)-bit domain ({@link ComparisonRecipe});
 *   <li>open y = (x + r) mod 2^L: one round, uniform, so it hides x; y = y_m 2^(L-1) + y_l;
 *   <li>msb(x mod 2^L) = y_m xor r_m xor c with the carry c = [y_l < r_l] out of the low L-1 bits of
 *       x + r (x's low part is below 2^(L-1), so the sum wraps past 2^(L-1) iff y_l < r_l);
 *   <li>locally: the DCF gives shares of (1 - 2 r_m) c, so t = r_m + (1 - 2 r_m) c = r_m xor c; then
 *       [x < 0] = msb = y_m + t - 2 y_m t, linear in t because y_m is public.
 * </ol>
 * Result: arithmetic shares in Z_2^64 of the bit [x < 0] (an integer 0/1, not fixed point).
 * Cost: 1 round, 8 bytes per element sent by each party (CrypTen's A2B comparison needs about 13
 * binary AND openings of 64-bit words, ~200 bytes per party per element, over a log-depth adder: see
 * design/anchors.md); dealer: 8 (3 (L-1) + 2) bytes per element to P0 and
 * 8 more to P1 (1144 / 1152 for L = 48). Local work: 2 AES blocks per element per level (L - 1 levels),
 * batched in large AES/ECB calls. The steps run in {@code Round} (a round of one comparison here), which
 * batches them with other openings.
 */
public final class Compare {
  /** Default L: values below 2^47 in magnitude, i.e. 2^31 in fixed point with 16 fractional bits. */
  public static final int DEFAULT_BITS = 48;

  private Compare() {}

  /** Shares of [x < 0] for |x| < 2^(L-1), L = {@value #DEFAULT_BITS}. */
  public static RingTensor lessThanZero(MpcContext ctx, RingTensor x) {
    return lessThanZero(ctx, x, DEFAULT_BITS);
  }

  /** Shares of [x < 0] (0 or 1 in the ring) for |x| < 2^(bits-1). */
  public static RingTensor lessThanZero(MpcContext ctx, RingTensor x, int bits) {
    return Round.single(ctx, "cmp", r -> r.lessThanZero(x, bits));
  }

  /** Shares of [x < y] for |x - y| < 2^(bits-1). */
  public static RingTensor lessThan(MpcContext ctx, RingTensor x, RingTensor y, int bits) {
    if (!x.sameShape(y)) {
      throw new IllegalArgumentException("lessThan: shapes differ " + x + " vs " + y);
    }
    return lessThanZero(ctx, x.sub(y), bits);
  }

  /** Shares of [x >= 0] = 1 - [x < 0], for |x| < 2^(bits-1); same cost as {@link #lessThanZero}. */
  public static RingTensor greaterEqualZero(MpcContext ctx, RingTensor x, int bits) {
    RingTensor lt = lessThanZero(ctx, x, bits).negInPlace();
    return ctx.isFirst() ? lt.addScalarInPlace(1) : lt;
  }

  /** Cost of one call on {@code elements} values with L = {@code bits}. */
  public static Cost cost(long elements, int bits) {
    return new Cost(
        1,
        8 * elements,
        elements * ComparisonRecipe.dealerBytesPerElement(0, bits),
        elements * ComparisonRecipe.dealerBytesPerElement(1, bits));
  }
}
