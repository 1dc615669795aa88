package org.secformer.engine.protocol;

import org.secformer.shares.ring.RingTensor;

/**
 * Reciprocal 1/d and inverse square root 1/sqrt(v) of positive shared fixed-point values by Goldschmidt
 * iterations, with deflation into the convergence range (SecFormer, Luo et al. 2024, section 4; the
 * authors' code has no deflation, see design/secformer-reference.md section 4).
 *
 * <h2>Formulas</h2>
 * Both start from a deflated input v' = d sc (sc a public or secretly selected scale, below) in a start
 * range [a, b] inside (0, 1], and an optimal <em>linear start</em> y1 = alpha - beta v' (minimax over
 * [a, b], closed form), then multiply y by correction factors; the result is y g, g undoing the scale.
 * <ul>
 *   <li>Reciprocal (Goldschmidt division with numerator 1, written with e_k = 1 - x_k): x1 = v' y1,
 *       e1 = 1 - x1; then y_{k+1} = y_k (1 + e_k) and e_{k+1} = e_k^2, both from e_k, so each step is
 *       one round of a Beaver product and a square in parallel. After t factors (the linear start counts
 *       as the first) y_t = (1 - e1^(2^(t-1))) / v': relative error e1^(2^(t-1)), with |e1| <= 1/T_2(z0),
 *       T_2 the Chebyshev polynomial, z0 = (b + a)/(b - a) (alpha = 8 z0/((b-a) D), beta = 8/((b-a)^2 D),
 *       D = 2 z0^2 - 1). This is the authors' loop {@code m = 2 - x; x *= m; y *= m} (x_k = 1 - e_k), whose
 *       7 iterations from y0 = 1 are 7 factors with error e0^128.
 *   <li>Inverse square root: x1 = v' y1^2; then m_k = (3 - x_k)/2, x_{k+1} = x_k m_k^2, y_{k+1} = y_k m_k
 *       (the authors' loop, which starts from y0 = 1, x0 = v). The first factor y1 = m_0 = alpha - beta v'
 *       replaces (3 - v')/2 at no extra cost: equioscillation of 1 - v m^2 at a, gamma/3, b gives
 *       alpha = gamma beta, gamma = a + sqrt(ab) + b, beta = sqrt(2 / (a (gamma - a)^2 + 4 gamma^3/27)).
 *       Then 1 - x_{k+1} = (3/4) e^2 + (1/4) e^3 for e = 1 - x_k: quadratic, two products deep per step.
 * </ul>
 *
 * <h2>Deflation</h2>
 * <ul>
 *   <li>{@link Deflation#PUBLIC}: one public power of two 2^-s from the declared range [lo, hi], with
 *       2^(s-1) < hi <= 2^s (for 1/sqrt s is rounded up to even, so that g = 2^(-s/2) is exact; any g
 *       could be used since it is folded into fixed-point constants): v' = d 2^-s lies in
 *       [lo 2^-s, hi 2^-s] within (0, 1], inside both convergence ranges ((0, 2) for 1/d, (0, 3) for
 *       1/sqrt). Error after t factors: {@link #predictedError}; it needs about log2(hi/lo) factors, so it
 *       suits narrow ranges only (hi/lo = 128 needs t = 8 for 1/d, 4e-4).
 *   <li>{@link Deflation#SECURE}: a secret power of two per element. K = ceil(log2(hi/lo)/w) bins
 *       [lo 2^(wj), lo 2^(w(j+1))) (w = binBits); K - 1 comparisons [d < lo 2^(wj)] in one round give a
 *       one-hot bin, and any public per-bin constant c_j becomes the linear combination
 *       c_{K-1} + sum_j [d < t_j] (c_{j-1} - c_j) of the comparison bits (no product). Then
 *       v' = d sc_j lies in [2^-w, 1) for every in-range input, whatever hi/lo, and t = 3 factors reach
 *       1e-5 (1/d) and 1e-6 (1/sqrt) relative error for w = 1. Costs K - 1 comparisons per element and
 *       one more Beaver round (d times the selected scale): meant for per-row values (LayerNorm
 *       variances, softmax row sums), where this is small next to the row.
 * </ul>
 *
 * <h2>Fixed point</h2>
 * The input has {@code inBits} fractional bits, the output {@code outBits}. Internally the iteration runs
 * at P fractional bits (28 unless the output range forces fewer), so 16-bit inputs as small as 2^-10 keep
 * their relative precision through the iteration: the deflated v' is formed as the exact ring product of
 * d with an integer constant of about 2^(58 - inBits) sc, truncated by 58 - P. The y chain is kept at the
 * output scale (y g), so small outputs keep outBits of absolute precision; the scale constant g enters
 * once, in the first factor. Truncation is the dealer protocol ({@link Truncation}), error below one ulp
 * per product, no wrap-around failures.
 *
 * <h2>Domain</h2>
 * Inputs must be positive and within [lo, hi] for the stated error. Inputs below lo (down to 0) still
 * give a bounded output (at 0: the first factor times 2^(t-1) for 1/d, 1.5^(t-1) for 1/sqrt), which is
 * what makes constant LayerNorm rows and all-zero 2Quad rows safe. Inputs above 2 hi (public) or 4 times
 * the top bin (secure) are outside the convergence range or the comparison width: the output is wrong.
 *
 * <h2>Cost</h2>
 * n elements, t factors, K bins (K = 1 for public), L the comparison width ({@link #compareBits}):
 * <ul>
 *   <li>1/d: public 2t + 1 rounds, 8 n (5t - 1) bytes per party (t >= 2); secure 2t + 3 rounds, plus
 *       8 n (K - 1) + 48 n bytes;
 *   <li>1/sqrt: public 4t - 1 rounds, 8 n (8t - 5) bytes (t >= 2); secure 4t + 1 rounds, same extras;
 * </ul>
 * exact figures, dealer bytes included, from {@link #reciprocalCost} and {@link #rsqrtCost}.
 */
