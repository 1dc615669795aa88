package org.secformer.engine.protocol;

import org.secformer.shares.ring.RingTensor;

/**
 * Square of a shared tensor with a dealer square pair (a, a^2) (CrypTen's {@code square}):
 * <ol>
 *   <li>open e = x - a (one round, 8 bytes per element per party, half a Beaver product);
 *   <li>[x^2] = [a^2] + 2 e [a] + e^2, the public e^2 added by party 0.
 * </ol>
 * {@link #ring} is the exact ring square (2f fractional bits for a fixed-point x); {@link #fxp} truncates
 * it by f afterwards (second round). The dealer sends 8 bytes per element to P1 (16 more for the
 * truncation pair). The steps run in {@code Round} (a round of one square here), which batches them with
 * other openings.
 */
public final class Square {
  private Square() {}

  public static RingTensor ring(MpcContext ctx, RingTensor x) {
    return Round.single(ctx, "square", r -> r.square(x));
  }

  public static RingTensor fxp(MpcContext ctx, RingTensor x) {
    return Truncation.truncate(ctx, ring(ctx, x), ctx.fracBits());
  }

  public static Cost ringCost(long elements) {
    return new Cost(1, 8 * elements, 0, 8 * elements);
  }

  public static Cost fxpCost(long elements) {
    return ringCost(elements).plus(Truncation.cost(elements));
  }
}
