package org.secformer.shares.ring;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinTask;

/**
 * Matrix product over Z_2^64: C[m,n] = A[m,k] * B[k,n], row-major {@code long[]}, no boxing, exact
 * (Java's wrapping {@code long} multiply and add are the ring operations).
 *
 * <p>Why the kernel looks the way it does. Only HotSpot's auto-vectoriser (C2 SuperWord) can emit
 * vpmullq/vpaddq here without {@code jdk.incubator.vector}, and on JDK 17 it is picky:
 *
 * <ul>
 *   <li>It only packs {@code long[]} accesses whose relative alignment it can prove, because accesses of
 *       one element type might overlap in the same array. An access at a loop-invariant offset next to
 *       one without ({@code c[ci + j] += a * x[j]}), or two different offsets ({@code a0 * b[r0 + j] +
 *       a1 * b[r1 + j]}), defeats that and the loop stays scalar (measured ~3-4 GMAC/s, one {@code imul}
 *       per cycle; the previous i-p-j kernel was such a loop). Every array in the inner loop is
 *       therefore indexed by the bare loop variable {@code j}: the rows of B are copied into a panel of
 *       separate {@code long[]} rows, and the rows of C being accumulated into separate accumulator rows.
 *   <li>C2 only starts unrolling a loop (and SuperWord only vectorises an unrolled loop) while its body
 *       has at most {@code LoopUnrollLimit} nodes (60 by default), so the inner loop holds exactly two
 *       products, {@code s[j] += a0 * x[j] + a1 * y[j]}: three or four products per statement, or two
 *       accumulator rows of two products each, stay scalar (four products do vectorise with
 *       {@code -XX:LoopUnrollLimit=120}, but no user JVM, Spark executors included, should need a flag);
 *       two accumulator rows of one product each vectorise but ran ~35% slower. Two products per
 *       load/store of the accumulator also halve the accumulator traffic of a plain axpy. In L1 this
 *       loop runs at about 20 GMAC/s on one core.
 * </ul>
 *
 * <p>Blocking keeps those loads in cache: a panel of up to {@link #P_BLOCK} x {@link #N_BLOCK} elements
 * of B (512 KiB) is packed once and stays in L2 while every row of A streams over it; within the panel,
 * {@link #M_BLOCK} accumulator rows (16 KiB) and the current pair of panel rows (8 KiB) stay in L1, so
 * each pair of B rows is fetched from L2 once per {@code M_BLOCK} rows of A. Packing copies each element
 * of B once per call (per column range of a thread), which is small next to the m multiply-adds it
 * feeds. On this project's reference machine (AMD EPYC with AVX-512, JDK 17) this measured about 3x the
 * plain i-p-j axpy loop; see docs/benchmarks-ring.md.
 *
 * <p>The parallel variant gives each thread a strip of columns of C (a multiple of 8 wide, so threads never
 * share a cache line of C), splitting rows as well only when strips would get narrower than
 * {@link #MIN_PART_COLS}. With column strips every element of B is read and packed once in total, while a
 * row split makes every thread stream and pack all of B; on two cores both measured the same, more
 * threads are expected to favour the strips. Each part owns disjoint elements of C and its own panel, so
 * nothing is shared but the inputs.
 * The calling thread computes one part itself, which matters because the common fork-join pool has only
 * {@code cores - 1} workers.
 */
public final class RingMatmul {
  /** Rows of B per packed panel (tuned on AVX-512 EPYC; 64..256 measured within noise). */
  static final int P_BLOCK = 128;
  /** Columns per packed panel and length of the vectorised inner loop (long loops amortise C2's pre/post loops). */
  static final int N_BLOCK = 512;
  /** Rows of A that reuse each pair of panel rows while it sits in L1. */
  static final int M_BLOCK = 4;
  /** Narrowest column strip a thread gets before rows are split too (short inner loops run slower). */
  static final int MIN_PART_COLS = 256;
  /** Below this many multiply-adds, threading costs more than it saves. */
  private static final long PARALLEL_THRESHOLD = 1L << 20;

  private RingMatmul() {}

  /** Single-threaded product of a [m,k] and b [k,n] (both rank 2). */
  public static RingTensor matmul(RingTensor a, RingTensor b) {
    return matmul(a, b, 1);
  }

  /** Product using up to {@code threads} threads (the caller plus the common fork-join pool). */
  public static RingTensor matmul(RingTensor a, RingTensor b, int threads) {
    int[] ms = dims(a, b);
    int m = ms[0], k = ms[1], n = ms[2];
    long[] c = new long[Math.toIntExact(RingTensor.checkShape(m, n))];
    multiplyAccumulate(a.data(), b.data(), c, m, k, n, threads);
    return RingTensor.of(c, m, n);
  }

  /** Uses all available processors. */
  public static RingTensor matmulParallel(RingTensor a, RingTensor b) {
    return matmul(a, b, Runtime.getRuntime().availableProcessors());
  }