public final class Goldschmidt {
  /** Iteration count (factors) of the authors' code, the default of {@link Config#publicScale}. */
  public static final int DEFAULT_PUBLIC_ITERATIONS = 7;
  /** Default factors after secure deflation: 1.2e-5 (1/d) and 8.5e-7 (1/sqrt) relative error. */
  public static final int DEFAULT_SECURE_ITERATIONS = 3;
  /** Fractional bits of the iteration, unless the output range forces fewer. */
  public static final int DEFAULT_PRECISION = 28;
  /** The deflation product d * C is about 2^58 (headroom 2^4 for beta v' and out-of-range inputs). */
  static final int SCALE_PRODUCT_BITS = 58;
  private static final int MIN_PRECISION = 20;
  private static final int MIN_CONSTANT_BITS = 14;

  /** Which function. */
  public enum Kind {
    RECIPROCAL,
    RSQRT
  }

  /**
   * The first factor y1 = alpha - beta v' (same cost either way): the plain Goldschmidt step from y0 = 1
   * (y1 = 2 - v' for 1/d, (3 - v')/2 for 1/sqrt, as the authors' loops), or the minimax line over the
   * start range.
   */
  public enum Start {
    STANDARD,
    MINIMAX
  }

  /** How the input is brought into the convergence range. */
  public enum Deflation {
    /** One public power of two from the declared range. */
    PUBLIC,
    /** A secret power of two per element, chosen by comparisons against the range's octaves. */
    SECURE
  }

