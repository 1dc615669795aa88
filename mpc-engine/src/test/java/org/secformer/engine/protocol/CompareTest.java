package org.secformer.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.secformer.engine.job.InProcessParties;
import org.secformer.shares.Share;
import org.secformer.shares.Sharing;
import org.secformer.shares.fxp.FixedPoint;
import org.secformer.shares.ring.RingTensor;

class CompareTest {
  private static final FixedPoint FXP = FixedPoint.defaults();

  private static RingTensor reconstruct(InProcessParties.Run<RingTensor> run) {
    return Sharing.reconstruct(new Share(0, run.result(0)), new Share(1, run.result(1)));
  }

  private static long[] lessThanZero(long[] v, int bits) {
    Share[] xs = Sharing.split(RingTensor.of(v, v.length));
    InProcessParties.Run<RingTensor> run = ProtocolRuns.runChecked(Compare.cost(v.length, bits),
        ctx -> Compare.lessThanZero(ctx, xs[ctx.party()].tensor(), bits));
    return reconstruct(run).data();
  }

  private static void assertSigns(long[] v, long[] z) {
    for (int i = 0; i < v.length; i++) {
      assertEquals(v[i] < 0 ? 1 : 0, z[i], "x = " + v[i]);
    }
  }

  @Test
  void randomValuesOfBothSignsAndEdgesForSeveralWidths() {
    SplittableRandom rnd = new SplittableRandom(21);
    for (int bits : new int[] {32, 48, 62, 64}) {
      long half = bits == 64 ? Long.MAX_VALUE : (1L << (bits - 1)) - 1; // |x| <= 2^(L-1) - 1
      int n = 5000;
      long[] v = new long[n];
      for (int i = 0; i < n; i++) {
        // magnitudes spread over all scales up to 2^(L-1)
        long mag = rnd.nextLong(half) >>> rnd.nextInt(bits - 1);
        v[i] = rnd.nextBoolean() ? mag : -mag;
      }
      long[] edges = {0, -1, 1, half, -half, 2, -2, half - 1, -(half - 1), 1L << (bits - 2), -(1L << (bits - 2))};
      System.arraycopy(edges, 0, v, 0, edges.length);
      assertSigns(v, lessThanZero(v, bits));
    }
  }

  @Test
  void mostNegativeValueOfTheWindowIsAlsoNegative() {
    // x = -2^(L-1) is x mod 2^L = 2^(L-1): msb 1, still correct
    int bits = 40;
    long[] v = {-(1L << 39), (1L << 39) - 1, -(1L << 39) + 1};
    assertSigns(v, lessThanZero(v, bits));
  }

  @Test
  void fixedPointValuesNearTheGeluSegmentBorders() {
    // GeLU's erf segments switch at x = +/-2.5 sqrt 2 = +/-3.5355...: compare x - border exactly, one ulp
    // (2^-16) on either side of the encoded border included
    double border = 2.5 * Math.sqrt(2);
    long b = FXP.encode(border);
    int n = 2001;
    long[] x = new long[2 * n];
    for (int i = 0; i < n; i++) {
      x[i] = b + (i - n / 2);            // border +/- 1000 ulp, in steps of one ulp
      x[n + i] = -b + (i - n / 2);
    }
    RingTensor xt = RingTensor.of(x, 2 * n);
    long[] borders = new long[2 * n];
    Arrays.fill(borders, 0, n, b);
    Arrays.fill(borders, n, 2 * n, -b);
    RingTensor bt = RingTensor.of(borders, 2 * n);
    Share[] xs = Sharing.split(xt);
    // x < border: border is public, so subtract it at party 0 only
    InProcessParties.Run<RingTensor> run = ProtocolRuns.runChecked(Compare.cost(2 * n, 32),
        ctx -> Compare.lessThanZero(ctx, PublicOps.addPublic(ctx, xs[ctx.party()].tensor(), bt.neg()), 32));
    long[] z = reconstruct(run).data();
    for (int i = 0; i < 2 * n; i++) {
      assertEquals(x[i] < borders[i] ? 1 : 0, z[i], "x = " + FXP.decode(x[i]) + " border " + FXP.decode(borders[i]));
    }
  }

  @Test
  void lessThanOfTwoSharedTensorsAndGreaterEqualZero() {
    SplittableRandom rnd = new SplittableRandom(22);
    int n = 3000, bits = Compare.DEFAULT_BITS;
    long[] a = new long[n], c = new long[n];
    for (int i = 0; i < n; i++) {
      a[i] = FXP.encode((rnd.nextDouble() - 0.5) * 2000);
      c[i] = i % 10 == 0 ? a[i] : FXP.encode((rnd.nextDouble() - 0.5) * 2000);
    }
    c[1] = a[1] + 1;
    c[2] = a[2] - 1;
    Share[] as = Sharing.split(RingTensor.of(a, n)), cs = Sharing.split(RingTensor.of(c, n));
    InProcessParties.Run<RingTensor> lt = ProtocolRuns.runChecked(Compare.cost(n, bits),
        ctx -> Compare.lessThan(ctx, as[ctx.party()].tensor(), cs[ctx.party()].tensor(), bits));
    InProcessParties.Run<RingTensor> ge = ProtocolRuns.runChecked(Compare.cost(n, bits),
        ctx -> Compare.greaterEqualZero(ctx, as[ctx.party()].tensor().sub(cs[ctx.party()].tensor()), bits));
    long[] zl = reconstruct(lt).data(), zg = reconstruct(ge).data();
    for (int i = 0; i < n; i++) {
      assertEquals(a[i] < c[i] ? 1 : 0, zl[i], "lessThan at " + i);
      assertEquals(a[i] >= c[i] ? 1 : 0, zg[i], "greaterEqualZero at " + i);
    }
  }

