package org.secformer.shares;

import org.secformer.shares.ring.RingTensor;

/** One party's additive share of a tensor: x = share(0) + share(1) mod 2^64. */
public record Share(int partyId, RingTensor tensor) {
  public Share {
    if (partyId != 0 && partyId != 1) {
      throw new IllegalArgumentException("a share belongs to party 0 or 1, got " + partyId);
    }
    if (tensor == null) {
      throw new IllegalArgumentException("share tensor is null");
    }
  }

  @Override
  public String toString() {
    return "Share[party=" + partyId + ", " + tensor + "]";
  }
}