  /**
   * Parameters of one call.
   *
   * @param lo smallest declared input (> 0)
   * @param hi largest declared input (>= lo)
   * @param deflation public or secure deflation
   * @param iterations t, the number of factors (the linear start counts as one)
   * @param binBits w: secure bins are [lo 2^(wj), lo 2^(w(j+1))) (1 or 2)
   * @param inBits fractional bits of the input
   * @param outBits fractional bits of the output
   * @param outScale a public factor applied to the result (folded into constants, free)
   * @param start the first factor
   */
  public record Config(
      double lo,
      double hi,
      Deflation deflation,
      int iterations,
      int binBits,
      int inBits,
      int outBits,
      double outScale,
      Start start) {
    public Config {
      if (!(lo > 0) || !(hi >= lo) || Double.isInfinite(hi)) {
        throw new IllegalArgumentException("Goldschmidt needs 0 < lo <= hi, got [" + lo + ", " + hi + "]");
      }
      if (deflation == null) {
        throw new IllegalArgumentException("deflation missing");
      }
      if (iterations < 1 || iterations > 40) {
        throw new IllegalArgumentException("iterations must be in [1, 40], got " + iterations);
      }
      if (binBits < 1 || binBits > 4) {
        throw new IllegalArgumentException("binBits must be in [1, 4], got " + binBits);
      }
      if (inBits < 0 || inBits > 40 || outBits < 0 || outBits > 40) {
        throw new IllegalArgumentException("fractional bits must be in [0, 40]");
      }
      if (!(outScale > 0) || Double.isInfinite(outScale)) {
        throw new IllegalArgumentException("outScale must be positive, got " + outScale);
      }
      if (start == null) {
        throw new IllegalArgumentException("start missing");
      }
    }

    public Config(double lo, double hi, Deflation deflation, int iterations, int binBits, int inBits, int outBits,
        double outScale) {
      this(lo, hi, deflation, iterations, binBits, inBits, outBits, outScale, Start.MINIMAX);
    }

    /** Secure deflation, 3 factors, 16-bit input and output. */
    public static Config secure(double lo, double hi) {
      return new Config(lo, hi, Deflation.SECURE, DEFAULT_SECURE_ITERATIONS, 1, 16, 16, 1.0);
    }

    /** Public power-of-two deflation, 7 factors (the authors' count), 16-bit input and output. */
    public static Config publicScale(double lo, double hi) {
      return new Config(lo, hi, Deflation.PUBLIC, DEFAULT_PUBLIC_ITERATIONS, 1, 16, 16, 1.0);
    }

    public Config withIterations(int t) {
      return new Config(lo, hi, deflation, t, binBits, inBits, outBits, outScale, start);
    }

    public Config withBinBits(int w) {
      return new Config(lo, hi, deflation, iterations, w, inBits, outBits, outScale, start);
    }

    public Config withInBits(int bits) {
      return new Config(lo, hi, deflation, iterations, binBits, bits, outBits, outScale, start);
    }

    public Config withOutBits(int bits) {
      return new Config(lo, hi, deflation, iterations, binBits, inBits, bits, outScale, start);
    }

    public Config withOutScale(double scale) {
      return new Config(lo, hi, deflation, iterations, binBits, inBits, outBits, scale, start);
    }

    public Config withStart(Start s) {
      return new Config(lo, hi, deflation, iterations, binBits, inBits, outBits, outScale, s);
    }
  }

  /**
   * Everything public that a call derives from its config: bins, thresholds, linear start, per-bin
   * constants (ring integers) and shifts.
   */
  record Plan(
      Kind kind,
      Config cfg,
      boolean secure,
      int bins,
      double[] thresholds,
      double startLo,
      double startHi,
      double alpha,
      double beta,
      long[] c,
      long[] bc,
      long[] g,
      int p,
      int scaleShift,
      int yShift) {}

  private Goldschmidt() {}

  /** 1/d for shared positive d ({@code cfg.inBits} fractional bits), result at {@code cfg.outBits}. */
  public static RingTensor reciprocal(MpcContext ctx, RingTensor d, Config cfg) {
    return standalone(ctx, Kind.RECIPROCAL, d, cfg);
  }

  /** 1/sqrt(v) for shared positive v ({@code cfg.inBits} fractional bits), result at {@code cfg.outBits}. */
  public static RingTensor rsqrt(MpcContext ctx, RingTensor v, Config cfg) {
    return standalone(ctx, Kind.RSQRT, v, cfg);
  }

  public static Cost reciprocalCost(long n, Config cfg) {
    return standaloneCost(Kind.RECIPROCAL, n, cfg);
  }

