package org.secformer.engine.protocol;

import org.secformer.engine.dealer.Material.FixedMaskTriple;
import org.secformer.shares.ring.RingTensor;

/**
 * A shared weight matrix W [k,n] whose Beaver mask is opened once per job, so each batch pays only for
 * opening X - A.
 *
 * <p>Security: B is drawn from the weight's own PRG stream under the job's fresh seeds, so it is uniform,
 * used for this W only and never for another matrix. F = W - B is therefore a one-time pad of W and is
 * opened exactly once. Each batch uses a fresh A (from the batch's own stream) with C = A B, so every
 * opened E = X - A is uniform and independent of X, of F and of the other batches. Reusing B across
 * batches reveals nothing more because the parties never see a second masking of W or any masking of B
 * itself: the views are F (once) and fresh uniform E's, which a simulator draws at random. Reusing B for
 * a second weight W' would open W' - B and leak W - W'; the weight key in the stream id prevents it.
 */
public final class MaskedWeight {
  private final String key;
  /** The right operand of E per batch, fixed for the job: [B] + F at party 0, [B] at party 1. */
  private final RingTensor rightOfE;
  private final RingTensor opened;

  private MaskedWeight(String key, RingTensor rightOfE, RingTensor opened) {
    this.key = key;
    this.rightOfE = rightOfE;
    this.opened = opened;
  }

  /** Opens F = W - B for this party's share of W (one round, 8 kn bytes per party). */
  public static MaskedWeight open(MpcContext ctx, String key, RingTensor weightShare) {
    if (weightShare.rank() != 2) {
      throw new IllegalArgumentException("weight " + key + " must be a matrix, got " + weightShare);
    }
    RingTensor b = ctx.dealer().weightMask(key, weightShare.dim(0), weightShare.dim(1));
    RingTensor f = Open.open(ctx, "weight-mask", weightShare.sub(b));
    // [B] + F is the same for every batch: add it once here instead of once per batch
    return new MaskedWeight(key, BeaverMatmul.rightOfE(ctx, b, f), f);
  }

  /** [X W] for a shared X [m,k]: one round, 8 mk bytes per party; the dealer sends 8 mn bytes to P1. */
  public RingTensor leftMultiply(MpcContext ctx, RingTensor x) {
    int k = rightOfE.dim(0), n = rightOfE.dim(1);
    if (x.rank() != 2 || x.dim(1) != k) {
      throw new IllegalArgumentException("weight " + key + " is [" + k + "," + n + "], cannot multiply " + x);
    }
    FixedMaskTriple t = ctx.dealer().matmulTripleFixedB(key, x.dim(0), k, n);
    RingTensor e = Open.open(ctx, "matmul-fixed", x.sub(t.a()));
    return BeaverMatmul.accumulate(t.c(), e, rightOfE, t.a(), opened);
  }

  public String key() {
    return key;
  }

  public static Cost openCost(int k, int n) {
    return Open.cost((long) k * n);
  }

  public static Cost multiplyCost(int m, int k, int n) {
    return new Cost(1, 8L * m * k, 0, 8L * m * n);
  }
}
