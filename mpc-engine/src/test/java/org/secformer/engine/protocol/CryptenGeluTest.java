package org.secformer.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CryptenGeluTest {
  @Test
  void expFollowsTheLimitApproximation() {
    double[] xs = {-8, -4, -2, -1, -0.5, 0, 0.5, 1, 2};
    for (int k : new int[] {8, 9}) {
      ProtocolRuns.Measured m = ProtocolRuns.run(xs, CryptenExp.cost(xs.length, k),
          ctx -> x -> CryptenExp.exp(ctx, x, k));
      for (int i = 0; i < xs.length; i++) {
        double limit = Math.pow(1 + xs[i] / Math.scalb(1.0, k), Math.scalb(1.0, k));
        // fixed point: the base carries 2^-16 of noise, amplified 2^k times in relative terms
        assertEquals(limit, m.values()[i], 1e-5 + 2e-2 * limit, "exp(" + xs[i] + "), k = " + k);
        assertEquals(Math.exp(xs[i]), m.values()[i], 0.03 * Math.exp(xs[i]) + 1e-3, "exp(" + xs[i] + ")");
      }
    }
  }

  @Test
  void reciprocalWithCryptenDefaultsAndWithAConstantStart() {
    double[] xs = {0.5, 1, 1.5, 2, 3, 10, 50};
    ProtocolRuns.Measured m = ProtocolRuns.run(xs, CryptenReciprocal.positiveCost(xs.length, 10, false),
        ctx -> x -> CryptenReciprocal.reciprocalPositive(ctx, x));
    for (int i = 0; i < xs.length; i++) {
      // fixed point: near 1/x = r, r^2 has few significant bits, so the error floor is ~2^-12
      assertEquals(1 / xs[i], m.values()[i], 5e-4 + 1e-3 / xs[i], "1/" + xs[i]);
    }
    double[] den = {1.0001, 1.25, 1.5, 1.75, 2};
    ProtocolRuns.Measured s = ProtocolRuns.run(den, CryptenReciprocal.positiveCost(den.length, 3, true),
        ctx -> x -> CryptenReciprocal.reciprocalPositive(ctx, x, 3, 0.75));
    for (int i = 0; i < den.length; i++) {
      // 3 iterations from 0.75: relative error (1 - 0.75 d)^8 <= 0.5^8
      assertEquals(1 / den[i], s.values()[i], Math.pow(1 - 0.75 * den[i], 8) / den[i] + 3e-4, "1/" + den[i]);
    }
    double[] signed = {-4, -0.5, 0.5, 4};
    ProtocolRuns.Measured g = ProtocolRuns.run(signed, CryptenReciprocal.cost(signed.length, 32, 10, false),
        ctx -> x -> CryptenReciprocal.reciprocal(ctx, x, 32));
    for (int i = 0; i < signed.length; i++) {
      assertEquals(1 / signed[i], g.values()[i], 1e-3, "1/" + signed[i]);
    }
  }

  @Test
  void sigmoidOfBothSigns() {
    double[] xs = {-20, -5, -1, -0.1, 0, 0.1, 1, 5, 20};
    ProtocolRuns.Measured m = ProtocolRuns.run(xs, CryptenSigmoid.cost(xs.length, 32),
        ctx -> x -> CryptenSigmoid.sigmoid(ctx, x, 32));
    for (int i = 0; i < xs.length; i++) {
      assertEquals(1 / (1 + Math.exp(-xs[i])), m.values()[i], 5e-3, "sigmoid(" + xs[i] + ")");
    }
  }

  @Test
  void tanhFormGeluOnTheGrid() {
    double[] xs = GeluTest.inputs();
    ProtocolRuns.Measured m = ProtocolRuns.run(xs, CryptenGelu.cost(xs.length), ctx -> x -> CryptenGelu.gelu(ctx, x));
    double max = 0, sum = 0;
    int inRange = 0;
    for (int i = 0; i < xs.length; i++) {
      if (Math.abs(xs[i]) > 8) {
        continue; // beyond the exp limit's range (|x| < 18.6) CrypTen's GeLU is garbage: reported, not asserted
      }
      double err = Math.abs(m.values()[i] - GeluReference.gelu(xs[i]));
      max = Math.max(max, err);
      sum += err;
      inRange++;
    }
    System.out.printf("CrypTen GeLU: max abs error %.3e, mean %.3e over %d points in [-8, 8]; at +/-50: %s, %s;"
        + " at +/-1000: %s, %s%n", max, sum / inRange, inRange,
        m.values()[xs.length - 4], m.values()[xs.length - 3], m.values()[xs.length - 2], m.values()[xs.length - 1]);
    assertTrue(max < 3e-3, "max error " + max);
  }

  @Test
  void validUpToTheExpLimitRange() {
    double[] xs = {-18, -12, 12, 18};
    ProtocolRuns.Measured m = ProtocolRuns.run(xs, CryptenGelu.cost(xs.length), ctx -> x -> CryptenGelu.gelu(ctx, x));
    for (int i = 0; i < xs.length; i++) {
      assertEquals(GeluReference.gelu(xs[i]), m.values()[i], 1e-2, "x = " + xs[i]);
    }
  }

  @Test
  void declaredCosts() {
    assertEquals(17, CryptenExp.cost(1, 8).rounds());
    assertEquals(8 + 24 * 8, CryptenExp.cost(1, 8).bytesSent());
    assertEquals(31, CryptenSigmoid.cost(1, 32).rounds());
    assertEquals(38, CryptenGelu.cost(1).rounds());
    assertEquals(17 + 40, CryptenReciprocal.positiveCost(1, 10, false).rounds());
    assertEquals(1 + 8, CryptenReciprocal.positiveCost(1, 3, true).rounds());
  }
}