  public static Cost rsqrtCost(long n, Config cfg) {
    return standaloneCost(Kind.RSQRT, n, cfg);
  }

  private static RingTensor standalone(MpcContext ctx, Kind kind, RingTensor d, Config cfg) {
    Round r = new Round(ctx, "gs-cmp");
    Round.Slot lt = compare(r, kind, d, cfg.inBits(), cfg);
    r.run();
    return finish(ctx, kind, d, lt, cfg);
  }

  private static Cost standaloneCost(Kind kind, long n, Config cfg) {
    Round.Tally t = new Round.Tally();
    tallyCompare(t, kind, n, cfg.inBits(), cfg);
    tallyFinish(t, kind, n, cfg);
    return t.total();
  }

  // ---------------------------------------------------------------------------------------------
  // the two stages, for protocols that batch the comparisons into a round of their own

  /**
   * Adds the secure deflation's comparisons of {@code x} (the same values as the input, at
   * {@code xBits} fractional bits, possibly more precise than the input) to {@code round}; null when
   * the plan needs none (public deflation, or one bin).
   */
  static Round.Slot compare(Round round, Kind kind, RingTensor x, int xBits, Config cfg) {
    Plan plan = plan(kind, cfg);
    if (!plan.secure()) {
      return null;
    }
    long[] thresholds = new long[plan.bins() - 1];
    for (int j = 1; j < plan.bins(); j++) {
      thresholds[j - 1] = encode(plan.thresholds()[j], xBits);
    }
    return round.lessThanConstants(x, compareBits(kind, xBits, cfg), thresholds);
  }

  static void tallyCompare(Round.Tally t, Kind kind, long n, int xBits, Config cfg) {
    Plan plan = plan(kind, cfg);
    if (plan.secure()) {
      t.cmp(n * (plan.bins() - 1), compareBits(kind, xBits, cfg));
    }
  }

  /**
   * Width L of the secure deflation's comparisons on values with {@code xBits} fractional bits: inputs
   * up to 4 times the top bin border compare correctly.
   */
  public static int compareBits(Kind kind, int xBits, Config cfg) {
    Plan plan = plan(kind, cfg);
    double top = cfg.lo() * Math.scalb(1.0, cfg.binBits() * plan.bins());
    double max = Math.ceil(4 * top * Math.scalb(1.0, xBits));
    if (!(max < 0x1p62)) {
      throw new IllegalArgumentException("range top " + top + " at " + xBits + " fractional bits exceeds the comparison width");
    }
    return Math.min(64, 64 - Long.numberOfLeadingZeros((long) max) + 1);
  }

