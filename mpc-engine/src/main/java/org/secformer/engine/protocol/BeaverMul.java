package org.secformer.engine.protocol;

import org.secformer.shares.ring.RingTensor;

/**
 * Elementwise product of two shared tensors over Z_2^64 (no truncation), Beaver's protocol:
 * <ol>
 *   <li>take a triple [a], [b], [c = a b] from the dealer;
 *   <li>open e = x - a and f = y - b together (one round);
 *   <li>[z] = [c] + e [b] + f [a] + e f, the public e f added by party 0 only.
 * </ol>
 * Cost: 1 round, 16 bytes per element sent by each party; the dealer sends 8 bytes per element to P1.
 * The steps run in {@code Round} (a round of one product here), which batches them with other openings.
 */
public final class BeaverMul {
  private BeaverMul() {}

  public static RingTensor mul(MpcContext ctx, RingTensor x, RingTensor y) {
    return Round.single(ctx, "mul", r -> r.mul(x, y));
  }

  public static Cost cost(long elements) {
    return new Cost(1, 16 * elements, 0, 8 * elements);
  }
}
