package org.secformer.engine.protocol;

import org.secformer.shares.ring.RingTensor;

/**
 * Truncation of a shared fixed-point value by f bits with a dealer pair (r, r >>> f, msb(r)).
 *
 * <p>Valid for |x| < 2^62. Steps (SecureML-style pair with an exact wrap correction, cf. SPU TruncAPr):
 * <ol>
 *   <li>shift to a non-negative value: x' = x + 2^62 in [0, 2^63);
 *   <li>open c = x' + r mod 2^64 (one round; uniform, so it hides x);
 *   <li>the addition wrapped iff msb(r) = 1 and msb(c) = 0 (x' < 2^63 cannot wrap otherwise), so the wrap
 *       bit w = msb(r) (1 - msb(c)) is linear in the shares of msb(r);
 *   <li>[x' >> f] = (c >>> f) - [r >>> f] + 2^(64-f) [w], minus 2^(62-f) to undo the shift.
 * </ol>
 * The result is floor(x / 2^f) or one more, with probability equal to the dropped fraction (stochastic
 * rounding): the error is below one unit in the last place, unbiased, and does not grow with |x|; no
 * wrap-around error is possible, unlike local two-party truncation.
 * Cost: 1 round, 8 bytes per element per party; the dealer sends 16 bytes per element to P1.
 * The steps run in {@code Round} (a round of one truncation here), which batches them with other openings.
 */
public final class Truncation {
  private Truncation() {}

  public static RingTensor truncate(MpcContext ctx, RingTensor x, int bits) {
    return Round.single(ctx, "trunc", r -> r.truncate(x, bits));
  }

  public static Cost cost(long elements) {
    return new Cost(1, 8 * elements, 0, 16 * elements);
  }
}