  /** Stage two: deflation, iterations and the output scale, given the comparisons of {@link #compare}. */
  static RingTensor finish(MpcContext ctx, Kind kind, RingTensor d, Round.Slot lt, Config cfg) {
    Plan plan = plan(kind, cfg);
    int n = d.size();
    RingTensor x = d.reshape(n);
    int p = plan.p();
    long one = 1L << p;
    boolean first = ctx.isFirst();
    int t = cfg.iterations();

    // deflation: v' = d sc and beta v' at P bits
    RingTensor gsel = null;
    RingTensor v;
    RingTensor bv;
    if (plan.secure()) {
      RingTensor ltv = lt.get().reshape(plan.bins() - 1, n);
      RingTensor csel = select(ctx, ltv, plan.c(), n);
      RingTensor bcsel = select(ctx, ltv, plan.bc(), n);
      gsel = select(ctx, ltv, plan.g(), n);
      Round r1 = new Round(ctx, "gs-scale");
      Round.Slot p1 = r1.mul(x, csel);
      Round.Slot p2 = r1.mul(x, bcsel);
      r1.run();
      Round r2 = new Round(ctx, "gs-scale-trunc");
      Round.Slot s1 = r2.truncate(p1.get(), plan.scaleShift());
      Round.Slot s2 = r2.truncate(p2.get(), plan.scaleShift());
      r2.run();
      v = s1.get();
      bv = s2.get();
    } else {
      Round r2 = new Round(ctx, "gs-scale-trunc");
      Round.Slot s1 = r2.truncate(x.mulScalar(plan.c()[0]), plan.scaleShift());
      Round.Slot s2 = r2.truncate(x.mulScalar(plan.bc()[0]), plan.scaleShift());
      r2.run();
      v = s1.get();
      bv = s2.get();
    }
    // linear start y1 = alpha - beta v'
    RingTensor y1 = bv.negInPlace();
    if (first) {
      y1.addScalarInPlace(encode(plan.alpha(), p));
    }
    if (t == 1) {
      Round.Slot yp = null;
      if (plan.secure()) {
        Round a = new Round(ctx, "gs-out");
        yp = a.mul(y1, gsel);
        a.run();
      }
      Round b = new Round(ctx, "gs-out-trunc");
      Round.Slot y = b.truncate(plan.secure() ? yp.get() : y1.mulScalar(plan.g()[0]), plan.yShift());
      b.run();
      return y.get().reshape(d.shape());
    }
    RingTensor y;
    if (kind == Kind.RECIPROCAL) {
      Round a1 = new Round(ctx, "gs-start");
      Round.Slot xp = a1.mul(v, y1);
      Round.Slot yp = plan.secure() ? a1.mul(y1, gsel) : null;
      a1.run();
      Round b1 = new Round(ctx, "gs-start-trunc");
      Round.Slot x1 = b1.truncate(xp.get(), p);
      Round.Slot ys = b1.truncate(plan.secure() ? yp.get() : y1.mulScalar(plan.g()[0]), plan.yShift());
      b1.run();
      y = ys.get();
      RingTensor e = x1.get().negInPlace(); // e = 1 - x
      if (first) {
        e.addScalarInPlace(one);
      }
      for (int k = 1; k < t; k++) {
        boolean more = k < t - 1;
        RingTensor onePlusE = first ? e.copy().addScalarInPlace(one) : e;
        Round a = new Round(ctx, "gs-iter");
        Round.Slot prod = a.mul(y, onePlusE);
        Round.Slot sq = more ? a.square(e) : null;
        a.run();
        Round b = new Round(ctx, "gs-iter-trunc");
        Round.Slot ny = b.truncate(prod.get(), p);
        Round.Slot ne = more ? b.truncate(sq.get(), p) : null;
        b.run();
        y = ny.get();
        if (more) {
          e = ne.get();
        }
      }
    } else {
      Round a1 = new Round(ctx, "gs-start");
      Round.Slot msq = a1.square(y1);
      Round.Slot yp = plan.secure() ? a1.mul(y1, gsel) : null;
      a1.run();
      Round b1 = new Round(ctx, "gs-start-trunc");
      Round.Slot m2 = b1.truncate(msq.get(), p);
      Round.Slot ys = b1.truncate(plan.secure() ? yp.get() : y1.mulScalar(plan.g()[0]), plan.yShift());
      b1.run();
      y = ys.get();
      RingTensor xk = rsqrtUpdate(ctx, v, m2.get(), p);
      for (int k = 1; k < t; k++) {
        boolean more = k < t - 1;
        RingTensor twoM = xk.neg(); // 2m = 3 - x at P bits; the halving goes into the shifts
        if (first) {
          twoM.addScalarInPlace(3 * one);
        }
        Round a = new Round(ctx, "gs-iter");
        Round.Slot prod = a.mul(y, twoM);
        Round.Slot sq = more ? a.square(twoM) : null;
        a.run();
        Round b = new Round(ctx, "gs-iter-trunc");
        Round.Slot ny = b.truncate(prod.get(), p + 1);
        Round.Slot nm2 = more ? b.truncate(sq.get(), p + 2) : null;
        b.run();
        y = ny.get();
        if (more) {
          xk = rsqrtUpdate(ctx, xk, nm2.get(), p);
        }
      }
    }
    return y.reshape(d.shape());
  }

