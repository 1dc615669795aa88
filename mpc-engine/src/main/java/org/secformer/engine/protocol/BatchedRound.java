package org.secformer.engine.protocol;

import org.secformer.engine.dealer.ComparisonRecipe;
import org.secformer.engine.dealer.Material.MulTriple;
import org.secformer.engine.dealer.Material.TruncPair;
import org.secformer.engine.dealer.fss.Dcf;
import org.secformer.shares.ring.RingTensor;

/**
 * Independent openings of several protocols in one round (CrypTen's reveal_batch, across protocols):
 * each {@link Step} takes its dealer material and masks its inputs when it is created, {@link #run}
 * sends all masked tensors in one exchange, and each step then finishes locally.
 *
 * <p>The steps are the one-round protocols {@link BeaverMul}, {@link Truncation}, {@link Compare} and a
 * plain {@link Open}, split at their opening; the maths is theirs, step for step, and so is the cost: a
 * round of steps costs the {@link Cost#parallel} of their costs (one round, bytes and dealer bytes add).
 * Both parties must create the steps in the same order (the dealer numbers requests in call order).
 */
public final class BatchedRound {
  private BatchedRound() {}

  /** One protocol waiting for its opening. */
  public abstract static class Step {
    private RingTensor result;

    /** The masked tensors this party contributes to the opening. */
    abstract RingTensor[] masked();

    /** The result share, from the opened values of {@link #masked()}, in the same order. */
    abstract RingTensor finish(RingTensor[] opened);

    /** This party's result, after {@link BatchedRound#run}. */
    public RingTensor result() {
      if (result == null) {
        throw new IllegalStateException("step not run yet");
      }
      return result;
    }
  }

  /** Opens all steps' masked tensors in one round (tag {@code tag}) and finishes each step. */
  public static void run(MpcContext ctx, String tag, Step... steps) {
    int count = 0;
    RingTensor[][] parts = new RingTensor[steps.length][];
    for (int s = 0; s < steps.length; s++) {
      if (steps[s].result != null) {
        throw new IllegalStateException("step " + s + " already run");
      }
      parts[s] = steps[s].masked();
      count += parts[s].length;
    }
    RingTensor[] all = new RingTensor[count];
    int at = 0;
    for (RingTensor[] p : parts) {
      for (RingTensor t : p) {
        all[at++] = t;
      }
    }
    RingTensor[] opened = Open.openAll(ctx, tag, all);
    at = 0;
    for (int s = 0; s < steps.length; s++) {
      RingTensor[] mine = new RingTensor[parts[s].length];
      System.arraycopy(opened, at, mine, 0, mine.length);
      at += mine.length;
      steps[s].result = steps[s].finish(mine);
    }
  }

  /** A plain opening: the result is the opened (public) value itself. Cost {@link Open#cost}. */
  public static Step open(RingTensor share) {
    return new Step() {
      @Override
      RingTensor[] masked() {
        return new RingTensor[] {share};
      }

      @Override
      RingTensor finish(RingTensor[] opened) {
        return opened[0];
      }
    };
  }

  /** {@link BeaverMul#mul} as a step: shares of x y over the ring. Cost {@link BeaverMul#cost}. */
  public static Step mul(MpcContext ctx, RingTensor x, RingTensor y) {
    if (!x.sameShape(y)) {
      throw new IllegalArgumentException("mul: shapes differ " + x + " vs " + y);
    }
    int n = x.size();
    MulTriple t = ctx.dealer().mulTriple(n);
    boolean first = ctx.isFirst();
    return new Step() {
      @Override
      RingTensor[] masked() {
        return new RingTensor[] {x.reshape(n).sub(t.a()), y.reshape(n).sub(t.b())};
      }

      @Override
      RingTensor finish(RingTensor[] opened) {
        long[] e = opened[0].data(), f = opened[1].data();
        long[] a = t.a().data(), b = t.b().data(), c = t.c().data();
        long[] z = new long[n];
        for (int i = 0; i < n; i++) {
          z[i] = c[i] + e[i] * b[i] + f[i] * a[i] + (first ? e[i] * f[i] : 0);
        }
        return RingTensor.of(z, x.shape());
      }
    };
  }

