package org.secformer.engine.dealer;

import org.secformer.shares.prg.Prg;
import org.secformer.shares.ring.RingMatmul;
import org.secformer.shares.ring.RingTensor;

/**
 * Matrix Beaver triple C = A B whose B is the fixed mask of one weight for the job, drawn from the
 * weight's own stream (key = the weight's name). dims = [m, k, n]. Material: [A [m,k], C [m,n]].
 *
 * <p>The parties hold their share of B already (they opened W - B once with it, see {@code
 * MaskedWeight}), so a batch's material leaves B out instead of expanding k x n words again per batch;
 * only the dealer expands both parties' B to compute C. Afterwards only X - A travels.
 */
final class FixedMaskMatmulRecipe extends CorrectedForPartyOne {
  @Override
  public RingTensor[][] deal(PartyStreams p0, PartyStreams p1, CorrelationRequest req) {
    int k = req.dim(1), n = req.dim(2);
    RingTensor[] m0 = expand(0, p0, req);
    RingTensor a = m0[0].add(expand(1, p1, req)[0]);
    RingTensor b = p0.forWeight(req.key()).uniform(k, n).addInPlace(p1.forWeight(req.key()).uniform(k, n));
    RingTensor c = RingMatmul.matmul(a, b, Runtime.getRuntime().availableProcessors());
    return new RingTensor[][] {{}, {c.subInPlace(m0[1])}};
  }

  @Override
  int corrections() {
    return 1;
  }

  @Override
  RingTensor[] expand(int party, PartyStreams s, CorrelationRequest req) {
    if (req.key().isEmpty()) {
      throw new IllegalArgumentException("a fixed-mask matmul triple needs the weight's key");
    }
    int m = req.dim(0), n = req.dim(2);
    Prg prg = s.forRequest(req.seq());
    RingTensor a = prg.uniform(m, req.dim(1));
    return party == 0 ? new RingTensor[] {a, prg.uniform(m, n)} : new RingTensor[] {a};
  }
}
