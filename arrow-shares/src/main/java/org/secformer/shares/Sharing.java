package org.secformer.shares;

import org.secformer.shares.prg.Prg;
import org.secformer.shares.ring.RingTensor;

/** Two-party additive secret sharing over Z_2^64. */
public final class Sharing {
  private Sharing() {}

  /**
   * Splits x into (r, x - r) with r uniform from the PRG: each share alone is uniform and independent
   * of x.
   */
  public static Share[] split(RingTensor x, Prg prg) {
    RingTensor r = prg.uniform(x.shape());
    RingTensor other = x.sub(r);
    return new Share[] {new Share(0, r), new Share(1, other)};
  }

  /** Splits with a fresh PRG seeded from SecureRandom. */
  public static Share[] split(RingTensor x) {
    return split(x, Prg.fromSystemRandom());
  }

  public static RingTensor reconstruct(Share a, Share b) {
    if (a.partyId() == b.partyId()) {
      throw new IllegalArgumentException("cannot reconstruct from two shares of party " + a.partyId());
    }
    if (!a.tensor().sameShape(b.tensor())) {
      throw new IllegalArgumentException(
          "share shapes differ: " + a.tensor() + " vs " + b.tensor());
    }
    return a.tensor().add(b.tensor());
  }
}