  /** {@link Truncation#truncate} as a step (valid for |x| < 2^62). Cost {@link Truncation#cost}. */
  public static Step truncate(MpcContext ctx, RingTensor x, int bits) {
    final long shift = 1L << 62;
    int n = x.size();
    TruncPair pair = ctx.dealer().truncPair(n, bits);
    boolean first = ctx.isFirst();
    return new Step() {
      @Override
      RingTensor[] masked() {
        RingTensor masked = x.reshape(n).add(pair.r());
        if (first) {
          masked.addScalarInPlace(shift);
        }
        return new RingTensor[] {masked};
      }

      @Override
      RingTensor finish(RingTensor[] opened) {
        long[] c = opened[0].data();
        long[] hi = pair.rHigh().data(), msb = pair.rMsb().data();
        long wrapWeight = 1L << (64 - bits);
        long offset = shift >>> bits;
        long[] z = new long[n];
        for (int i = 0; i < n; i++) {
          long notMsbC = 1 - (c[i] >>> 63);
          z[i] = -hi[i] + wrapWeight * notMsbC * msb[i];
          if (first) {
            z[i] += (c[i] >>> bits) - offset;
          }
        }
        return RingTensor.of(z, x.shape());
      }
    };
  }

  /**
   * {@link Compare#lessThanZero} as a step: shares of the bit [x < 0] for |x| < 2^(bits-1).
   * Cost {@link Compare#cost}.
   */
  public static Step lessThanZero(MpcContext ctx, RingTensor x, int bits) {
    long mask = ComparisonRecipe.mask(bits);
    int n = x.size();
    ComparisonRecipe.Key key = ctx.dealer().comparison(n, bits);
    boolean first = ctx.isFirst();
    return new Step() {
      @Override
      RingTensor[] masked() {
        long[] xv = x.data(), rv = key.r().data();
        long[] m = new long[n];
        for (int i = 0; i < n; i++) {
          m[i] = (xv[i] + rv[i]) & mask;
        }
        return new RingTensor[] {RingTensor.of(m, n)};
      }

      @Override
      RingTensor finish(RingTensor[] opened) {
        long[] y = opened[0].data().clone();
        long[] yLow = new long[n];
        long lowMask = mask >>> 1;
        for (int i = 0; i < n; i++) {
          y[i] &= mask;
          yLow[i] = y[i] & lowMask;
        }
        long[] carry = Dcf.eval(key.dcf(), yLow);
        long[] rm = key.rMsb().data();
        long[] z = new long[n];
        for (int i = 0; i < n; i++) {
          long ym = y[i] >>> (bits - 1);
          long t = rm[i] + carry[i];
          z[i] = (1 - 2 * ym) * t + (first ? ym : 0);
        }
        return RingTensor.of(z, x.shape());
      }
    };
  }

  /**
   * Comparisons of one shared x with several public ring constants in one step (one dealer request):
   * the result has shape [k, n] (n = x.size()), row i holding shares of the bits [x < thresholds[i]].
   * Needs |x - thresholds[i]| < 2^(bits-1). Cost {@link Compare#cost}(k n, bits).
   */
  public static Step lessThanConstants(MpcContext ctx, RingTensor x, int bits, long... thresholds) {
    int n = x.size(), k = thresholds.length;
    long[] xv = x.data();
    long[] diff = new long[k * n];
    boolean first = ctx.isFirst();
    for (int i = 0; i < k; i++) {
      long c = first ? thresholds[i] : 0;
      for (int j = 0; j < n; j++) {
        diff[i * n + j] = xv[j] - c;
      }
    }
    return lessThanZero(ctx, RingTensor.of(diff, k, n), bits);
  }

  /** Row {@code row} of a [k, n] tensor, as a tensor of {@code shape} (n elements). */
  public static RingTensor row(RingTensor t, int row, int... shape) {
    int n = Math.toIntExact(RingTensor.checkShape(shape));
    long[] out = new long[n];
    System.arraycopy(t.data(), row * n, out, 0, n);
    return RingTensor.of(out, shape);
  }

  /** The tensors one after another, flat. */
  public static RingTensor concat(RingTensor... parts) {
    int total = 0;
    for (RingTensor p : parts) {
      total = Math.addExact(total, p.size());
    }
    long[] out = new long[total];
    int at = 0;
    for (RingTensor p : parts) {
      System.arraycopy(p.data(), 0, out, at, p.size());
      at += p.size();
    }
    return RingTensor.of(out, total);
  }
}
