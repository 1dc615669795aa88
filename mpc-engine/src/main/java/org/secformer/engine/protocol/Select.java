package org.secformer.engine.protocol;

import org.secformer.shares.ring.RingTensor;

/**
 * Oblivious selection between two shared tensors by a shared bit: select(bit, a, b) = a where bit = 1,
 * b where bit = 0 (CrypTen's {@code where}, the multiplexer of ABY).
 * <ol>
 *   <li>d = a - b (local);
 *   <li>[bit d] by Beaver multiplication ({@link BeaverMul}: one round, opens bit - u and d - v);
 *   <li>result = b + bit d (local).
 * </ol>
 * The bit is an integer 0/1 in the ring (as {@link Compare} returns it), not a fixed-point value, so the
 * product is exact and needs no truncation; a and b may be any ring values (fixed point or not).
 * Cost: 1 round, 16 bytes per element sent by each party; the dealer sends 8 bytes per element to P1.
 */
public final class Select {
  private Select() {}

  public static RingTensor select(MpcContext ctx, RingTensor bit, RingTensor a, RingTensor b) {
    if (!bit.sameShape(a) || !a.sameShape(b)) {
      throw new IllegalArgumentException("select: shapes differ " + bit + ", " + a + ", " + b);
    }
    return BeaverMul.mul(ctx, bit, a.sub(b)).addInPlace(b);
  }

  public static Cost cost(long elements) {
    return BeaverMul.cost(elements);
  }
}