  // x_{k+1} = x_k m_k^2 (Beaver product, then truncation: two rounds)
  private static RingTensor rsqrtUpdate(MpcContext ctx, RingTensor xk, RingTensor m2, int p) {
    Round c = new Round(ctx, "gs-x");
    Round.Slot xp = c.mul(xk, m2);
    c.run();
    Round dr = new Round(ctx, "gs-x-trunc");
    Round.Slot xs = dr.truncate(xp.get(), p);
    dr.run();
    return xs.get();
  }

  static void tallyFinish(Round.Tally tally, Kind kind, long n, Config cfg) {
    Plan plan = plan(kind, cfg);
    int t = cfg.iterations();
    tally.next(); // the round that holds the comparisons
    if (plan.secure()) {
      tally.mul(2 * n).next();
    }
    tally.trunc(2 * n).next();
    if (t == 1) {
      if (plan.secure()) {
        tally.mul(n).next();
      }
      tally.trunc(n).next();
      return;
    }
    if (kind == Kind.RECIPROCAL) {
      tally.mul(n);
      if (plan.secure()) {
        tally.mul(n);
      }
      tally.next().trunc(2 * n).next();
      for (int k = 1; k < t; k++) {
        boolean more = k < t - 1;
        tally.mul(n);
        if (more) {
          tally.square(n);
        }
        tally.next().trunc(more ? 2 * n : n).next();
      }
    } else {
      tally.square(n);
      if (plan.secure()) {
        tally.mul(n);
      }
      tally.next().trunc(2 * n).next();
      tally.mul(n).next().trunc(n).next();
      for (int k = 1; k < t; k++) {
        boolean more = k < t - 1;
        tally.mul(n);
        if (more) {
          tally.square(n);
        }
        tally.next().trunc(more ? 2 * n : n).next();
        if (more) {
          tally.mul(n).next().trunc(n).next();
        }
      }
    }
  }

  /** sum_j onehot_j c_j = c_{K-1} + sum_{j>=1} [x < t_j] (c_{j-1} - c_j): local. */
  private static RingTensor select(MpcContext ctx, RingTensor lt, long[] c, int n) {
    int k = c.length;
    long[] lv = lt.data();
    long[] out = new long[n];
    if (ctx.isFirst()) {
      java.util.Arrays.fill(out, c[k - 1]);
    }
    for (int j = 1; j < k; j++) {
      long w = c[j - 1] - c[j];
      int base = (j - 1) * n;
      for (int i = 0; i < n; i++) {
        out[i] += lv[base + i] * w;
      }
    }
    return RingTensor.of(out, n);
  }

  // ---------------------------------------------------------------------------------------------
  // public parameters

