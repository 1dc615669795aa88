package org.secformer.engine.dealer;

import org.secformer.shares.fxp.FixedPoint;
import org.secformer.shares.prg.Prg;
import org.secformer.shares.ring.RingTensor;

/**
 * Random phase offsets with shares of their sines and cosines, for the Fourier-series GeLU.
 * dims = [n, L, K, f]: t uniform in Z_2^L, and for j = 1..K the fixed-point (f bits) values
 * sin(2 pi j t / 2^L) and cos(2 pi j t / 2^L). Material: [t [n] (shares mod 2^L), sin [K, n], cos [K, n]].
 *
 * <p>t is shared modulo 2^L (each party's share reduced mod 2^L), because the protocol opens
 * (phase - t) mod 2^L, which is uniform and so hides the phase; 2^L divides 2^64, so reducing each share
 * mod 2^L is exact (design notes, "Pitfalls in the reference code").
 */
final class SinCosRecipe extends CorrectedForPartyOne {
  @Override
  public RingTensor[][] deal(PartyStreams p0, PartyStreams p1, CorrelationRequest req) {
    int n = req.dim(0), phaseBits = req.dim(1), terms = req.dim(2);
    FixedPoint fxp = new FixedPoint(req.dim(3));
    RingTensor[] m0 = expand(0, p0, req);
    RingTensor t1 = expand(1, p1, req)[0];
    long mask = mask(phaseBits);
    long[] sin = new long[terms * n];
    long[] cos = new long[terms * n];
    double toAngle = 2 * Math.PI / Math.scalb(1.0, phaseBits);
    for (int i = 0; i < n; i++) {
      long t = (m0[0].get(i) + t1.get(i)) & mask;
      for (int j = 1; j <= terms; j++) {
        // j*t mod 2^L keeps the angle argument small and exact before the double conversion
        double angle = ((j * t) & mask) * toAngle;
        int at = (j - 1) * n + i;
        sin[at] = fxp.encode(Math.sin(angle)) - m0[1].get(at);
        cos[at] = fxp.encode(Math.cos(angle)) - m0[2].get(at);
      }
    }
    return new RingTensor[][] {{}, {RingTensor.of(sin, terms, n), RingTensor.of(cos, terms, n)}};
  }


  static long mask(int phaseBits) {
    if (phaseBits < 1 || phaseBits > 62) {
      throw new IllegalArgumentException("phase bits must be in [1, 62], got " + phaseBits);
    }
    return (1L << phaseBits) - 1;
  }

  @Override
  int corrections() {
    return 2;
  }

  @Override
  RingTensor[] expand(int party, PartyStreams s, CorrelationRequest req) {
    int n = req.dim(0), terms = req.dim(2);
    long mask = mask(req.dim(1));
    Prg prg = s.forRequest(req.seq());
    RingTensor t = prg.uniform(n);
    long[] tv = t.data();
    for (int i = 0; i < n; i++) {
      tv[i] &= mask;
    }
    return party == 0
        ? new RingTensor[] {t, prg.uniform(terms, n), prg.uniform(terms, n)}
        : new RingTensor[] {t};
  }
}
