package org.secformer.engine.dealer;

import org.secformer.shares.prg.Prg;
import org.secformer.shares.ring.RingTensor;

/**
 * Square pair (a, a^2) over Z_2^64 (CrypTen's {@code square} correlation): x^2 then costs one opening
 * of x - a instead of the two of a Beaver product x * x. dims = [n]. Material: [a, a^2], each [n].
 *
 * <p>P0 draws a0 and s0 from its stream; P1 draws a1 and receives s1 = (a0 + a1)^2 - s0: the dealer sends
 * n words to P1 and nothing to P0.
 */
public final class SquarePairRecipe extends CorrectedForPartyOne {
  /** One party's shares of a and a^2. toString never shows values. */
  public record Pair(RingTensor a, RingTensor aSquared) {
    @Override
    public String toString() {
      return "SquarePair" + a;
    }
  }

  SquarePairRecipe() {}

  @Override
  public RingTensor[][] deal(PartyStreams p0, PartyStreams p1, CorrelationRequest req) {
    int n = req.dim(0);
    RingTensor[] m0 = expand(0, p0, req);
    RingTensor a = m0[0].add(expand(1, p1, req)[0]);
    return new RingTensor[][] {{}, {a.mulInPlace(a.copy()).subInPlace(m0[1]).reshape(n)}};
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
    return party == 0 ? new RingTensor[] {a, prg.uniform(n)} : new RingTensor[] {a};
  }
}
