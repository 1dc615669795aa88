package org.secformer.shares.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.secformer.shares.ring.RingMatmul;
import org.secformer.shares.ring.RingTensor;

/**
 * Ring matmul over Z_2^64 at BERT-base shapes: [128 tokens x 768] times a 768x768 projection and a
 * 768x3072 feed-forward weight.
 *
 * <p>The primary score is products per second (ops/s); the secondary metric {@code gmac} adds
 * m*k*n/1e9 per product, so its ops/s figure is GMAC/s directly. {@code threads=all} means
 * {@link Runtime#availableProcessors()}. {@code baselineAxpy} is the kernel RingMatmul had before it
 * was tuned (plain i-p-j axpy, p blocked by 32, single thread), kept here as a control: on a shared,
 * noisy machine the ratio of the two is more telling than either absolute figure.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RingMatmulBench {

  /** The operands; {@code shape} is m x k x n. */
  @State(Scope.Benchmark)
  public static class Operands {
    @Param({"128x768x768", "128x768x3072"})
    public String shape;

    int m;
    int k;
    int n;
    RingTensor a;
    RingTensor b;
    double gmacPerOp;

    @Setup
    public void setup() {
      String[] dims = shape.split("x");
      m = Integer.parseInt(dims[0]);
      k = Integer.parseInt(dims[1]);
      n = Integer.parseInt(dims[2]);
      a = random(m, k, 1);
      b = random(k, n, 2);
      gmacPerOp = (double) m * k * n / 1e9;
    }
  }

  /** Threads handed to {@link RingMatmul#matmul(RingTensor, RingTensor, int)}. */
  @State(Scope.Benchmark)
  public static class Threads {
    @Param({"1", "all"})
    public String threads;

    int count;

    @Setup
    public void setup() {
      count = "all".equals(threads) ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(threads);
    }
  }

  /** Per-iteration counter of giga multiply-adds; JMH reports it as a rate, i.e. GMAC/s. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Macs {
    public double gmac;

    @Setup(Level.Iteration)
    public void reset() {
      gmac = 0;
    }
  }

  @Benchmark
  public RingTensor matmul(Operands ops, Threads threads, Macs macs) {
    macs.gmac += ops.gmacPerOp;
    return RingMatmul.matmul(ops.a, ops.b, threads.count);
  }

  @Benchmark
  public long[] baselineAxpy(Operands ops, Macs macs) {
    macs.gmac += ops.gmacPerOp;
    long[] c = new long[ops.m * ops.n];
    baselineKernel(ops.a.data(), ops.b.data(), c, ops.m, ops.k, ops.n);
    return c;
  }

  /** RingMatmul's kernel before tuning, verbatim: C2 leaves it scalar (see RingMatmul's class comment). */
  private static void baselineKernel(long[] a, long[] b, long[] c, int m, int k, int n) {
    for (int p0 = 0; p0 < k; p0 += 32) {
      int p1 = Math.min(k, p0 + 32);
      for (int i = 0; i < m; i++) {
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

  private static RingTensor random(int rows, int cols, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    long[] data = new long[rows * cols];
    for (int i = 0; i < data.length; i++) {
      data[i] = rnd.nextLong();
    }
    return RingTensor.of(data, rows, cols);
  }
}
