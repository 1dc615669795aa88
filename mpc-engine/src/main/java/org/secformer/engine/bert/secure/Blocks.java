package org.secformer.engine.bert.secure;

import java.util.ArrayList;
import java.util.List;
import org.secformer.shares.ring.RingTensor;

/**
 * Local reshuffles of shares between the [B T, H] layout of hidden states and the per (sequence, head)
 * blocks of attention, and broadcasts of the [B, T] mask. Shares are linear, so each party applies these
 * to its own share with no communication.
 */
final class Blocks {
  private Blocks() {}

  /** Rows [row0, row0 + rows) and columns [col0, col0 + cols) of x [R, C] as a new [rows, cols]. */
  static RingTensor block(RingTensor x, int row0, int rows, int col0, int cols) {
    int width = x.dim(1);
    long[] out = new long[rows * cols];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(x.data(), (row0 + r) * width + col0, out, r * cols, cols);
    }
    return RingTensor.of(out, rows, cols);
  }

  /** Writes part [rows, cols] into x at (row0, col0). */
  static void put(RingTensor x, RingTensor part, int row0, int col0) {
    int width = x.dim(1), rows = part.dim(0), cols = part.dim(1);
    for (int r = 0; r < rows; r++) {
      System.arraycopy(part.data(), r * cols, x.data(), (row0 + r) * width + col0, cols);
    }
  }

  /** Same-width matrices one under the other. */
  static RingTensor stackRows(List<RingTensor> parts) {
    int cols = parts.get(0).dim(1), rows = 0;
    for (RingTensor p : parts) {
      rows += p.dim(0);
    }
    long[] out = new long[Math.multiplyExact(rows, cols)];
    int at = 0;
    for (RingTensor p : parts) {
      System.arraycopy(p.data(), 0, out, at, p.size());
      at += p.size();
    }
    return RingTensor.of(out, rows, cols);
  }

  /** x [count rows, cols] cut into count blocks of {@code rows} rows. */
  static List<RingTensor> splitRows(RingTensor x, int rows) {
    int cols = x.dim(1), count = x.dim(0) / rows;
    List<RingTensor> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(block(x, i * rows, rows, 0, cols));
    }
    return out;
  }

  /** Matrices of the same height side by side. */
  static RingTensor concatColumns(RingTensor... parts) {
    int rows = parts[0].dim(0), cols = 0;
    for (RingTensor p : parts) {
      cols += p.dim(1);
    }
    RingTensor out = RingTensor.zeros(rows, cols);
    int at = 0;
    for (RingTensor p : parts) {
      put(out, p, 0, at);
      at += p.dim(1);
    }
    return out;
  }

  /**
   * The key mask of every attention score row: mask [B, T] to [B heads T, T], row (b, head, i) holding
   * sequence b's mask (every query of a sequence sees the same keys).
   */
  static RingTensor scoreMask(RingTensor mask, int heads) {
    int b = mask.dim(0), t = mask.dim(1);
    long[] out = new long[Math.multiplyExact(Math.multiplyExact(b, heads), t * t)];
    int at = 0;
    for (int s = 0; s < b; s++) {
      for (int r = 0; r < heads * t; r++) {
        System.arraycopy(mask.data(), s * t, out, at, t);
        at += t;
      }
    }
    return RingTensor.of(out, b * heads * t, t);
  }

  /** The mask bit of each token repeated over the hidden columns: mask [B, T] to [B T, cols]. */
  static RingTensor tokenMask(RingTensor mask, int cols) {
    int rows = mask.size();
    long[] out = new long[Math.multiplyExact(rows, cols)];
    for (int r = 0; r < rows; r++) {
      java.util.Arrays.fill(out, r * cols, (r + 1) * cols, mask.data()[r]);
    }
    return RingTensor.of(out, rows, cols);
  }

  /** Sum of each sequence's T rows: x [B T, H] to [B, H]. */
  static RingTensor sumPerSequence(RingTensor x, int seqLen) {
    int h = x.dim(1), b = x.dim(0) / seqLen;
    long[] out = new long[b * h];
    long[] in = x.data();
    for (int s = 0; s < b; s++) {
      for (int t = 0; t < seqLen; t++) {
        int row = (s * seqLen + t) * h;
        for (int c = 0; c < h; c++) {
          out[s * h + c] += in[row + c];
        }
      }
    }
    return RingTensor.of(out, b, h);
  }

  /** x [rows, cols] plus the vector v [cols] on every row, in place. */
  static RingTensor addToRows(RingTensor x, RingTensor v) {
    int cols = x.dim(1);
    if (v.size() != cols) {
      throw new IllegalArgumentException("row vector " + v + " does not match " + x);
    }
    long[] xd = x.data(), vd = v.data();
    for (int i = 0; i < xd.length; i++) {
      xd[i] += vd[i % cols];
    }
    return x;
  }
}