  @Test
  void shapeIsKeptAndDefaultWidthWorks() {
    long[] v = {-5, 5, 0, -1, 7, -(1L << 46)};
    Share[] xs = Sharing.split(RingTensor.of(v, 2, 3));
    InProcessParties.Run<RingTensor> run = ProtocolRuns.runChecked(Compare.cost(6, Compare.DEFAULT_BITS),
        ctx -> Compare.lessThanZero(ctx, xs[ctx.party()].tensor()));
    RingTensor z = reconstruct(run);
    assertArrayEquals(new int[] {2, 3}, z.shape());
    assertArrayEquals(new long[] {1, 0, 0, 1, 0, 1}, z.data());
  }

  @Test
  void selectIsExact() {
    SplittableRandom rnd = new SplittableRandom(23);
    int n = 1000;
    long[] bit = new long[n], a = new long[n], b = new long[n];
    for (int i = 0; i < n; i++) {
      bit[i] = rnd.nextInt(2);
      a[i] = rnd.nextLong();
      b[i] = rnd.nextLong();
    }
    a[0] = Long.MIN_VALUE;
    b[0] = Long.MAX_VALUE;
    Share[] bits = Sharing.split(RingTensor.of(bit, n));
    Share[] as = Sharing.split(RingTensor.of(a, n)), bs = Sharing.split(RingTensor.of(b, n));
    InProcessParties.Run<RingTensor> run = ProtocolRuns.runChecked(Select.cost(n),
        ctx -> Select.select(ctx, bits[ctx.party()].tensor(), as[ctx.party()].tensor(), bs[ctx.party()].tensor()));
    long[] z = reconstruct(run).data();
    for (int i = 0; i < n; i++) {
      assertEquals(bit[i] == 1 ? a[i] : b[i], z[i]);
    }
  }

  private static void assertRowMax(long[][] rows, int bits) {
    int r = rows.length, c = rows[0].length;
    long[] flat = new long[r * c];
    for (int i = 0; i < r; i++) {
      System.arraycopy(rows[i], 0, flat, i * c, c);
    }
    Share[] xs = Sharing.split(RingTensor.of(flat, r, c));
    InProcessParties.Run<RingTensor> run = ProtocolRuns.runChecked(RowMax.cost(r, c, bits),
        ctx -> RowMax.max(ctx, xs[ctx.party()].tensor(), bits));
    RingTensor z = reconstruct(run);
    assertArrayEquals(new int[] {r}, z.shape());
    for (int i = 0; i < r; i++) {
      assertEquals(Arrays.stream(rows[i]).max().getAsLong(), z.get(i), "row " + i + " of [" + r + ", " + c + "]");
    }
  }

  @Test
  void rowMaxMatchesThePlaintextMax() {
    SplittableRandom rnd = new SplittableRandom(24);
    int bits = Compare.DEFAULT_BITS;
    for (int cols : new int[] {1, 2, 3, 5, 7, 8, 13, 64, 127}) {
      int rows = 12;
      long[][] m = new long[rows][cols];
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < cols; j++) {
          m[i][j] = FXP.encode((rnd.nextDouble() - 0.5) * 200);
        }
      }
      Arrays.fill(m[0], FXP.encode(1.25));                  // all equal
      Arrays.fill(m[1], -7);                                 // all equal, negative
      for (int j = 0; j < cols; j++) {
        m[2][j] = -FXP.encode(1000 + rnd.nextDouble());     // all negative
        m[3][j] = j;                                         // max at the (possibly odd, carried) end
        m[4][j] = cols - j;                                  // max at the start
      }
      m[5][cols - 1] = FXP.encode(300);                     // max in the last column
      assertRowMax(m, bits);
    }
  }

  @Test
  void rowMaxCostIsTwoRoundsPerTreeLevel() {
    assertEquals(Cost.ZERO, RowMax.cost(10, 1, 48));
    assertEquals(2 * 7, RowMax.cost(3, 128, 48).rounds());
    assertEquals(2 * 7, RowMax.cost(3, 127, 48).rounds());
    assertEquals(2 * 2, RowMax.cost(3, 3, 48).rounds());
    // rows (cols - 1) pairs in all: 8 B (compare) + 16 B (select) sent per pair
    assertEquals(24L * 3 * 126, RowMax.cost(3, 127, 48).bytesSent());
  }

  @Test
  void onlineTrafficIsFarBelowCrypTenA2B() {
    // Online: 1 round and one opened 64-bit word per comparison per party. CrypTen's A2B comparison: about
    // 13 binary AND openings (two 64-bit words each) per element, ~208 B per party (design/anchors.md).
    int bits = Compare.DEFAULT_BITS;
    Cost one = Compare.cost(1, bits);
    long crypten = 13 * 2 * 8;
    System.out.printf(
        "comparison L=%d: online %d round(s), %d B sent per element per party (CrypTen A2B ~%d B, %.0fx more);"
            + " dealer %d B to P0, %d B to P1 per element%n",
        bits, one.rounds(), one.bytesSent(), crypten, (double) crypten / one.bytesSent(),
        one.dealerBytesP0(), one.dealerBytesP1());
    assertEquals(1, one.rounds());
    assertEquals(8, one.bytesSent());
    assertTrue(one.bytesSent() * 13 <= crypten);
    assertEquals(8L * (3 * 47 + 2), one.dealerBytesP0());
    assertEquals(8L * (3 * 47 + 3), one.dealerBytesP1());
  }
}