  /** c[m,n] += a[m,k] * b[k,n] over raw row-major arrays. */
  public static void multiplyAccumulate(long[] a, long[] b, long[] c, int m, int k, int n, int threads) {
    if (m < 0 || k < 0 || n < 0
        || a.length != (long) m * k || b.length != (long) k * n || c.length != (long) m * n) {
      throw new IllegalArgumentException(
          "matmul buffers do not match m=" + m + " k=" + k + " n=" + n);
    }
    if (m == 0 || n == 0 || k == 0) {
      return;
    }
    int workers = Math.max(1, threads);
    if (workers == 1 || (long) m * k * n < PARALLEL_THRESHOLD) {
      kernel(a, b, c, k, n, 0, m, 0, n);
      return;
    }
    // Prefer column strips: each part packs only its own columns of B, so B is read and packed once
    // in total. Rows are split as well only when the strips would get narrower than MIN_PART_COLS.
    int colParts = clamp(n / MIN_PART_COLS, 1, workers);
    int rowParts = clamp(workers / colParts, 1, ceilDiv(m, M_BLOCK));
    if (colParts * rowParts < workers) {
      colParts = clamp(workers / rowParts, colParts, ceilDiv(n, 8));
    }
    int rowsPer = roundUp(ceilDiv(m, rowParts), M_BLOCK);
    int colsPer = roundUp(ceilDiv(n, colParts), 8);
    List<int[]> parts = new ArrayList<>(rowParts * colParts);
    for (int r0 = 0; r0 < m; r0 += rowsPer) {
      for (int c0 = 0; c0 < n; c0 += colsPer) {
        parts.add(new int[] {r0, Math.min(m, r0 + rowsPer), c0, Math.min(n, c0 + colsPer)});
      }
    }
    List<ForkJoinTask<?>> forked = new ArrayList<>(parts.size());
    for (int t = 1; t < parts.size(); t++) {
      int[] p = parts.get(t);
      forked.add(ForkJoinTask.adapt(() -> kernel(a, b, c, k, n, p[0], p[1], p[2], p[3])).fork());
    }
    int[] own = parts.get(0);
    try {
      kernel(a, b, c, k, n, own[0], own[1], own[2], own[3]);
    } finally {
      // Reverse order: a task not yet taken by a worker is on top of the queue and runs here instead.
      for (int t = forked.size() - 1; t >= 0; t--) {
        forked.get(t).join();
      }
    }
  }

  /** c[rowFrom:rowTo, colFrom:colTo] += a[rowFrom:rowTo, :] * b[:, colFrom:colTo]. */
  private static void kernel(
      long[] a, long[] b, long[] c, int k, int n, int rowFrom, int rowTo, int colFrom, int colTo) {
    int nb = blockSize(colTo - colFrom, N_BLOCK);
    int pb = blockSize(k, P_BLOCK);
    long[][] panel = new long[pb][nb];
    long[][] acc = new long[Math.min(M_BLOCK, rowTo - rowFrom)][nb];
    for (int j0 = colFrom; j0 < colTo; j0 += nb) {
      int w = Math.min(nb, colTo - j0);
      for (int p0 = 0; p0 < k; p0 += pb) {
        int pw = Math.min(pb, k - p0);
        for (int p = 0; p < pw; p++) {
          System.arraycopy(b, (p0 + p) * n + j0, panel[p], 0, w);
        }
        for (int i0 = rowFrom; i0 < rowTo; i0 += M_BLOCK) {
          int rows = Math.min(M_BLOCK, rowTo - i0);
          for (int r = 0; r < rows; r++) {
            System.arraycopy(c, (i0 + r) * n + j0, acc[r], 0, w);
          }
          int p = 0;
          for (; p + 1 < pw; p += 2) {
            long[] x = panel[p];
            long[] y = panel[p + 1];
            for (int r = 0; r < rows; r++) {
              int ai = (i0 + r) * k + p0 + p;
              axpy2(acc[r], x, y, a[ai], a[ai + 1], w);
            }
          }
          if (p < pw) {
            long[] x = panel[p];
            for (int r = 0; r < rows; r++) {
              axpy1(acc[r], x, a[(i0 + r) * k + p0 + p], w);
            }
          }
          for (int r = 0; r < rows; r++) {
            System.arraycopy(acc[r], 0, c, (i0 + r) * n + j0, w);
          }
        }
      }
    }
  }

  /** s[j] += a0 * x[j] + a1 * y[j]: the vectorised inner loop (two products, see the class comment). */
  private static void axpy2(long[] s, long[] x, long[] y, long a0, long a1, int w) {
    for (int j = 0; j < w; j++) {
      s[j] += a0 * x[j] + a1 * y[j];
    }
  }

  private static void axpy1(long[] s, long[] x, long a0, int w) {
    for (int j = 0; j < w; j++) {
      s[j] += a0 * x[j];
    }
  }

  /**
   * Splits {@code len} into equal blocks of at most {@code max} (rounded up to a multiple of 8 longs, one
   * cache line), so that e.g. 768 columns become 2 x 384 rather than 512 + 256.
   */
  private static int blockSize(int len, int max) {
    if (len <= max) {
      return Math.max(1, len);
    }
    return Math.min(len, roundUp(ceilDiv(len, ceilDiv(len, max)), 8));
  }

  private static int clamp(int x, int lo, int hi) {
    return Math.max(lo, Math.min(hi, x));
  }

  private static int ceilDiv(int x, int y) {
    return (x + y - 1) / y;
  }

  private static int roundUp(int x, int multiple) {
    return ceilDiv(x, multiple) * multiple;
  }

  /** Transpose of a rank-2 tensor. */
  public static RingTensor transpose(RingTensor a) {
    if (a.rank() != 2) {
      throw new IllegalArgumentException("transpose needs a rank-2 tensor, got " + a);
    }
    int r = a.dim(0), s = a.dim(1);
    long[] src = a.data();
    long[] dst = new long[src.length];
    for (int i = 0; i < r; i++) {
      for (int j = 0; j < s; j++) {
        dst[j * r + i] = src[i * s + j];
      }
    }
    return RingTensor.of(dst, s, r);
  }

  private static int[] dims(RingTensor a, RingTensor b) {
    if (a.rank() != 2 || b.rank() != 2 || a.dim(1) != b.dim(0)) {
      throw new IllegalArgumentException("matmul needs [m,k] x [k,n], got " + a + " x " + b);
    }
    return new int[] {a.dim(0), a.dim(1), b.dim(1)};
  }
}
