package org.secformer.engine.dealer;

import org.secformer.shares.prg.Prg;
import org.secformer.shares.ring.RingTensor;

/**
 * Truncation pair. dims = [n, f]. Material: [r, r >>> f, msb(r)], each [n], r uniform in Z_2^64; the
 * last two as integers in the ring. Used by {@code Truncation}.
 */
final class TruncPairRecipe extends CorrectedForPartyOne {
  @Override
  public RingTensor[][] deal(PartyStreams p0, PartyStreams p1, CorrelationRequest req) {
    int f = req.dim(1);
    RingTensor[] m0 = expand(0, p0, req);
    RingTensor r = m0[0].add(expand(1, p1, req)[0]);
    long[] rv = r.data();
    long[] hi = new long[rv.length];
    long[] msb = new long[rv.length];
    for (int i = 0; i < rv.length; i++) {
      hi[i] = (rv[i] >>> f) - m0[1].get(i);
      msb[i] = (rv[i] >>> 63) - m0[2].get(i);
    }
    return new RingTensor[][] {{}, {RingTensor.of(hi, hi.length), RingTensor.of(msb, msb.length)}};
  }


  @Override
  int corrections() {
    return 2;
  }

  @Override
  RingTensor[] expand(int party, PartyStreams s, CorrelationRequest req) {
    int n = req.dim(0);
    if (req.dim(1) < 1 || req.dim(1) > 62) {
      throw new IllegalArgumentException("truncation by " + req.dim(1) + " bits is not supported");
    }
    Prg prg = s.forRequest(req.seq());
    RingTensor r = prg.uniform(n);
    return party == 0 ? new RingTensor[] {r, prg.uniform(n), prg.uniform(n)} : new RingTensor[] {r};
  }
}
