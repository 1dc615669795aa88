package org.secformer.shares.ring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RingMatmulTest {
  private static final long[] EDGES = {
    0, 1, -1, 2, -2, Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE - 1,
    1L << 32, (1L << 32) - 1, 0x5555_5555_5555_5555L, 0xAAAA_AAAA_AAAA_AAAAL, 0x9E37_79B9_7F4A_7C15L
  };

  /** The reference: the textbook triple loop with wrapping long arithmetic. */
  private static long[] naive(long[] a, long[] b, long[] c0, int m, int k, int n) {
    long[] c = c0.clone();
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        long s = c[i * n + j];
        for (int p = 0; p < k; p++) {
          s += a[i * k + p] * b[p * n + j];
        }
        c[i * n + j] = s;
      }
    }
    return c;
  }

  private static long[] random(int len, SplittableRandom rnd) {
    long[] x = new long[len];
    for (int i = 0; i < len; i++) {
      x[i] = rnd.nextLong();
    }
    return x;
  }

  static Stream<Arguments> shapes() {
    int pb = RingMatmul.P_BLOCK;
    int nb = RingMatmul.N_BLOCK;
    int mb = RingMatmul.M_BLOCK;
    return Stream.of(
        Arguments.of(1, 1, 1),
        Arguments.of(3, 5, 7),
        Arguments.of(1, 7, 1),
        Arguments.of(5, 1, 9),
        Arguments.of(129, 77, 65),
        Arguments.of(2, 3, 1),
        Arguments.of(mb - 1, 2 * pb + 1, 9),
        Arguments.of(mb + 1, pb - 1, nb + 3),
        Arguments.of(2 * mb + 3, 2 * pb + 3, 2 * nb + 5),
        Arguments.of(13, 300, 1100),
        Arguments.of(3, 600, 700),
        Arguments.of(130, 129, 131),
        Arguments.of(64, 96, 96));
  }

  @ParameterizedTest(name = "{0}x{1}x{2}")
  @MethodSource("shapes")
  void matchesNaiveSingleAndMultiThreaded(int m, int k, int n) {
    SplittableRandom rnd = new SplittableRandom(31L * m + 17L * k + n);
    RingTensor a = RingTensor.of(random(m * k, rnd), m, k);
    RingTensor b = RingTensor.of(random(k * n, rnd), k, n);
    long[] expected = naive(a.data(), b.data(), new long[m * n], m, k, n);

    assertArrayEquals(expected, RingMatmul.matmul(a, b).data(), "1 thread");
    for (int threads : new int[] {2, 3, 4, 7}) {
      RingTensor c = RingMatmul.matmul(a, b, threads);
      assertArrayEquals(new int[] {m, n}, c.shape());
      assertArrayEquals(expected, c.data(), threads + " threads");
    }
    assertArrayEquals(expected, RingMatmul.matmulParallel(a, b).data(), "all cores");
  }

  @ParameterizedTest(name = "{0}x{1}x{2}")
  @MethodSource("shapes")
  void multiplyAccumulateAddsIntoC(int m, int k, int n) {
    SplittableRandom rnd = new SplittableRandom(7L * m + k + 3L * n);
    long[] a = random(m * k, rnd);
    long[] b = random(k * n, rnd);
    long[] c0 = random(m * n, rnd);
    long[] expected = naive(a, b, c0, m, k, n);
    for (int threads : new int[] {1, 2, 5}) {
      long[] c = c0.clone();
      RingMatmul.multiplyAccumulate(a, b, c, m, k, n, threads);
      assertArrayEquals(expected, c, threads + " threads");
    }
  }

  /** Shapes large enough to take the parallel path (both the row split and the column split). */
  @Test
  void parallelPathsMatchNaive() {
    int[][] shapes = {{130, 97, 131}, {3, 600, 701}, {9, 1024, 257}, {40, 300, 200}};
    for (int[] s : shapes) {
      int m = s[0], k = s[1], n = s[2];
      SplittableRandom rnd = new SplittableRandom(m * 1000L + n);
      long[] a = random(m * k, rnd);
      long[] b = random(k * n, rnd);
      long[] expected = naive(a, b, new long[m * n], m, k, n);
      for (int threads : new int[] {1, 2, 3, 8, 64}) {
        long[] c = new long[m * n];
        RingMatmul.multiplyAccumulate(a, b, c, m, k, n, threads);
        assertArrayEquals(expected, c, m + "x" + k + "x" + n + " with " + threads + " threads");
      }
    }
  }

  /** Repeats one product until C2 has compiled (and vectorised) the kernel; results must not change. */
  @Test
  void jitCompiledKernelStaysExact() {
    int m = 9, k = 2 * RingMatmul.P_BLOCK + 1, n = RingMatmul.N_BLOCK + 8;
    SplittableRandom rnd = new SplittableRandom(99);
    long[] a = random(m * k, rnd);
    long[] b = random(k * n, rnd);
    long[] expected = naive(a, b, new long[m * n], m, k, n);
    for (int round = 0; round < 80; round++) {
      long[] c = new long[m * n];
      RingMatmul.multiplyAccumulate(a, b, c, m, k, n, 1 + round % 2);
      assertArrayEquals(expected, c, "round " + round);
    }
  }

  @Test
  void edgeValuesWrapExactly() {
    int m = EDGES.length, k = EDGES.length, n = EDGES.length + 3;
    long[] a = new long[m * k];
    long[] b = new long[k * n];
    for (int i = 0; i < a.length; i++) {
      a[i] = EDGES[(i * 7 + i / k) % EDGES.length];
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = EDGES[(i * 5 + 3) % EDGES.length];
    }
    long[] expected = naive(a, b, new long[m * n], m, k, n);
    assertArrayEquals(expected, RingMatmul.matmul(RingTensor.of(a, m, k), RingTensor.of(b, k, n)).data());
    assertArrayEquals(
        expected, RingMatmul.matmul(RingTensor.of(a, m, k), RingTensor.of(b, k, n), 4).data());

    // A long column of MIN_VALUE * MIN_VALUE (= 0 mod 2^64) and MAX_VALUE * MAX_VALUE (= 1 mod 2^64).
    int kk = 2 * RingMatmul.P_BLOCK + 5;
    long[] mins = new long[kk];
    long[] maxs = new long[kk];
    Arrays.fill(mins, Long.MIN_VALUE);
    Arrays.fill(maxs, Long.MAX_VALUE);
    assertEquals(0L, RingMatmul.matmul(RingTensor.of(mins, 1, kk), RingTensor.of(mins.clone(), kk, 1)).get(0));
    assertEquals((long) kk, RingMatmul.matmul(RingTensor.of(maxs, 1, kk), RingTensor.of(maxs.clone(), kk, 1)).get(0));
    // (-1) * MIN_VALUE wraps back to MIN_VALUE.
    assertEquals(
        Long.MIN_VALUE,
        RingMatmul.matmul(RingTensor.of(new long[] {-1}, 1, 1), RingTensor.of(new long[] {Long.MIN_VALUE}, 1, 1))
            .get(0));
  }

  @Test
  void emptyInnerDimensionGivesZeros() {
    RingTensor a = RingTensor.zeros(3, 0);
    RingTensor b = RingTensor.zeros(0, 4);
    RingTensor c = RingMatmul.matmul(a, b, 2);
    assertArrayEquals(new int[] {3, 4}, c.shape());
    assertArrayEquals(new long[12], c.data());

    long[] acc = {1, 2, 3, 4, 5, 6};
    RingMatmul.multiplyAccumulate(new long[0], new long[0], acc, 2, 0, 3, 1);
    assertArrayEquals(new long[] {1, 2, 3, 4, 5, 6}, acc);
  }

  @Test
  void emptyOuterDimensions() {
    assertArrayEquals(new int[] {0, 5}, RingMatmul.matmul(RingTensor.zeros(0, 3), RingTensor.zeros(3, 5)).shape());
    assertArrayEquals(new int[] {4, 0}, RingMatmul.matmul(RingTensor.zeros(4, 3), RingTensor.zeros(3, 0), 3).shape());
  }

  @Test
  void rejectsMismatchedShapesAndBuffers() {
    assertThrows(
        IllegalArgumentException.class, () -> RingMatmul.matmul(RingTensor.zeros(2, 3), RingTensor.zeros(4, 2)));
    assertThrows(IllegalArgumentException.class, () -> RingMatmul.matmul(RingTensor.zeros(6), RingTensor.zeros(6, 1)));
    assertThrows(
        IllegalArgumentException.class,
        () -> RingMatmul.multiplyAccumulate(new long[6], new long[6], new long[3], 2, 3, 2, 1));
  }

  @Test
  void transposeSwapsAxes() {
    long[] x = {1, 2, 3, 4, 5, 6};
    RingTensor t = RingMatmul.transpose(RingTensor.of(x, 2, 3));
    assertArrayEquals(new int[] {3, 2}, t.shape());
    assertArrayEquals(new long[] {1, 4, 2, 5, 3, 6}, t.data());
    assertThrows(IllegalArgumentException.class, () -> RingMatmul.transpose(RingTensor.zeros(2, 2, 2)));
  }

  @Test
  void productWithTransposeMatchesNaive() {
    SplittableRandom rnd = new SplittableRandom(5);
    int m = 17, k = 33, n = 21;
    long[] a = random(m * k, rnd);
    long[] bt = random(n * k, rnd);
    RingTensor b = RingMatmul.transpose(RingTensor.of(bt, n, k));
    assertArrayEquals(naive(a, b.data(), new long[m * n], m, k, n), RingMatmul.matmul(RingTensor.of(a, m, k), b).data());
  }
}
