package org.secformer.engine.protocol;

/**
 * fp64 erf, erfc and GeLU accurate to about 1e-15 (absolute for erf, relative for erfc), for tests.
 * erf(z) for |z| < 2.5: the series (2/sqrt pi) e^(-z^2) sum_n 2^n z^(2n+1) / (1 3 5 ... (2n+1)) (all terms
 * positive, so no cancellation; Abramowitz-Stegun 7.1.6). erfc(z) for z >= 2.5: the continued fraction
 * e^(-z^2)/sqrt(pi) 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + 2/(z + ...))))) (A-S 7.1.14), by modified Lentz;
 * erfc(z) for 1.5 <= z < 2.5 also by the fraction, so that erfc and GeLU of negative x stay relatively
 * precise.
 */
final class GeluReference {
  private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
  private static final double SWITCH = 2.5;
  /** erfc by the continued fraction from here on, so that small erfc keeps its relative precision. */
  private static final double ERFC_SWITCH = 1.5;

  private GeluReference() {}

  static double erf(double z) {
    if (z < 0) {
      return -erf(-z);
    }
    return z < SWITCH ? erfSeries(z) : 1 - erfcFraction(z);
  }

  static double erfc(double z) {
    if (z < 0) {
      return 1 + erf(-z);
    }
    return z < ERFC_SWITCH ? 1 - erfSeries(z) : erfcFraction(z);
  }

  /** GeLU(x) = 0.5 x (1 + erf(x / sqrt 2)) = 0.5 x erfc(-x / sqrt 2). */
  static double gelu(double x) {
    return 0.5 * x * erfc(-x / Math.sqrt(2));
  }

  static double erfSeries(double z) {
    double z2 = z * z;
    double term = z, sum = z;
    for (int n = 1; n < 500; n++) {
      term *= 2 * z2 / (2 * n + 1);
      sum += term;
      if (term < 1e-18 * sum) {
        break;
      }
    }
    return TWO_OVER_SQRT_PI * Math.exp(-z2) * sum;
  }

  static double erfcFraction(double z) {
    if (z > 27) {
      return 0; // below the smallest double
    }
    // f = z + a1/(z + a2/(z + ...)), a_k = k/2
    double tiny = 1e-300;
    double f = z, c = z, d = 0;
    for (int k = 1; k < 5000; k++) {
      double a = k / 2.0;
      d = z + a * d;
      d = Math.abs(d) < tiny ? tiny : d;
      c = z + a / c;
      c = Math.abs(c) < tiny ? tiny : c;
      d = 1 / d;
      double delta = c * d;
      f *= delta;
      if (Math.abs(delta - 1) < 1e-16) {
        break;
      }
    }
    return Math.exp(-z * z) / Math.sqrt(Math.PI) / f;
  }
}
