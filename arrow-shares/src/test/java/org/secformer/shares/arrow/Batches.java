package org.secformer.shares.arrow;

import java.util.Random;
import org.secformer.shares.ring.RingTensor;

/** Test batches: random payloads salted with the ring's edge values. */
final class Batches {
  private static final long[] EDGES = {Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L, 1L};

  private Batches() {}

  static ShareBatch random(long seed, int party, int rows, int... rowShape) {
    Random rnd = new Random(seed);
    int[] shape = new int[rowShape.length + 1];
    shape[0] = rows;
    System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
    RingTensor payload = RingTensor.zeros(shape);
    long[] data = payload.data();
    for (int i = 0; i < data.length; i++) {
      data[i] = rnd.nextInt(8) == 0 ? EDGES[rnd.nextInt(EDGES.length)] : rnd.nextLong();
    }
    // The first elements are always the edge values, whatever the random draw did.
    for (int i = 0; i < Math.min(EDGES.length, data.length); i++) {
      data[i] = EDGES[i];
    }
    long[] ids = new long[rows];
    for (int r = 0; r < rows; r++) {
      ids[r] = r == 0 ? Long.MIN_VALUE : (r == 1 ? Long.MAX_VALUE : seed * 1_000_003L + r);
    }
    return new ShareBatch("minilm-l6-v2", party, 16, ids, payload);
  }
}
