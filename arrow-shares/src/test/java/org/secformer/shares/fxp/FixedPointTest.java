package org.secformer.shares.fxp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FixedPointTest {
  private static final FixedPoint FXP = FixedPoint.defaults();
  private static final double ULP = Math.scalb(1.0, -16);

  @Test
  void roundTripWithinHalfAnUlpOverADenseGrid() {
    for (int i = -200_000; i <= 200_000; i++) {
      double x = i * 0.0137;
      assertEquals(x, FXP.decode(FXP.encode(x)), ULP / 2 + 1e-12, "x=" + x);
    }
  }

  @Test
  void roundTripAtRangeLimits() {
    double max = Math.nextDown(FXP.maxMagnitude());
    // Near 2^47 a double has fewer than 16 fractional bits, so the round trip is exact there.
    assertEquals(max, FXP.decode(FXP.encode(max)));
    assertEquals(-max, FXP.decode(FXP.encode(-max)));
    assertEquals(0.0, FXP.decode(FXP.encode(0.0)));
    assertEquals(ULP, FXP.decode(FXP.encode(ULP)));
    assertEquals(-ULP, FXP.decode(FXP.encode(-ULP)));
  }

  @Test
  void outOfRangeAndNonFiniteAreRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> FXP.encode(FXP.maxMagnitude()));
    assertTrue(e.getMessage().contains("outside the fixed-point range"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> FXP.encode(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> FXP.encode(Double.NEGATIVE_INFINITY));
    assertThrows(IllegalArgumentException.class, () -> new FixedPoint(41));
  }

  @Test
  void truncatedProductsAreCorrectForNegativeValues() {
    SplittableRandom rnd = new SplittableRandom(3);
    for (int i = 0; i < 100_000; i++) {
      double a = (rnd.nextDouble() - 0.5) * 2000;
      double b = (rnd.nextDouble() - 0.5) * 2000;
      double product = FXP.decode(FXP.mul(FXP.encode(a), FXP.encode(b)));
      // encoding errors (<= ulp/2 each, scaled by the other operand) plus the floor of the shift (< ulp)
      double bound = ULP / 2 * (Math.abs(a) + Math.abs(b)) + ULP * 1.01;
      assertEquals(a * b, product, bound, a + " * " + b);
    }
    assertEquals(-1.0, FXP.decode(FXP.mul(FXP.encode(-1), FXP.encode(1))));
    assertEquals(-0.25, FXP.decode(FXP.mul(FXP.encode(-0.5), FXP.encode(0.5))));
    assertEquals(4.0, FXP.decode(FXP.mul(FXP.encode(-2), FXP.encode(-2))));
  }

  @Test
  void otherFractionalBitsWork() {
    FixedPoint f24 = new FixedPoint(24);
    assertEquals(1L << 24, f24.one());
    assertEquals(-3.141592, f24.decode(f24.encode(-3.141592)), Math.scalb(1.0, -25));
  }
}
