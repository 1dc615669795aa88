package org.secformer.engine.protocol;

import org.secformer.shares.ring.RingTensor;

/**
 * Opening (reconstruction) of shared tensors to both computing parties.
 *
 * <p>Each party sends its share and adds the peer's: one round, 8 bytes per element sent by each party.
 * Several tensors are opened in one round by concatenating them (CrypTen's reveal_batch).
 */
public final class Open {
  private Open() {}

  public static RingTensor open(MpcContext ctx, String tag, RingTensor share) {
    return openAll(ctx, tag, share)[0];
  }

  public static RingTensor[] openAll(MpcContext ctx, String tag, RingTensor... shares) {
    if (shares.length == 1) {
      // no concatenation: the share is sent as it is (exchange neither modifies nor keeps it) and the sum
      // is written into the peer's array, which belongs to this caller
      long[] mine = shares[0].data();
      long[] theirs = ctx.peer().exchange(tag, mine);
      for (int j = 0; j < mine.length; j++) {
        theirs[j] += mine[j];
      }
      return new RingTensor[] {RingTensor.of(theirs, shares[0].shape())};
    }
    int total = 0;
    for (RingTensor s : shares) {
      total = Math.addExact(total, s.size());
    }
    long[] mine = new long[total];
    int at = 0;
    for (RingTensor s : shares) {
      System.arraycopy(s.data(), 0, mine, at, s.size());
      at += s.size();
    }
    long[] theirs = ctx.peer().exchange(tag, mine);
    RingTensor[] opened = new RingTensor[shares.length];
    at = 0;
    for (int i = 0; i < shares.length; i++) {
      long[] v = new long[shares[i].size()];
      for (int j = 0; j < v.length; j++) {
        v[j] = mine[at + j] + theirs[at + j];
      }
      at += v.length;
      opened[i] = RingTensor.of(v, shares[i].shape());
    }
    return opened;
  }

  public static Cost cost(long elements) {
    return new Cost(1, 8 * elements, 0, 0);
  }
}
