package org.secformer.engine.dealer;

import java.util.Arrays;
import org.secformer.engine.MpcException;
import org.secformer.shares.control.ErrorCode;
import org.secformer.shares.ring.RingTensor;

/**
 * Several ring tensors in one array of words, for dealer answers: count, then per tensor its rank, its
 * dimensions and its elements. Decoding checks every count against the words present.
 */
public final class TensorList {
  private static final int MAX_RANK = 8;

  private TensorList() {}

  public static long[] encode(RingTensor[] tensors) {
    long words = 1;
    for (RingTensor t : tensors) {
      words += 1 + t.rank() + t.size();
    }
    long[] out = new long[Math.toIntExact(words)];
    int at = 0;
    out[at++] = tensors.length;
    for (RingTensor t : tensors) {
      out[at++] = t.rank();
      for (int d : t.shape()) {
        out[at++] = d;
      }
      System.arraycopy(t.data(), 0, out, at, t.size());
      at += t.size();
    }
    return out;
  }

  public static RingTensor[] decode(long[] words) {
    int at = 0;
    int count = (int) check(words, at++, 0, 1024, "tensor count");
    RingTensor[] out = new RingTensor[count];
    for (int i = 0; i < count; i++) {
      int rank = (int) check(words, at++, 1, MAX_RANK, "rank");
      int[] shape = new int[rank];
      for (int r = 0; r < rank; r++) {
        shape[r] = (int) check(words, at++, 0, Integer.MAX_VALUE, "dimension");
      }
      long n;
      try {
        n = RingTensor.checkShape(shape);
      } catch (IllegalArgumentException e) {
        throw malformed(e.getMessage());
      }
      if (at + n > words.length) {
        throw malformed("tensor " + i + " " + Arrays.toString(shape) + " is longer than the message");
      }
      out[i] = RingTensor.of(Arrays.copyOfRange(words, at, at + (int) n), shape);
      at += (int) n;
    }
    if (at != words.length) {
      throw malformed((words.length - at) + " words after the last tensor");
    }
    return out;
  }

  private static long check(long[] words, int at, long min, long max, String what) {
    if (at >= words.length) {
      throw malformed("message ends before the " + what);
    }
    long v = words[at];
    if (v < min || v > max) {
      throw malformed(what + " " + v + " is outside [" + min + ", " + max + "]");
    }
    return v;
  }

  private static MpcException malformed(String why) {
    return new MpcException(ErrorCode.MALFORMED_FRAME, "dealer tensors: " + why);
  }
}