  /** The public parameters derived from a config (both parties compute the same, deterministically). */
  static Plan plan(Kind kind, Config cfg) {
    int w = cfg.binBits();
    int bins = 1;
    if (cfg.deflation() == Deflation.SECURE) {
      while (cfg.lo() * Math.scalb(1.0, w * bins) < cfg.hi()) {
        bins++;
      }
    }
    boolean secure = bins > 1;
    double[] sc = new double[bins];
    double[] thresholds = new double[bins];
    double a;
    double b;
    if (secure) {
      for (int j = 0; j < bins; j++) {
        thresholds[j] = cfg.lo() * Math.scalb(1.0, w * j);
        sc[j] = 1 / (cfg.lo() * Math.scalb(1.0, w * (j + 1)));
      }
      a = Math.scalb(1.0, -w);
      b = 1;
    } else {
      sc[0] = Math.scalb(1.0, -publicShift(kind, cfg));
      a = cfg.lo() * sc[0];
      b = cfg.hi() * sc[0];
    }
    double[] start = cfg.start() == Start.STANDARD
        ? (kind == Kind.RECIPROCAL ? new double[] {2, 1} : new double[] {1.5, 0.5})
        : kind == Kind.RECIPROCAL ? reciprocalStart(a, b) : rsqrtStart(a, b);
    double alpha = start[0];
    double beta = start[1];
    double[] g = new double[bins];
    double gMax = 0;
    double gMin = Double.MAX_VALUE;
    for (int j = 0; j < bins; j++) {
      g[j] = (kind == Kind.RECIPROCAL ? sc[j] : Math.sqrt(sc[j])) * cfg.outScale();
      gMax = Math.max(gMax, g[j]);
      gMin = Math.min(gMin, g[j]);
    }
    // precision: the y chain (at outBits) times a factor (1 + e <= 2, or 2m <= 3 at P bits) must stay
    // below 2^61 even for inputs down to 0, where y reaches alpha g 2^(t-1) (1.5^(t-1) for 1/sqrt)
    double growth = kind == Kind.RECIPROCAL ? 2 : 1.5;
    double chain = kind == Kind.RECIPROCAL ? 2 : 3;
    double yMax = alpha * gMax * Math.pow(growth, cfg.iterations() - 1) * chain;
    int p = Math.min(DEFAULT_PRECISION, (int) Math.floor(61 - cfg.outBits() - log2(yMax)));
    if (p < MIN_PRECISION) {
      throw new IllegalArgumentException("outBits " + cfg.outBits() + " too large for outputs up to "
          + yMax + ": the iteration would keep only " + p + " fractional bits");
    }
    int scaleShift = SCALE_PRODUCT_BITS - p;
    long[] c = new long[bins];
    long[] bc = new long[bins];
    for (int j = 0; j < bins; j++) {
      c[j] = constant(sc[j] * Math.scalb(1.0, SCALE_PRODUCT_BITS - cfg.inBits()), "deflation scale", cfg);
      bc[j] = constant(beta * sc[j] * Math.scalb(1.0, SCALE_PRODUCT_BITS - cfg.inBits()), "deflation scale", cfg);
    }
    // first factor times g: alpha g 2^(P + gb) <= 2^61
    int gb = (int) Math.floor(61 - p - log2(alpha * gMax));
    int yShift = p + gb - cfg.outBits();
    if (yShift > 62) {
      gb -= yShift - 62;
      yShift = 62;
    }
    if (yShift < 1) {
      throw new IllegalArgumentException("outBits " + cfg.outBits() + " too large for the output range");
    }
    long[] gc = new long[bins];
    for (int j = 0; j < bins; j++) {
      gc[j] = constant(g[j] * Math.scalb(1.0, gb), "output scale", cfg);
    }
    return new Plan(kind, cfg, secure, bins, thresholds, a, b, alpha, beta, c, bc, gc, p, scaleShift, yShift);
  }

  private static long constant(double v, String what, Config cfg) {
    if (!(v < 0x1p62)) {
      throw new IllegalArgumentException(what + " constant overflows for range [" + cfg.lo() + ", " + cfg.hi() + "]");
    }
    if (v == 0) {
      return 0; // beta = 0 for a one-point range: exact
    }
    if (v < Math.scalb(1.0, MIN_CONSTANT_BITS)) {
      throw new IllegalArgumentException(what + " constant keeps fewer than " + MIN_CONSTANT_BITS
          + " bits for range [" + cfg.lo() + ", " + cfg.hi() + "] at " + cfg.inBits() + "/" + cfg.outBits()
          + " fractional bits: narrow the range or change the precision");
    }
    return Math.round(v);
  }

  /** Minimax linear start for 1/v on [a, b]: {alpha, beta, max |1 - v (alpha - beta v)|}. */
  static double[] reciprocalStart(double a, double b) {
    if (b - a <= 1e-12 * b) {
      return new double[] {1 / a, 0, 0};
    }
    double z0 = (b + a) / (b - a);
    double dd = 2 * z0 * z0 - 1;
    return new double[] {8 * z0 / ((b - a) * dd), 8 / ((b - a) * (b - a) * dd), 1 / dd};
  }

