package org.secformer.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GeluTest {
  /** The grid plus edge values: 0, the segment borders +/- 0.001, +/-1.95, +/-3, +/-4, +/-50, +/-1000. */
  static double[] inputs() {
    double b = Gelu.BORDER;
    double[] edges = {0, b, -b, b - 0.001, b + 0.001, -b - 0.001, -b + 0.001, 3.5355, -3.5355,
        1.95, -1.95, 3, -3, 4, -4, 50, -50, 1000, -1000};
    return ProtocolRuns.concat(ProtocolRuns.grid(), edges);
  }

  private static double maxError(double[] xs, double[] ys) {
    double max = 0;
    for (int i = 0; i < xs.length; i++) {
      max = Math.max(max, Math.abs(ys[i] - GeluReference.gelu(xs[i])));
    }
    return max;
  }

  @Test
  void minimaxCoefficientsMeetTheTargetOnTheGridAndAtTheEdges() {
    double[] xs = inputs();
    ProtocolRuns.Measured m = ProtocolRuns.run(xs, Gelu.cost(xs.length), ctx -> x -> Gelu.gelu(ctx, x));
    double max = 0, sum = 0;
    for (int i = 0; i < xs.length; i++) {
      double err = Math.abs(m.values()[i] - GeluReference.gelu(xs[i]));
      // the protocol adds at most 1e-4 to the plaintext model's own error
      assertEquals(Gelu.geluModel(xs[i], Gelu.BETA_MINIMAX), m.values()[i], 1e-4, "model at x = " + xs[i]);
      assertTrue(err <= 1e-2, "x = " + xs[i] + ": " + m.values()[i] + " vs " + GeluReference.gelu(xs[i]));
      max = Math.max(max, err);
      sum += err;
    }
    System.out.printf("SecFormer GeLU (minimax beta): max abs error %.3e, mean %.3e over %d points%n",
        max, sum / xs.length, xs.length);
    assertTrue(max < 1e-3, "max error " + max);
  }

  @Test
  void authorsCoefficientsAreAsGoodAsTheirFitAllows() {
    // the authors' beta (least squares on [-10, 10]) miss erf by 3.6e-2 on [-2.5, 2.5]: GeLU error 5.8e-2
    double[] xs = inputs();
    ProtocolRuns.Measured m = ProtocolRuns.run(xs, Gelu.cost(xs.length, 7, Gelu.DEFAULT_COMPARE_BITS),
        ctx -> x -> Gelu.gelu(ctx, x, Gelu.BETA_SECFORMER, Gelu.DEFAULT_COMPARE_BITS));
    for (int i = 0; i < xs.length; i++) {
      assertEquals(Gelu.geluModel(xs[i], Gelu.BETA_SECFORMER), m.values()[i], 1e-4, "model at x = " + xs[i]);
    }
    double max = maxError(xs, m.values());
    System.out.printf("SecFormer GeLU (authors' beta): max abs error %.3e%n", max);
    assertTrue(max > 5e-2 && max < 6e-2, "max error " + max);
  }

  @Test
  void segmentsSwitchExactlyAtTheEncodedBorder() {
    double ulp = Math.scalb(1.0, -16);
    double b = ProtocolRuns.FXP.decode(ProtocolRuns.FXP.encode(Gelu.BORDER));
    double[] xs = {b - ulp, b, -b - ulp, -b, -b + ulp};
    ProtocolRuns.Measured m = ProtocolRuns.run(xs, Gelu.cost(xs.length), ctx -> x -> Gelu.gelu(ctx, x));
    double[] v = m.values();
    // x >= A: exactly x (no truncation on the top segment); x < -A: exactly 0
    assertEquals(b, v[1], 0);
    assertEquals(0, v[2], 0);
    // middle segment on both sides, within the model error
    for (int i : new int[] {0, 3, 4}) {
      assertEquals(GeluReference.gelu(xs[i]), v[i], 1e-3, "x = " + xs[i]);
    }
  }

  @Test
  void keepsShapeAndLargeMagnitudesAreExact() {
    double[] xs = {30000, -30000, 123.456, -0.25, 2.0, -7.5};
    ProtocolRuns.Measured m = ProtocolRuns.run(xs, Gelu.cost(xs.length),
        ctx -> x -> Gelu.gelu(ctx, x.reshape(2, 3)).reshape(6));
    assertEquals(30000, m.values()[0], 0);
    assertEquals(0, m.values()[1], 0);
    assertEquals(ProtocolRuns.FXP.decode(ProtocolRuns.FXP.encode(123.456)), m.values()[2], 0);
    assertEquals(GeluReference.gelu(-0.25), m.values()[3], 1e-3);
  }

  @Test
  void declaredCostIsFourRoundsAndEightyBytesPerElement() {
    Cost c = Gelu.cost(1000);
    assertEquals(4, c.rounds());
    assertEquals(80_000, c.bytesSent());
    long cmpP0 = 8L * (3 * 31 + 2);
    assertEquals(2 * cmpP0 * 1000, c.dealerBytesP0());
    assertEquals((2 * (cmpP0 + 8) + 16 * 7 + 24 + 16) * 1000L, c.dealerBytesP1());
  }

  @Test
  void phaseMultiplierMatchesThePeriod() {
    long c = Gelu.phaseMultiplier(16);
    double exact = Math.scalb(1.0, 32) / (20 * Math.sqrt(2));
    assertTrue(Math.abs(c - exact) <= 0.5);
    assertTrue(Math.abs(c - exact) / exact < 4e-9);
    assertEquals(20, Gelu.sinCosBits(16));
    assertEquals(20, Gelu.coefBits(16));
  }
}
