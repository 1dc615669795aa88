package org.secformer.engine.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Erf against libm's erf/erfc (Python math, committed fixture) and against its own reference evaluation. */
class ErfTest {
  @Test
  void matchesLibmWithinAFewUlp() {
    Tensor rows = Fixtures.reader("erf-reference.safetensors").tensor("erf");
    double maxErf = 0, maxErfc = 0;
    for (int i = 0; i < rows.dim(0); i++) {
      double x = rows.data()[3 * i], erf = rows.data()[3 * i + 1], erfc = rows.data()[3 * i + 2];
      maxErf = Math.max(maxErf, ulps(Erf.erf(x), erf));
      maxErfc = Math.max(maxErfc, ulps(Erf.erfc(x), erfc));
      assertEquals(erf, Erf.erf(x), 3e-16, "erf(" + x + ")");
      assertEquals(-erf, Erf.erf(-x), 3e-16, "erf(" + -x + ")");
    }
    System.out.printf("Erf vs libm on %d points: max %.1f ulp (erf), %.1f ulp (erfc, relative, incl. tails)%n",
        rows.dim(0), maxErf, maxErfc);
    assertTrue(maxErf <= 2, "erf off by " + maxErf + " ulp");
    assertTrue(maxErfc <= 8, "erfc off by " + maxErfc + " ulp");
  }

  private static final java.math.MathContext MC = new java.math.MathContext(90);

  /** erf(x), 0 <= x < 7, from the Maclaurin series in 90-digit arithmetic. */
  static java.math.BigDecimal erfBig(double x) {
    java.math.BigDecimal pi = new java.math.BigDecimal(
        "3.14159265358979323846264338327950288419716939937510582097494459230781640628620899862803");
    java.math.BigDecimal bx = new java.math.BigDecimal(x), x2 = bx.multiply(bx, MC), power = bx;
    java.math.BigDecimal sum = java.math.BigDecimal.ZERO, eps = java.math.BigDecimal.ONE.movePointLeft(80);
    for (int n = 0; n < 3000; n++) {
      java.math.BigDecimal term = power.divide(java.math.BigDecimal.valueOf(2L * n + 1), MC);
      sum = n % 2 == 0 ? sum.add(term, MC) : sum.subtract(term, MC);
      if (n > x * x && term.abs().compareTo(eps) < 0) {
        break;
      }
      power = power.multiply(x2, MC).divide(java.math.BigDecimal.valueOf(n + 1), MC);
    }
    return sum.multiply(java.math.BigDecimal.valueOf(2).divide(pi.sqrt(MC), MC), MC);
  }

  @Test
  void nodeValuesAreTheCorrectlyRoundedSeries() {
    for (int i = 0; i < Erf.NODE_ERF.length; i++) {
      java.math.BigDecimal e = erfBig((double) i / Erf.STEPS_PER_UNIT);
      assertEquals(e.doubleValue(), Erf.NODE_ERF[i], "erf node " + i);
      assertEquals(java.math.BigDecimal.ONE.subtract(e, MC).doubleValue(), Erf.NODE_ERFC[i], "erfc node " + i);
    }
  }

  @Test
  void agreesWithANinetyDigitSeriesBetweenTheNodes() {
    java.util.Random r = new java.util.Random(5);
    double maxErf = 0, maxErfc = 0;
    for (int i = 0; i < 300; i++) {
      double x = 6.5 * r.nextDouble();
      java.math.BigDecimal exact = erfBig(x);
      maxErf = Math.max(maxErf, ulps(Erf.erf(x), exact.doubleValue()));
      maxErfc = Math.max(maxErfc, ulps(Erf.erfc(x), java.math.BigDecimal.ONE.subtract(exact, MC).doubleValue()));
    }
    System.out.printf("Erf vs 90-digit series on 300 random points in [0, 6.5): max %.1f ulp (erf), %.1f ulp (erfc)%n",
        maxErf, maxErfc);
    assertTrue(maxErf <= 1 && maxErfc <= 8, "erf " + maxErf + " ulp, erfc " + maxErfc + " ulp");
  }

  @Test
  void specialValuesAndGelu() {
    assertEquals(0.0, Erf.erf(0.0));
    assertEquals(1.0, Erf.erf(Double.POSITIVE_INFINITY));
    assertEquals(-1.0, Erf.erf(Double.NEGATIVE_INFINITY));
    assertEquals(0.0, Erf.erfc(Double.POSITIVE_INFINITY));
    assertEquals(2.0, Erf.erfc(Double.NEGATIVE_INFINITY));
    assertTrue(Double.isNaN(Erf.erf(Double.NaN)) && Double.isNaN(Erf.erfc(Double.NaN)));
    assertEquals(1e-300 * 1.1283791670955126, Erf.erf(1e-300), 1e-315);
    assertEquals(0.0, Erf.gelu(0.0));
    assertEquals(0.8413447460685429, Erf.gelu(1.0), 1e-16); // Phi(1)
    assertEquals(-0.15865525393145705, Erf.gelu(-1.0), 1e-16);
    assertEquals(-0.0040496940948902836, Erf.gelu(-3.0), 1e-17); // -3 Phi(-3): the tail keeps its digits
    assertEquals(10.0, Erf.gelu(10.0), 1e-15);
    assertEquals(0.0, Erf.gelu(-40.0), 1e-300);
  }

  private static double ulps(double got, double want) {
    if (got == want) {
      return 0;
    }
    return Math.abs(got - want) / Math.ulp(want);
  }
}
