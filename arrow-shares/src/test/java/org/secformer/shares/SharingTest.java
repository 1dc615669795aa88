package org.secformer.shares;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.secformer.shares.fxp.FixedPoint;
import org.secformer.shares.prg.Prg;
import org.secformer.shares.prg.Seed;
import org.secformer.shares.ring.RingTensor;

class SharingTest {
  private static final FixedPoint FXP = FixedPoint.defaults();

  @Test
  void reconstructOfSplitIsIdentityOnRandomTensors() {
    SplittableRandom rnd = new SplittableRandom(7);
    for (int trial = 0; trial < 50; trial++) {
      int rows = 1 + rnd.nextInt(20), cols = 1 + rnd.nextInt(40);
      long[] v = new long[rows * cols];
      for (int i = 0; i < v.length; i++) {
        v[i] = rnd.nextLong();
      }
      RingTensor x = RingTensor.of(v, rows, cols);
      Share[] s = Sharing.split(x);
      assertEquals(x, Sharing.reconstruct(s[0], s[1]));
      assertEquals(x, Sharing.reconstruct(s[1], s[0]));
    }
  }

  @Test
  void reconstructOfSplitIsIdentityOnEdgeValues() {
    long maxFxp = FXP.encode(Math.nextDown(FXP.maxMagnitude()));
    long minFxp = FXP.encode(-Math.nextDown(FXP.maxMagnitude()));
    long[] edges = {0, -1, 1, Long.MIN_VALUE, Long.MAX_VALUE, maxFxp, minFxp, FXP.one(), -FXP.one()};
    RingTensor x = RingTensor.of(edges.clone(), edges.length);
    Share[] s = Sharing.split(x);
    assertArrayEquals(edges, Sharing.reconstruct(s[0], s[1]).data());
    assertEquals(0, s[0].partyId());
    assertEquals(1, s[1].partyId());
  }

  @Test
  void shareAloneDoesNotRevealTheInput() {
    // The share of party 0 is the PRG output, so it is the same for two different inputs under one seed.
    Seed seed = Seed.random();
    RingTensor zeros = RingTensor.zeros(64);
    RingTensor ones = RingTensor.zeros(64).addScalarInPlace(1);
    Share[] a = Sharing.split(zeros, new Prg(seed));
    Share[] b = Sharing.split(ones, new Prg(seed));
    assertEquals(a[0].tensor(), b[0].tensor());
    assertFalse(Arrays.equals(a[1].tensor().data(), zeros.data()), "share 1 must be masked");
  }

  @Test
  void shareOfFixedPointValuesReconstructsToTheEncoding() {
    double[] xs = {0, 1.5, -2.25, 1e-5, -1e-5, 12345.678, -99999.5};
    RingTensor x = FXP.encode(xs, xs.length);
    Share[] s = Sharing.split(x);
    double[] back = FXP.decode(Sharing.reconstruct(s[0], s[1]));
    for (int i = 0; i < xs.length; i++) {
      assertEquals(xs[i], back[i], Math.scalb(1.0, -16));
    }
  }

  @Test
  void rejectsMismatchedShares() {
    Share[] s = Sharing.split(RingTensor.zeros(2, 3));
    Share wrongShape = new Share(1, RingTensor.zeros(3, 2));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Sharing.reconstruct(s[0], wrongShape));
    assertEquals(true, e.getMessage().contains("shapes differ"));
    assertThrows(IllegalArgumentException.class, () -> Sharing.reconstruct(s[0], s[0]));
    assertThrows(IllegalArgumentException.class, () -> new Share(2, RingTensor.zeros(1)));
  }

  @Test
  void toStringNeverShowsValues() {
    Share[] s = Sharing.split(RingTensor.of(new long[] {123456789L}, 1));
    assertFalse(s[1].toString().contains(Long.toString(s[1].tensor().get(0))));
  }
}
