package org.secformer.engine.dealer.fss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DcfTest {
  private static long[] randomWords(SplittableRandom rnd, int count) {
    long[] w = new long[count];
    for (int i = 0; i < count; i++) {
      w[i] = rnd.nextLong();
    }
    return w;
  }

  private static DcfKey[] gen(SplittableRandom rnd, int bits, long[] alpha, long[] beta) {
    int n = alpha.length;
    return Dcf.gen(bits, alpha, beta, randomWords(rnd, 2 * n), randomWords(rnd, 2 * n));
  }

  /** Both parties evaluate their keys on x; the sum must be beta [x < alpha] exactly. */
  private static void assertDcf(DcfKey[] keys, long[] alpha, long[] beta, long[] x) {
    long[] y0 = Dcf.eval(keys[0], x);
    long[] y1 = Dcf.eval(keys[1], x);
    for (int j = 0; j < x.length; j++) {
      long expected = Long.compareUnsigned(x[j], alpha[j]) < 0 ? beta[j] : 0;
      assertEquals(expected, y0[j] + y1[j], "alpha=" + alpha[j] + " x=" + x[j] + " beta=" + beta[j]);
    }
  }

  @Test
  void exhaustiveOnAnEightBitDomain() {
    SplittableRandom rnd = new SplittableRandom(11);
    int bits = 8, size = 1 << bits;
    // one instance per (alpha, x) pair: all 65,536 of them in one batch
    long[] alpha = new long[size * size], x = new long[size * size];
    for (int a = 0; a < size; a++) {
      for (int v = 0; v < size; v++) {
        alpha[a * size + v] = a;
        x[a * size + v] = v;
      }
    }
    long[] beta = randomWords(rnd, alpha.length);
    beta[0] = 1;
    beta[1] = -1;
    assertDcf(gen(rnd, bits, alpha, beta), alpha, beta, x);
  }

  @Test
  void oneKeyServesManyInputs() {
    // the same key evaluated on every point of a 6-bit domain (keys are reusable, eval is stateless)
    SplittableRandom rnd = new SplittableRandom(12);
    int bits = 6;
    for (long a = 0; a < 64; a++) {
      long beta = rnd.nextLong();
      DcfKey[] k = gen(rnd, bits, new long[] {a}, new long[] {beta});
      for (long v = 0; v < 64; v++) {
        long[] in = {v};
        assertEquals(v < a ? beta : 0, Dcf.eval(k[0], in)[0] + Dcf.eval(k[1], in)[0]);
      }
    }
  }

  @Test
  void randomOnA47BitDomainWithEdges() {
    SplittableRandom rnd = new SplittableRandom(13);
    int bits = 47, n = 10_000;
    long domain = 1L << bits;
    long[] alpha = new long[n], x = new long[n], beta = randomWords(rnd, n);
    for (int j = 0; j < n; j++) {
      alpha[j] = rnd.nextLong(domain);
      switch (j % 8) {
        case 0 -> x[j] = alpha[j];
        case 1 -> x[j] = Math.max(0, alpha[j] - 1);
        case 2 -> x[j] = Math.min(domain - 1, alpha[j] + 1);
        case 3 -> x[j] = alpha[j] ^ (1L << rnd.nextInt(bits)); // differs in exactly one bit
        default -> x[j] = rnd.nextLong(domain);
      }
    }
    long[][] edges = {{0, 0}, {0, domain - 1}, {domain - 1, 0}, {domain - 1, domain - 1}, {1, 0}, {0, 1}};
    for (int e = 0; e < edges.length; e++) {
      alpha[n - 1 - e] = edges[e][0];
      x[n - 1 - e] = edges[e][1];
    }
    // beta = +1 / -1 as in the comparison, then arbitrary words
    beta[0] = 1;
    beta[1] = -1;
    assertDcf(gen(rnd, bits, alpha, beta), alpha, beta, x);
  }

  @Test
  void fullWidthAndSingleBitDomains() {
    SplittableRandom rnd = new SplittableRandom(14);
    int n = 2000;
    long[] alpha = randomWords(rnd, n), x = randomWords(rnd, n), beta = randomWords(rnd, n);
    for (int j = 0; j < n; j += 3) {
      x[j] = alpha[j];
    }
    assertDcf(gen(rnd, 64, alpha, beta), alpha, beta, x);

    long[] a1 = {0, 0, 1, 1}, x1 = {0, 1, 0, 1}, b1 = {5, 6, 7, 8};
    assertDcf(gen(rnd, 1, a1, b1), a1, b1, x1);
  }

  @Test
  void batchesLongerThanOneChunk() {
    SplittableRandom rnd = new SplittableRandom(15);
    int bits = 20, n = Dcf.GEN_CHUNK * 2 + Dcf.EVAL_CHUNK + 7;
    long[] alpha = new long[n], x = new long[n], beta = randomWords(rnd, n);
    for (int j = 0; j < n; j++) {
      alpha[j] = rnd.nextLong(1L << bits);
      x[j] = rnd.nextLong(1L << bits);
    }
    assertDcf(gen(rnd, bits, alpha, beta), alpha, beta, x);
  }

  @Test
  void oneKeyAloneLooksRandom() {
    // party 0's output alone must not reveal [x < alpha]: over many instances with beta = 1, its shares
    // are spread over the ring (no 0/1 values, both halves of the ring hit)
    SplittableRandom rnd = new SplittableRandom(16);
    int n = 4096, bits = 30;
    long[] alpha = new long[n], x = new long[n], beta = new long[n];
    for (int j = 0; j < n; j++) {
      alpha[j] = rnd.nextLong(1L << bits);
      x[j] = rnd.nextLong(1L << bits);
      beta[j] = 1;
    }
    long[] y0 = Dcf.eval(gen(rnd, bits, alpha, beta)[0], x);
    int negative = 0;
    for (long y : y0) {
      assertNotEquals(0L, y & ~1L);
      negative += y < 0 ? 1 : 0;
    }
    assertTrue(negative > n / 2 - 200 && negative < n / 2 + 200, "negative shares: " + negative);
  }

  @Test
  void rejectsInputsOutsideTheDomain() {
    SplittableRandom rnd = new SplittableRandom(17);
    DcfKey[] k = gen(rnd, 8, new long[] {3}, new long[] {1});
    assertThrows(IllegalArgumentException.class, () -> Dcf.eval(k[0], new long[] {256}));
    assertThrows(IllegalArgumentException.class,
        () -> Dcf.gen(8, new long[] {256}, new long[] {1}, new long[2], new long[2]));
    assertEquals(3 * 47 + 2, DcfKey.correctionWords(47));
  }

  @Test
  void timing200kEvaluationsAt47Bits() {
    // Not an assertion: prints the one-party eval time of 200k comparisons' DCFs (L = 48, 47 levels).
    SplittableRandom rnd = new SplittableRandom(18);
    int bits = 47, n = 200_000;
    long[] alpha = new long[n], x = new long[n], beta = new long[n];
    for (int j = 0; j < n; j++) {
      alpha[j] = rnd.nextLong(1L << bits);
      x[j] = rnd.nextLong(1L << bits);
      beta[j] = rnd.nextBoolean() ? 1 : -1;
    }
    long g0 = System.nanoTime();
    DcfKey[] keys = gen(rnd, bits, alpha, beta);
    long g1 = System.nanoTime();
    Dcf.eval(keys[0], x); // warm-up
    long best = Long.MAX_VALUE;
    long[] y0 = null;
    for (int rep = 0; rep < 3; rep++) {
      long e0 = System.nanoTime();
      y0 = Dcf.eval(keys[0], x);
      best = Math.min(best, System.nanoTime() - e0);
    }
    long[] y1 = Dcf.eval(keys[1], x);
    for (int j = 0; j < n; j += 997) {
      assertEquals(x[j] < alpha[j] ? beta[j] : 0, y0[j] + y1[j]);
    }
    System.out.printf(
        "DCF %d bits, %d instances: gen (both keys) %.0f ms, eval at one party %.0f ms (best of 3), "
            + "%d correction bytes per instance per party%n",
        bits, n, (g1 - g0) / 1e6, best / 1e6, 8 * DcfKey.correctionWords(bits));
  }
}
