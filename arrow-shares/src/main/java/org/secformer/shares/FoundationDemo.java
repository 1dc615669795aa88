package org.secformer.shares;

import java.util.Arrays;
import org.apache.arrow.memory.RootAllocator;
import org.secformer.shares.arrow.ShareBatch;
import org.secformer.shares.arrow.ShareIpc;
import org.secformer.shares.fxp.FixedPoint;
import org.secformer.shares.prg.Prg;
import org.secformer.shares.prg.Seed;
import org.secformer.shares.ring.RingTensor;

/**
 * The foundation end to end: fixed-point encode, split into two additive shares with the AES-CTR PRG,
 * one Arrow IPC stream per party, read back, reconstruct, decode. Prints sizes, errors and timings,
 * never share values. Run: {@code mvn -B -q -pl arrow-shares exec:java}.
 */
public final class FoundationDemo {
  private static final String MODEL = "foundation-demo";

  private FoundationDemo() {}

  public static void main(String[] args) {
    FixedPoint fxp = FixedPoint.defaults();
    double[] input = {
      0.5, -1.25, Math.PI, 0.0, //
      -2.5, 1e-3, 100.75, -1.0 / 3, //
      7.0, -7.0, 0.1, 12345.6789
    };
    int rows = 3;
    int cols = 4;
    long[] rowIds = {101, 102, 103};

    RingTensor encoded = fxp.encode(input, rows, cols);
    Share[] shares = Sharing.split(encoded, Prg.fromSystemRandom());

    try (RootAllocator allocator = new RootAllocator()) {
      ShareIpc ipc = new ShareIpc(allocator);
      byte[][] streams = new byte[2][];
      for (int party = 0; party < 2; party++) {
        ShareBatch batch = new ShareBatch(MODEL, party, fxp.fracBits(), rowIds, shares[party].tensor());
        streams[party] = ipc.toBytes(batch);
        System.out.printf("party %d: %s -> Arrow IPC stream of %d bytes%n", party, batch, streams[party].length);
      }

      ShareBatch back0 = ipc.fromBytes(streams[0]);
      ShareBatch back1 = ipc.fromBytes(streams[1]);
      if (!Arrays.equals(back0.rowIds(), rowIds) || !Arrays.equals(back1.rowIds(), rowIds)) {
        throw new IllegalStateException("row ids changed in the Arrow round trip");
      }
      RingTensor reconstructed =
          Sharing.reconstruct(new Share(0, back0.payload()), new Share(1, back1.payload()));
      double[] decoded = fxp.decode(reconstructed);
      double maxError = 0;
      for (int i = 0; i < input.length; i++) {
        maxError = Math.max(maxError, Math.abs(decoded[i] - input[i]));
      }
      double bound = Math.scalb(1.0, -(fxp.fracBits() + 1));
      System.out.printf(
          "reconstructed %d values, max |decoded - input| = %.3g (rounding bound 2^-%d = %.3g)%n",
          input.length, maxError, fxp.fracBits() + 1, bound);
      if (maxError > bound) {
        throw new IllegalStateException("error " + maxError + " exceeds the fixed-point bound " + bound);
      }

      timeLargeBatch(ipc);
    }
  }

  /** Rough single-thread timing of one BERT-base sized batch (32 x 128 x 768); JMH lives elsewhere. */
  private static void timeLargeBatch(ShareIpc ipc) {
    RingTensor payload = new Prg(Seed.random()).uniform(32, 128, 768);
    long[] ids = new long[32];
    Arrays.setAll(ids, i -> i);
    ShareBatch batch = new ShareBatch(MODEL, 0, 16, ids, payload);
    double mb = 8.0 * payload.size() / 1e6;
    long bestWrite = Long.MAX_VALUE;
    long bestRead = Long.MAX_VALUE;
    byte[] bytes = null;
    for (int i = 0; i < 8; i++) { // the first rounds warm up the JIT
      long t0 = System.nanoTime();
      bytes = ipc.toBytes(batch);
      long t1 = System.nanoTime();
      ShareBatch back = ipc.fromBytes(bytes);
      long t2 = System.nanoTime();
      if (!back.equals(batch)) {
        throw new IllegalStateException("32x128x768 batch changed in the Arrow round trip");
      }
      bestWrite = Math.min(bestWrite, t1 - t0);
      bestRead = Math.min(bestRead, t2 - t1);
    }
    System.out.printf(
        "32x128x768 batch (%.1f MB payload, %d bytes on the wire): toBytes %.1f ms (%.0f MB/s), "
            + "fromBytes %.1f ms (%.0f MB/s), best of 8%n",
        mb, bytes.length, bestWrite / 1e6, mb / (bestWrite / 1e9), bestRead / 1e6, mb / (bestRead / 1e9));
  }
}
