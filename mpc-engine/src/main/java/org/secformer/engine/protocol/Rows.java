package org.secformer.engine.protocol;

import org.secformer.shares.ring.RingTensor;

/** Local row and column helpers of [rows, cols] shares (sums, broadcasts, column masks). No communication. */
final class Rows {
  private Rows() {}

  static void requireMatrix(RingTensor x, String what) {
    if (x.rank() != 2) {
      throw new IllegalArgumentException(what + " needs a [rows, cols] tensor, got " + x);
    }
  }

  /** Sum over the last axis: [rows]. */
  static RingTensor sums(RingTensor x) {
    int rows = x.dim(0), cols = x.dim(1);
    long[] v = x.data();
    long[] s = new long[rows];
    for (int i = 0; i < rows; i++) {
      long acc = 0;
      for (int j = 0; j < cols; j++) {
        acc += v[i * cols + j];
      }
      s[i] = acc;
    }
    return RingTensor.of(s, rows);
  }

  /** out[i, j] = v[i]. */
  static RingTensor perRow(RingTensor v, int cols) {
    int rows = v.size();
    long[] out = new long[rows * cols];
    for (int i = 0; i < rows; i++) {
      java.util.Arrays.fill(out, i * cols, (i + 1) * cols, v.data()[i]);
    }
    return RingTensor.of(out, rows, cols);
  }

  /** out[i, j] = v[j]. */
  static RingTensor perColumn(RingTensor v, int rows) {
    int cols = v.size();
    long[] out = new long[rows * cols];
    for (int i = 0; i < rows; i++) {
      System.arraycopy(v.data(), 0, out, i * cols, cols);
    }
    return RingTensor.of(out, rows, cols);
  }

  /** Indices of the kept columns of a public mask (null keeps all). */
  static int[] kept(boolean[] keep, int cols) {
    if (keep == null) {
      int[] all = new int[cols];
      for (int j = 0; j < cols; j++) {
        all[j] = j;
      }
      return all;
    }
    if (keep.length != cols) {
      throw new IllegalArgumentException("mask has " + keep.length + " columns, scores have " + cols);
    }
    int n = 0;
    for (boolean k : keep) {
      n += k ? 1 : 0;
    }
    int[] idx = new int[n];
    n = 0;
    for (int j = 0; j < cols; j++) {
      if (keep[j]) {
        idx[n++] = j;
      }
    }
    return idx;
  }

  /** Number of kept columns of a public mask (null keeps all). */
  static int keptCount(boolean[] keep, int cols) {
    return kept(keep, cols).length;
  }

  /** The kept columns only: [rows, idx.length]. */
  static RingTensor gather(RingTensor x, int[] idx) {
    int rows = x.dim(0), cols = x.dim(1), k = idx.length;
    long[] out = new long[rows * k];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < k; j++) {
        out[i * k + j] = x.data()[i * cols + idx[j]];
      }
    }
    return RingTensor.of(out, rows, k);
  }

  /** Back to [rows, cols], zero in the masked columns. */
  static RingTensor scatter(RingTensor xk, int[] idx, int cols) {
    int rows = xk.dim(0), k = idx.length;
    long[] out = new long[rows * cols];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < k; j++) {
        out[i * cols + idx[j]] = xk.data()[i * k + j];
      }
    }
    return RingTensor.of(out, rows, cols);
  }

  /** The row normalisation applied to the kept columns only: [rows, kept] to [rows, kept]. */
  interface OnKept {
    RingTensor apply(RingTensor kept, int keptCols);
  }

  /**
   * Runs {@code f} on the kept columns of every row of x [rows, cols] and puts the result back in place;
   * masked columns are zero, and an input with no kept column or no row gives zeros without traffic.
   */
  static RingTensor onKeptColumns(RingTensor x, boolean[] keep, String what, OnKept f) {
    requireMatrix(x, what);
    int rows = x.dim(0), cols = x.dim(1);
    int[] idx = kept(keep, cols);
    if (idx.length == 0 || rows == 0) {
      return RingTensor.zeros(rows, cols);
    }
    return scatter(f.apply(gather(x, idx), idx.length), idx, cols);
  }

  /** Smallest L with |v| < 2^(L-1) for every |v| <= bound at {@code bits} fractional bits, plus one bit of margin. */
  static int signedBits(double bound, int bits) {
    double max = Math.ceil(bound * Math.scalb(1.0, bits));
    if (!(max < 0x1p61)) {
      throw new IllegalArgumentException("bound " + bound + " too large at " + bits + " fractional bits");
    }
    return Math.max(2, 64 - Long.numberOfLeadingZeros((long) max) + 2);
  }
}
