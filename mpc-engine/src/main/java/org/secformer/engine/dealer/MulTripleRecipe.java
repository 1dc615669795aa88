package org.secformer.engine.dealer;

import org.secformer.shares.prg.Prg;
import org.secformer.shares.ring.RingTensor;

/**
 * Elementwise Beaver triple c = a * b over Z_2^64. dims = [n]. Material: [a, b, c], each of shape [n].
 *
 * <p>P0 draws a0, b0, c0 from its stream; P1 draws a1, b1 and receives c1 = (a0+a1)(b0+b1) - c0: the
 * dealer sends n words per triple instead of 3n per party.
 */
final class MulTripleRecipe extends CorrectedForPartyOne {
  @Override
  public RingTensor[][] deal(PartyStreams p0, PartyStreams p1, CorrelationRequest req) {
    int n = req.dim(0);
    RingTensor[] m0 = expand(0, p0, req);
    RingTensor[] m1 = expand(1, p1, req);
    RingTensor c = m0[0].add(m1[0]).mulInPlace(m0[1].add(m1[1]));
    return new RingTensor[][] {{}, {c.subInPlace(m0[2]).reshape(n)}};
  }


  @Override
  int corrections() {
    return 1;
  }

  @Override
  RingTensor[] expand(int party, PartyStreams s, CorrelationRequest req) {
    int n = req.dim(0);
    Prg prg = s.forRequest(req.seq());
    RingTensor a = prg.uniform(n);
    RingTensor b = prg.uniform(n);
    return party == 0 ? new RingTensor[] {a, b, prg.uniform(n)} : new RingTensor[] {a, b};
  }
}
