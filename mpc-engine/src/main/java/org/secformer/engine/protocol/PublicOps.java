package org.secformer.engine.protocol;

import org.secformer.shares.ring.RingTensor;

/**
 * Local operations between shares and public values (no communication). A public constant is added
 * by party 0 only, so the shares still sum to x + c.
 */
public final class PublicOps {
  private PublicOps() {}

  public static RingTensor addPublic(MpcContext ctx, RingTensor x, RingTensor c) {
    return ctx.isFirst() ? x.add(c) : x.copy();
  }

  public static RingTensor addConstant(MpcContext ctx, RingTensor x, long c) {
    RingTensor out = x.copy();
    return ctx.isFirst() ? out.addScalarInPlace(c) : out;
  }

  /** This party's share of a public tensor: the value at party 0, zero at party 1. */
  public static RingTensor shareOfPublic(MpcContext ctx, RingTensor c) {
    return ctx.isFirst() ? c.copy() : RingTensor.zeros(c.shape());
  }
}
