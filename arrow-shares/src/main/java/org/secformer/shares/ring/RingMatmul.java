package org.secformer.shares.ring;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * Matrix product over Z_2^64: C[m,n] = A[m,k] * B[k,n], row-major {@code long[]}, no boxing.
 *
 * <p>The kernel is the i-p-j ("axpy") order blocked over p: the innermost loop streams one row of B
 * and one row of C, which the JIT vectorises (vpmullq/vpaddq on AVX-512, emulated on AVX2), while a
 * dot-product order over a transposed B needs a horizontal reduction per output and measured 2x
 * slower here. Blocking p keeps the touched rows of B in L2 across all rows of A.
 * Rows of A are split over threads for the parallel variant; each thread owns disjoint rows of C, so no
 * synchronisation is needed beyond the join.
 */
public final class RingMatmul {
  /** Rows of B kept hot per block; 32 rows x 768 longs = 192 KiB, within L2 (tuned by JMH). */
  static final int P_BLOCK = 32;
  /** Below this many multiply-adds, threading costs more than it saves. */
  private static final long PARALLEL_THRESHOLD = 1L << 20;

  private RingMatmul() {}

  /** Single-threaded product of a [m,k] and b [k,n] (both rank 2). */
  public static RingTensor matmul(RingTensor a, RingTensor b) {
    return matmul(a, b, 1);
  }

  /** Product using up to {@code threads} threads of the common fork-join pool. */
  public static RingTensor matmul(RingTensor a, RingTensor b, int threads) {
    int[] ms = dims(a, b);
    int m = ms[0], k = ms[1], n = ms[2];
    long[] c = new long[Math.multiplyExact(m, n)];
    multiplyAccumulate(a.data(), b.data(), c, m, k, n, threads);
    return RingTensor.of(c, m, n);
  }

  /** Uses all available processors. */
  public static RingTensor matmulParallel(RingTensor a, RingTensor b) {
    return matmul(a, b, Runtime.getRuntime().availableProcessors());
  }

  /** c[m,n] += a[m,k] * b[k,n] over raw arrays. */
  public static void multiplyAccumulate(long[] a, long[] b, long[] c, int m, int k, int n, int threads) {
    if (a.length != (long) m * k || b.length != (long) k * n || c.length != (long) m * n) {
      throw new IllegalArgumentException(
          "matmul buffers do not match m=" + m + " k=" + k + " n=" + n);
    }
    int workers = Math.max(1, Math.min(threads, m));
    if (workers == 1 || (long) m * k * n < PARALLEL_THRESHOLD) {
      kernel(a, b, c, k, n, 0, m);
      return;
    }
    List<ForkJoinTask<?>> tasks = new ArrayList<>(workers);
    int rowsPer = (m + workers - 1) / workers;
    for (int w = 0; w < workers; w++) {
      int r0 = w * rowsPer;
      int r1 = Math.min(m, r0 + rowsPer);
      if (r0 >= r1) {
        break;
      }
      tasks.add(ForkJoinPool.commonPool().submit(() -> kernel(a, b, c, k, n, r0, r1)));
    }
    for (ForkJoinTask<?> t : tasks) {
      t.join();
    }
  }

  private static void kernel(long[] a, long[] b, long[] c, int k, int n, int rowFrom, int rowTo) {
    for (int p0 = 0; p0 < k; p0 += P_BLOCK) {
      int p1 = Math.min(k, p0 + P_BLOCK);
      for (int i = rowFrom; i < rowTo; i++) {
        int ci = i * n;
        int ai = i * k;
        for (int p = p0; p < p1; p++) {
          long av = a[ai + p];
          int bp = p * n;
          for (int j = 0; j < n; j++) {
            c[ci + j] += av * b[bp + j];
          }
        }
      }
    }
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
