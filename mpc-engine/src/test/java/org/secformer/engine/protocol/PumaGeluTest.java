package org.secformer.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PumaGeluTest {
  @Test
  void piecewisePolynomialsOnTheGridAndAtTheEdges() {
    double[] xs = GeluTest.inputs();
    ProtocolRuns.Measured m = ProtocolRuns.run(xs, PumaGelu.cost(xs.length), ctx -> x -> PumaGelu.gelu(ctx, x));
    double max = 0, sum = 0;
    for (int i = 0; i < xs.length; i++) {
      // the protocol follows PUMA's plaintext function to within fixed-point noise
      assertEquals(PumaGelu.geluModel(xs[i]), m.values()[i], 2e-3, "model at x = " + xs[i]);
      double err = Math.abs(m.values()[i] - GeluReference.gelu(xs[i]));
      max = Math.max(max, err);
      sum += err;
    }
    System.out.printf("PUMA GeLU: max abs error %.3e, mean %.3e over %d points%n", max, sum / xs.length, xs.length);
    // PUMA's own approximation error peaks at the x = 3 border: poly1(3) = 2.9760 vs GeLU(3) = 2.9960
    assertTrue(max < 2.2e-2, "max error " + max);
  }

  @Test
  void segmentsAreTheRightOnes() {
    double[] xs = {-5, -4.01, -3.99, -2, -1.9, 2.99, 3, 3.01, 1000, -1000};
    ProtocolRuns.Measured m = ProtocolRuns.run(xs, PumaGelu.cost(xs.length), ctx -> x -> PumaGelu.gelu(ctx, x));
    double[] v = m.values();
    assertEquals(0, v[0], 0);
    assertEquals(0, v[1], 0);
    assertEquals(PumaGelu.geluModel(-3.99), v[2], 1e-3);
    assertEquals(PumaGelu.geluModel(-2), v[3], 1e-3);
    assertEquals(PumaGelu.geluModel(-1.9), v[4], 1e-3);
    assertEquals(PumaGelu.geluModel(2.99), v[5], 1e-3);
    assertEquals(PumaGelu.geluModel(3), v[6], 1e-3); // x <= 3 is still poly1
    assertEquals(ProtocolRuns.FXP.decode(ProtocolRuns.FXP.encode(3.01)), v[7], 0);
    assertEquals(1000, v[8], 0);
    assertEquals(0, v[9], 0);
  }

  @Test
  void declaredCostIsEightRounds() {
    Cost c = PumaGelu.cost(1000);
    assertEquals(8, c.rounds());
    assertEquals(176_000, c.bytesSent());
    long cmpP0 = 8L * (3 * 31 + 2);
    assertEquals(3 * cmpP0 * 1000, c.dealerBytesP0());
    assertEquals((3 * (cmpP0 + 8) + 7 * 8 + 5 * 16) * 1000L, c.dealerBytesP1());
  }
}
