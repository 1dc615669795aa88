package org.secformer.engine.protocol;

import java.util.ArrayList;
import java.util.List;
import org.secformer.engine.dealer.Material.MatmulTriple;
import org.secformer.shares.ring.RingMatmul;
import org.secformer.shares.ring.RingTensor;

/**
 * Product of two shared matrices X [m,k] and Y [k,n] over Z_2^64 (no truncation), Beaver's protocol
 * with a matrix triple (A, B, C = A B):
 * <ol>
 *   <li>open E = X - A and F = Y - B together (one round);
 *   <li>[Z] = [C] + E [B] + [A] F + E F, computed as [C] + E ([B] + F if party 0) + [A] F.
 * </ol>
 * Cost: 1 round, 8 (mk + kn) bytes sent by each party; the dealer sends 8 mn bytes to P1.
 * For a model weight reused over many batches use {@link MaskedWeight}, which opens W - B once.
 */
public final class BeaverMatmul {
  private BeaverMatmul() {}

  public static RingTensor matmul(MpcContext ctx, RingTensor x, RingTensor y) {
    if (x.rank() != 2 || y.rank() != 2 || x.dim(1) != y.dim(0)) {
      throw new IllegalArgumentException("matmul needs [m,k] x [k,n], got " + x + " x " + y);
    }
    int m = x.dim(0), k = x.dim(1), n = y.dim(1);
    MatmulTriple t = ctx.dealer().matmulTriple(m, k, n);
    RingTensor[] ef = Open.openAll(ctx, "matmul", x.sub(t.a()), y.sub(t.b()));
    return combine(ctx, t, ef[0], ef[1]);
  }

  /**
   * Independent products X_i Y_i (e.g. one per sequence and attention head) in a single round: one triple
   * per pair, requested in list order, and all the E_i, F_i opened together.
   */
  public static List<RingTensor> matmulAll(MpcContext ctx, List<RingTensor> xs, List<RingTensor> ys) {
    if (xs.size() != ys.size()) {
      throw new IllegalArgumentException("matmulAll needs as many right as left operands: " + xs.size() + " vs " + ys.size());
    }
    int g = xs.size();
    List<MatmulTriple> triples = new ArrayList<>(g);
    RingTensor[] masked = new RingTensor[2 * g];
    for (int i = 0; i < g; i++) {
      RingTensor x = xs.get(i), y = ys.get(i);
      if (x.rank() != 2 || y.rank() != 2 || x.dim(1) != y.dim(0)) {
        throw new IllegalArgumentException("matmul " + i + " needs [m,k] x [k,n], got " + x + " x " + y);
      }
      MatmulTriple t = ctx.dealer().matmulTriple(x.dim(0), x.dim(1), y.dim(1));
      triples.add(t);
      masked[2 * i] = x.sub(t.a());
      masked[2 * i + 1] = y.sub(t.b());
    }
    RingTensor[] ef = g == 0 ? masked : Open.openAll(ctx, "matmul", masked);
    List<RingTensor> out = new ArrayList<>(g);
    for (int i = 0; i < g; i++) {
      out.add(combine(ctx, triples.get(i), ef[2 * i], ef[2 * i + 1]));
    }
    return out;
  }

  /** Cost of {@link #matmulAll} over {@code count} products of the same shape. */
  public static Cost allCost(int count, int m, int k, int n) {
    if (count == 0) {
      return Cost.ZERO;
    }
    Cost one = cost(m, k, n);
    return new Cost(1, one.bytesSent() * count, one.dealerBytesP0() * count, one.dealerBytesP1() * count);
  }

  /** [C] + E ([B] + F if party 0) + [A] F. */
  static RingTensor combine(MpcContext ctx, MatmulTriple t, RingTensor e, RingTensor f) {
    return accumulate(t.c(), e, rightOfE(ctx, t.b(), f), t.a(), f);
  }

  /** The right operand of E in {@link #combine}: [B] + F at party 0, [B] at party 1. */
  static RingTensor rightOfE(MpcContext ctx, RingTensor b, RingTensor f) {
    return ctx.isFirst() ? b.add(f) : b;
  }

  /** [C] + E R + [A] F into a new tensor (C is not modified), R = {@link #rightOfE}. */
  static RingTensor accumulate(RingTensor c, RingTensor e, RingTensor right, RingTensor a, RingTensor f) {
    int threads = Runtime.getRuntime().availableProcessors();
    RingTensor z = c.copy();
    RingMatmul.multiplyAccumulate(
        e.data(), right.data(), z.data(), e.dim(0), e.dim(1), right.dim(1), threads);
    RingMatmul.multiplyAccumulate(
        a.data(), f.data(), z.data(), e.dim(0), e.dim(1), f.dim(1), threads);
    return z;
  }

  public static Cost cost(int m, int k, int n) {
    return new Cost(1, 8L * ((long) m * k + (long) k * n), 0, 8L * m * n);
  }
}
