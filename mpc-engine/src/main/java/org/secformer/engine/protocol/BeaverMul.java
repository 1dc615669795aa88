package org.secformer.engine.protocol;

import org.secformer.engine.dealer.Material.MulTriple;
import org.secformer.shares.ring.RingTensor;

/**
 * Elementwise product of two shared tensors over Z_2^64 (no truncation), Beaver's protocol:
 * <ol>
 *   <li>take a triple [a], [b], [c = a b] from the dealer;
 *   <li>open e = x - a and f = y - b together (one round);
 *   <li>[z] = [c] + e [b] + f [a] + e f, the public e f added by party 0 only.
 * </ol>
 * Cost: 1 round, 16 bytes per element sent by each party; the dealer sends 8 bytes per element to P1.
 */
public final class BeaverMul {
  private BeaverMul() {}

  public static RingTensor mul(MpcContext ctx, RingTensor x, RingTensor y) {
    if (!x.sameShape(y)) {
      throw new IllegalArgumentException("mul: shapes differ " + x + " vs " + y);
    }
    int n = x.size();
    MulTriple t = ctx.dealer().mulTriple(n);
    RingTensor[] ef =
        Open.openAll(ctx, "mul", x.reshape(n).sub(t.a()), y.reshape(n).sub(t.b()));
    long[] e = ef[0].data(), f = ef[1].data();
    long[] a = t.a().data(), b = t.b().data(), c = t.c().data();
    long[] z = new long[n];
    boolean first = ctx.isFirst();
    for (int i = 0; i < n; i++) {
      z[i] = c[i] + e[i] * b[i] + f[i] * a[i] + (first ? e[i] * f[i] : 0);
    }
    return RingTensor.of(z, x.shape());
  }

  public static Cost cost(long elements) {
    return new Cost(1, 16 * elements, 0, 8 * elements);
  }
}
