package org.secformer.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class GeluReferenceTest {
  @Test
  void erfAndErfcMatchHighPrecisionValues() {
    // mpmath, 30 digits
    double[][] erf = {
      {0.1, 0.1124629160182848922, 0.8875370839817151078},
      {0.5, 0.52049987781304653768, 0.47950012218695346232},
      {1, 0.84270079294971486934, 0.15729920705028513066},
      {2, 0.99532226501895273416, 0.0046777349810472658379},
      {2.4999, 0.99959283009966654908, 0.0004071699003334509212},
      {2.5, 0.99959304798255504106, 0.00040695201744495893956},
      {3, 0.99997790950300141456, 0.000022090496998585441373},
      {4, 0.99999998458274209972, 1.5417257900280018852e-8},
      {5, 0.99999999999846254021, 1.5374597944280348502e-12},
      {-1.5, -0.96610514647531072707, 1.9661051464753107271},
    };
    for (double[] row : erf) {
      assertEquals(row[1], GeluReference.erf(row[0]), 5e-16, "erf(" + row[0] + ")");
      assertEquals(row[2], GeluReference.erfc(row[0]), 1e-14 * row[2], "erfc(" + row[0] + ")");
    }
    // both methods agree at the switch point
    assertEquals(GeluReference.erfSeries(2.5), 1 - GeluReference.erfcFraction(2.5), 1e-15);
    assertEquals(1 - GeluReference.erfSeries(1.5), GeluReference.erfcFraction(1.5), 1e-15);
  }

  @Test
  void geluMatchesHighPrecisionValues() {
    double[][] gelu = {
      {-8, -4.9767684594174272988e-15},
      {-3.5, -0.00081420177662433762722},
      {-1, -0.15865525393145705141},
      {0.5, 0.34573123063700655182},
      {3, 2.9959503059051097164},
      {8, 7.9999999999999950232},
    };
    for (double[] row : gelu) {
      assertEquals(row[1], GeluReference.gelu(row[0]), 1e-14 * Math.max(1e-6, Math.abs(row[1])), "gelu(" + row[0] + ")");
    }
    assertEquals(0, GeluReference.gelu(0), 0);
    assertEquals(1000, GeluReference.gelu(1000));
    assertEquals(0, GeluReference.gelu(-1000), 0);
  }
}