  /** Minimax linear first factor for 1/sqrt(v) on [a, b]: {alpha, beta, max |1 - v (alpha - beta v)^2|}. */
  static double[] rsqrtStart(double a, double b) {
    double gamma = a + Math.sqrt(a * b) + b;
    double beta = Math.sqrt(2 / (a * (gamma - a) * (gamma - a) + 4 * gamma * gamma * gamma / 27));
    double alpha = gamma * beta;
    double fa = a * (alpha - beta * a) * (alpha - beta * a);
    return new double[] {alpha, beta, Math.abs(1 - fa)};
  }

  /**
   * Largest relative error of the iteration in exact arithmetic (no fixed-point rounding) over the
   * start range of the plan, sampled at 4001 geometric points: what the iteration count buys.
   */
  public static double predictedError(Kind kind, Config cfg) {
    Plan plan = plan(kind, cfg);
    double a = plan.startLo(), b = plan.startHi();
    double worst = 0;
    int pts = 4000;
    for (int i = 0; i <= pts; i++) {
      double v = a * Math.pow(b / a, i / (double) pts);
      double y = plan.alpha() - plan.beta() * v;
      if (kind == Kind.RECIPROCAL) {
        double e = 1 - v * y;
        for (int k = 1; k < cfg.iterations(); k++) {
          y *= 1 + e;
          e *= e;
        }
        worst = Math.max(worst, Math.abs(v * y - 1));
      } else {
        double x = v * y * y;
        for (int k = 1; k < cfg.iterations(); k++) {
          double m = (3 - x) / 2;
          x *= m * m;
          y *= m;
        }
        worst = Math.max(worst, Math.abs(Math.sqrt(v) * y - 1));
      }
    }
    return worst;
  }

  /**
   * The largest output for inputs in [0, lo] (exact arithmetic): the first factor at v' = 0 times the
   * factors' growth (2 for 1/d, 1.5 for 1/sqrt, per step), times the output scale.
   */
  public static double predictedBoundBelowRange(Kind kind, Config cfg) {
    Plan plan = plan(kind, cfg);
    double gMax = 0;
    for (int j = 0; j < plan.bins(); j++) {
      double sc = plan.secure()
          ? 1 / (cfg.lo() * Math.scalb(1.0, cfg.binBits() * (j + 1)))
          : Math.scalb(1.0, -publicShift(kind, cfg));
      gMax = Math.max(gMax, kind == Kind.RECIPROCAL ? sc : Math.sqrt(sc));
    }
    double growth = kind == Kind.RECIPROCAL ? 2 : 1.5;
    return plan.alpha() * gMax * cfg.outScale() * Math.pow(growth, cfg.iterations() - 1);
  }

  private static int publicShift(Kind kind, Config cfg) {
    int s = ceilLog2(cfg.hi());
    return kind == Kind.RSQRT && Math.floorMod(s, 2) != 0 ? s + 1 : s;
  }

  /** The smallest number of factors whose {@link #predictedError} is at most {@code tolerance}. */
  public static int iterationsFor(Kind kind, Config cfg, double tolerance) {
    for (int t = 1; t <= 40; t++) {
      if (predictedError(kind, cfg.withIterations(t)) <= tolerance) {
        return t;
      }
    }
    throw new IllegalArgumentException("no iteration count up to 40 reaches " + tolerance);
  }

  /** Number of secure-deflation bins (comparisons + 1) of a config; 1 for public deflation. */
  public static int bins(Kind kind, Config cfg) {
    return plan(kind, cfg).bins();
  }

  /** Fractional bits the iteration runs at for this config. */
  public static int precision(Kind kind, Config cfg) {
    return plan(kind, cfg).p();
  }

  static int ceilLog2(double v) {
    int e = Math.getExponent(v);
    return v == Math.scalb(1.0, e) ? e : e + 1;
  }

  private static double log2(double v) {
    return Math.log(v) / Math.log(2);
  }

  static long encode(double v, int bits) {
    double s = v * Math.scalb(1.0, bits);
    if (!(Math.abs(s) < 0x1p62)) {
      throw new IllegalArgumentException("value " + v + " does not fit at " + bits + " fractional bits");
    }
    return Math.round(s);
  }
}
