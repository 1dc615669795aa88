package org.secformer.engine.protocol;

import org.secformer.shares.ring.RingTensor;

/** Fixed-point products: ring product then truncation by the fractional bits (2 rounds). */
public final class FxpMul {
  private FxpMul() {}

  public static RingTensor mul(MpcContext ctx, RingTensor x, RingTensor y) {
    return Truncation.truncate(ctx, BeaverMul.mul(ctx, x, y), ctx.fracBits());
  }

  public static RingTensor matmul(MpcContext ctx, RingTensor x, RingTensor y) {
    return Truncation.truncate(ctx, BeaverMatmul.matmul(ctx, x, y), ctx.fracBits());
  }

  public static RingTensor matmul(MpcContext ctx, RingTensor x, MaskedWeight w) {
    return Truncation.truncate(ctx, w.leftMultiply(ctx, x), ctx.fracBits());
  }

  /** Product with a public fixed-point constant: local, then truncation (1 round). */
  public static RingTensor mulPublic(MpcContext ctx, RingTensor x, double constant) {
    return Truncation.truncate(ctx, x.mulScalar(ctx.fxp().encode(constant)), ctx.fracBits());
  }

  public static Cost mulCost(long elements) {
    return BeaverMul.cost(elements).plus(Truncation.cost(elements));
  }

  public static Cost matmulCost(int m, int k, int n) {
    return BeaverMatmul.cost(m, k, n).plus(Truncation.cost((long) m * n));
  }
}
