package org.secformer.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.secformer.shares.ring.RingTensor;

/** tanh against fp64 on [-10, 10] and at the edges (0, +-the declared bound 50). Target: 1e-2 rel + 1e-4. */
class TanhTest {
  @Test
  void tanhOverItsRange() {
    SplittableRandom rnd = new SplittableRandom(31);
    int n = 2000;
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = rnd.nextDouble(-10, 10);
    }
    double[] edges = {0, 50, -50, 1e-4, -1e-4, 0.5, -0.5, 3, -3, 20, -20};
    System.arraycopy(edges, 0, x, 0, edges.length);
    Tanh.Params p = Tanh.Params.of(50);
    RingTensor[] s = NormTesting.split(NormTesting.encode(x, 16, n));
    RingTensor out = NormTesting.runChecked(Tanh.cost(n, 16, p), ctx -> Tanh.apply(ctx, s[ctx.party()], p));
    double[] got = NormTesting.decode(out, 16);
    double[] want = new double[n];
    for (int i = 0; i < n; i++) {
      want[i] = Math.tanh(Math.round(x[i] * 65536) / 65536.0);
    }
    NormTesting.Errors e = NormTesting.errors(got, want, 1e-2);
    System.out.printf("Tanh: max |err| %.3g, max rel (|ref| >= 1e-2) %.3g%n", e.maxAbs(), e.maxRel());
    assertEquals(0.0, got[0], "tanh(0)");
    int bad = NormTesting.firstViolation(got, want, 1e-2, 1e-4);
    assertTrue(bad < 0, () -> "tanh(" + x[bad] + ") = " + got[bad] + ", want " + want[bad]);
  }
}
