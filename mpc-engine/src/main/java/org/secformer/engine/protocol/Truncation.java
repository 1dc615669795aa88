package org.secformer.engine.protocol;

import org.secformer.engine.dealer.Material.TruncPair;
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
 */
public final class Truncation {
  private static final long SHIFT = 1L << 62;

  private Truncation() {}

  public static RingTensor truncate(MpcContext ctx, RingTensor x, int bits) {
    int n = x.size();
    TruncPair pair = ctx.dealer().truncPair(n, bits);
    boolean first = ctx.isFirst();
    RingTensor masked = x.reshape(n).add(pair.r());
    if (first) {
      masked.addScalarInPlace(SHIFT);
    }
    long[] c = Open.open(ctx, "trunc", masked).data();
    long[] hi = pair.rHigh().data(), msb = pair.rMsb().data();
    long wrapWeight = 1L << (64 - bits);
    long offset = SHIFT >>> bits;
    long[] z = new long[n];
    for (int i = 0; i < n; i++) {
      long notMsbC = 1 - (c[i] >>> 63);
      z[i] = -hi[i] + wrapWeight * notMsbC * msb[i];
      if (first) {
        z[i] += (c[i] >>> bits) - offset;
      }
    }
    return RingTensor.of(z, x.shape());
  }

  public static Cost cost(long elements) {
    return new Cost(1, 8 * elements, 0, 16 * elements);
  }
}
