package org.secformer.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.secformer.shares.ring.RingTensor;

class SquareTest {
  @Test
  void squarePairGivesTheExactRingSquareWithOneOpening() {
    SplittableRandom rnd = new SplittableRandom(41);
    int n = 5000;
    long[] v = new long[n];
    for (int i = 0; i < n; i++) {
      v[i] = rnd.nextLong();
    }
    v[0] = Long.MIN_VALUE;
    v[1] = -1;
    RingTensor x = RingTensor.of(v, n);
    RingTensor[] s = NormTesting.split(x);
    RingTensor z = NormTesting.runChecked(Square.ringCost(n), ctx -> Square.ring(ctx, s[ctx.party()]));
    assertEquals(x.mul(x), z);
    // half a Beaver product's opening
    assertEquals(BeaverMul.cost(n).bytesSent() / 2, Square.ringCost(n).bytesSent());
  }

  @Test
  void fixedPointSquare() {
    double[] a = {0, 1.5, -3.25, 100, -181.0, 1e-3};
    RingTensor[] s = NormTesting.split(NormTesting.encode(a, 16, a.length));
    double[] z = NormTesting.decode(
        NormTesting.runChecked(Square.fxpCost(a.length), ctx -> Square.fxp(ctx, s[ctx.party()])), 16);
    for (int i = 0; i < a.length; i++) {
      double q = Math.round(a[i] * 65536) / 65536.0;
      assertEquals(q * q, z[i], Math.scalb(1.0, -16));
    }
  }
}
