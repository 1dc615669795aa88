package org.secformer.engine.dealer;

import org.secformer.shares.prg.Prg;
import org.secformer.shares.ring.RingMatmul;
import org.secformer.shares.ring.RingTensor;

/** Matrix Beaver triple C = A B. dims = [m, k, n]. Material: [A [m,k], B [k,n], C [m,n]]. */
final class MatmulTripleRecipe extends CorrectedForPartyOne {
  @Override
  public RingTensor[][] deal(PartyStreams p0, PartyStreams p1, CorrelationRequest req) {
    RingTensor[] m0 = expand(0, p0, req);
    RingTensor[] m1 = expand(1, p1, req);
    RingTensor c =
        RingMatmul.matmul(m0[0].add(m1[0]), m0[1].add(m1[1]), Runtime.getRuntime().availableProcessors());
    return new RingTensor[][] {{}, {c.subInPlace(m0[2])}};
  }

  @Override
  int corrections() {
    return 1;
  }

  @Override
  RingTensor[] expand(int party, PartyStreams s, CorrelationRequest req) {
    int m = req.dim(0), k = req.dim(1), n = req.dim(2);
    Prg prg = s.forRequest(req.seq());
    RingTensor a = prg.uniform(m, k);
    RingTensor b = prg.uniform(k, n);
    return party == 0 ? new RingTensor[] {a, b, prg.uniform(m, n)} : new RingTensor[] {a, b};
  }
}
