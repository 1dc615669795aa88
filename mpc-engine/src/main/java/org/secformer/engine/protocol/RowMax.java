package org.secformer.engine.protocol;

import org.secformer.shares.ring.RingTensor;

/**
 * Maximum over the last axis of a shared [rows, cols] tensor (softmax max-subtraction, CrypTen's
 * pairwise-tree {@code max}), with the constant-round {@link Compare}.
 * <ol>
 *   <li>while more than one column is left: pair columns (0,1), (2,3), ...; an odd last column is
 *       carried to the next level unchanged;
 *   <li>for all pairs of all rows at once: bit = [a < b] by {@link Compare#lessThan} (one round);
 *   <li>max = select(bit, b, a) = a + bit (b - a) by {@link Select} (one round).
 * </ol>
 * Rounds: 2 ceil(log2 cols); a level with p pairs per row costs Compare and Select on rows p elements,
 * rows (cols - 1) pairs in all: 24 bytes per pair sent by each party; dealer bytes those of
 * {@link Compare#cost} plus 8 per pair to P1. Inputs must satisfy |a - b| < 2^(L-1) for all pairs (for
 * fixed point with 16 fractional bits and L = 48: |a|, |b| < 2^30).
 */
public final class RowMax {
  private RowMax() {}

  /** Shares of max_j x[i, j], shape [rows]. */
  public static RingTensor max(MpcContext ctx, RingTensor x, int bits) {
    if (x.rank() != 2 || x.dim(1) < 1) {
      throw new IllegalArgumentException("rowMax needs a [rows, cols] tensor with cols >= 1, got " + x);
    }
    int rows = x.dim(0);
    int width = x.dim(1);
    long[] cur = x.data().clone();
    while (width > 1) {
      int pairs = width / 2, next = (width + 1) / 2;
      int n = rows * pairs;
      long[] a = new long[n], b = new long[n];
      for (int i = 0; i < rows; i++) {
        for (int p = 0; p < pairs; p++) {
          a[i * pairs + p] = cur[i * width + 2 * p];
          b[i * pairs + p] = cur[i * width + 2 * p + 1];
        }
      }
      RingTensor ta = RingTensor.of(a, n), tb = RingTensor.of(b, n);
      RingTensor bit = Compare.lessThan(ctx, ta, tb, bits);
      long[] m = Select.select(ctx, bit, tb, ta).data();
      long[] out = new long[rows * next];
      for (int i = 0; i < rows; i++) {
        System.arraycopy(m, i * pairs, out, i * next, pairs);
        if (next > pairs) {
          out[i * next + pairs] = cur[i * width + width - 1]; // odd column carried
        }
      }
      cur = out;
      width = next;
    }
    return RingTensor.of(cur, rows);
  }

  /** The exact cost of {@link #max} on [rows, cols]. */
  public static Cost cost(long rows, int cols, int bits) {
    Cost total = Cost.ZERO;
    for (int width = cols; width > 1; width = (width + 1) / 2) {
      long n = rows * (width / 2);
      total = total.plus(Compare.cost(n, bits)).plus(Select.cost(n));
    }
    return total;
  }
}
