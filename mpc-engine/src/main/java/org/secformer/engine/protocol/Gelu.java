package org.secformer.engine.protocol;

import org.secformer.engine.dealer.Material.SinCos;
import org.secformer.shares.ring.RingTensor;

/**
 * SecFormer's GeLU (Luo et al., ACL Findings 2024; the authors' code: efficiency/utils.py, class
 * secformer_gelu, lines 167-199): GeLU(x) = 0.5 x (1 + erf(x / sqrt 2)), with erf(z) in three segments,
 * -1 for z < -2.5, +1 for z >= 2.5 and in between a Fourier sine series of period 20 with 7 terms,
 * erf(z) ~ sum_j beta_j sin(j pi z / 10). The segment borders are taken on the GeLU input, x = +/-2.5 sqrt 2.
 *
 * <p>Coefficients. {@link #BETA_SECFORMER} are the authors' beta; they are the least-squares fit of erf on
 * [-10, 10] (reproduced to 5 digits) and approximate erf on [-2.5, 2.5] only to 3.6e-2, i.e. GeLU to
 * 5.8e-2 (at x = -3.3). {@link #BETA_MINIMAX} (the default) is a minimax fit of the GeLU error
 * 0.5 x (F(x / sqrt 2) - erf(x / sqrt 2)) over the middle segment with |beta_j| <= 5 (a linear programme on
 * a 25,001-point grid of z in [0, 2.5]): 6.4e-4 there, 7.2e-4 overall (the erf tail at the borders). Same
 * protocol, same cost; only the public constants differ.
 *
 * <p>Sines, soundly (design notes, "Pitfalls in the reference code"): the reference opens x - t with a
 * small t in [-1024, 0) (leaks x) and reduces by 2 pi (wrong for period 20). Here:
 * <ol>
 *   <li>phase: each party multiplies its share by the public integer C = round(2^(L-f) / (20 sqrt 2)) and
 *       reduces mod 2^L (exact: 2^L divides 2^64), giving shares of p = C x mod 2^L, which represents
 *       z / 20 = x / (20 sqrt 2) in units of 2^-L (x in fixed point with f bits: x = X / 2^f). No
 *       truncation is needed, since C X is already an integer; the only deviation is the rounding of C,
 *       a relative frequency error of at most 1/(2C) = 3.3e-9 for L = 48, f = 16 (C = 151850025, actually
 *       7.9e-12), i.e. a phase error below 2 pi 7 (2.5/20) 3.3e-9 = 1.8e-8 rad on the middle segment;
 *   <li>the dealer's SIN_COS correlation gives t uniform in Z_2^L (shares mod 2^L) and shares of
 *       sin(2 pi j t / 2^L), cos(2 pi j t / 2^L), j = 1..K, in fixed point with {@link #sinCosBits} bits;
 *   <li>open d = (p - t) mod 2^L; t is uniform on Z_2^L and independent of everything else, so d is uniform
 *       whatever x is: it carries no information about x (a one-time pad over Z_2^L);
 *   <li>sin(2 pi j p / 2^L) = sin(2 pi j d / 2^L) cos(2 pi j t / 2^L) + cos(2 pi j d / 2^L) sin(2 pi j t / 2^L):
 *       shares times public values, no round. beta_j is folded into the public factors, encoded with
 *       {@link #coefBits} bits, so [F] = sum_j beta_j sin(...) arrives with S = sinCosBits + coefBits
 *       fractional bits and is never truncated on its own.
 * </ol>
 * L = {@value #PHASE_BITS}: the opened word is 8 bytes whatever L is, d is uniform for every L, and
 * L <= 53 keeps d and j d mod 2^L exact in a double; L - f >= 24 keeps the frequency error negligible
 * (for L = 32, C = 2317 is off by 2e-5 relative, up to 1.3e-3 of erf with the minimax beta).
 *
 * <p>Protocol, for n elements (4 rounds):
 * <ol>
 *   <li>one round: the opening of d, and the comparisons c0 = [x < -A], c1 = [x < A] (A = encode(2.5 sqrt 2))
 *       with one dealer comparison key of 2n elements (one {@code Round});
 *   <li>locally: the middle indicator e = c1 - c0, the top indicator g = 1 - c1, and
 *       [2^S (1 + F)] from the sines; one round: e x and g x (two {@link BeaverMul} products of 0/1 bits
 *       in one round, one triple of 2n: exact);
 *   <li>one round: (e x) (2^S (1 + F)) ({@link BeaverMul}, exact): x (1 + F) 2^(f+S) on the middle
 *       segment, exactly 0 elsewhere (the Fourier value out there is garbage but bounded, and 0 times it is 0);
 *   <li>one round: truncation by S + 1 bits (the factor 0.5 folded in), valid because |x (1 + F)| < 8 on
 *       the middle segment so the value stays below 2^(3+f+S) <= 2^59; then add g x.
 * </ol>
 * So GeLU = 0.5 x (1 + F) where -A <= x < A, x where x >= A, 0 where x < -A. Input range: |x| + A below
 * 2^(bits-1-f) for the comparisons (32767 for the default 32-bit comparison); no other limit.
 *
 * <p>Cost (n elements, K terms, comparison width b; {@link #cost}): 4 rounds; 80 n bytes sent by each
 * party (8 for d, 16 for the two comparisons, 32 + 16 for the products, 8 for the truncation); dealer:
 * to P0 2 n (8 (3 (b-1) + 2)) bytes (the comparison keys), to P1 those plus 16 n (comparison), 16 K n
 * (sin/cos), 24 n (triples), 16 n (truncation pair).
 */
public final class Gelu {
  /** The authors' beta (efficiency/utils.py secformer_gelu): least squares of erf on [-10, 10]. */
  public static final double[] BETA_SECFORMER = {
    1.25772, -0.0299154, 0.382155, -0.0519123, 0.196033, -0.0624557, 0.118029
  };

  /** Minimax fit of the GeLU error on the middle segment, |beta_j| <= 5 (see the class comment). */
  public static final double[] BETA_MINIMAX = {
    0.5377091377, 4.648084943, -5.0, -0.284557577, 5.0, -3.844214347, 1.133481378
  };

  /** erf segment border on z = x / sqrt 2 (the authors' +/-2.5). */
  public static final double ERF_BORDER = 2.5;

  /** The segment border on the GeLU input: 2.5 sqrt 2 = 3.5355... */
  public static final double BORDER = ERF_BORDER * Math.sqrt(2);

  /** Period of the sine series in z. */
  public static final double PERIOD = 20;

  /** Bits of the phase ring Z_2^L. */
  public static final int PHASE_BITS = 48;

  /** Comparison width: |x| < 2^15 - 3.54 with 16 fractional bits. */
  public static final int DEFAULT_COMPARE_BITS = 32;

  /** The scale budget: 2^(3 + f + S) must stay below 2^62 (see step 4); S = 56 - f. */
  private static final int SCALE_BUDGET = 56;

  private Gelu() {}

  /** GeLU of a shared fixed-point tensor with {@link #BETA_MINIMAX} and 32-bit comparisons. */
  public static RingTensor gelu(MpcContext ctx, RingTensor x) {
    return gelu(ctx, x, BETA_MINIMAX, DEFAULT_COMPARE_BITS);
  }

  /** GeLU with the given sine coefficients (K = beta.length terms) and comparison width. */
  public static RingTensor gelu(MpcContext ctx, RingTensor x, double[] beta, int compareBits) {
    int f = ctx.fracBits();
    int n = x.size();
    int terms = beta.length;
    int sinCosBits = sinCosBits(f), coefBits = coefBits(f), scale = sinCosBits + coefBits;
    long mask = (1L << PHASE_BITS) - 1;
    long multiplier = phaseMultiplier(f);
    boolean first = ctx.isFirst();
    long[] xv = x.data();

    // round 1: d = (C x - t) mod 2^L together with [x < -A] and [x < A]
    SinCos sc = ctx.dealer().sinCos(n, PHASE_BITS, terms, sinCosBits);
    long[] t = sc.t().data();
    long[] masked = new long[n];
    for (int i = 0; i < n; i++) {
      masked[i] = (multiplier * xv[i] - t[i]) & mask;
    }
    long border = ctx.fxp().encode(BORDER);
    Round r1 = new Round(ctx, "gelu.open");
    Round.Slot phase = r1.open(RingTensor.of(masked, n));
    Round.Slot cmp = r1.lessThanConstants(x, compareBits, -border, border);
    r1.run();

    // locally: [2^S (1 + F)] with F = sum_j beta_j sin(2 pi j (d + t) / 2^L)
    long[] d = phase.get().data();
    long[] sin = sc.sin().data(), cos = sc.cos().data();
    long[] onePlusF = new long[n];
    double toAngle = 2 * Math.PI / Math.scalb(1.0, PHASE_BITS);
    double coefScale = Math.scalb(1.0, coefBits);
    for (int i = 0; i < n; i++) {
      long di = d[i] & mask;
      long acc = first ? 1L << scale : 0;
      for (int j = 1; j <= terms; j++) {
        double angle = ((j * di) & mask) * toAngle;
        long p = Math.round(beta[j - 1] * Math.sin(angle) * coefScale);
        long q = Math.round(beta[j - 1] * Math.cos(angle) * coefScale);
        int at = (j - 1) * n + i;
        acc += p * cos[at] + q * sin[at];
      }
      onePlusF[i] = acc;
    }
    RingTensor c0 = cmp.row(0);
    RingTensor c1 = cmp.row(1);
    RingTensor middle = c1.sub(c0);
    RingTensor top = c1.neg();
    if (first) {
      top.addScalarInPlace(1);
    }

    // round 2: e x and g x
    RingTensor flat = x.reshape(n);
    Round r2 = new Round(ctx, "mul");
    Round.Slot middleX = r2.mul(middle, flat);
    Round.Slot topX = r2.mul(top, flat);
    r2.run();

    // round 3: e x 2^S (1 + F); round 4: truncation by S + 1 (the 0.5), plus g x
    RingTensor scaled = BeaverMul.mul(ctx, middleX.get(), RingTensor.of(onePlusF, n));
    RingTensor half = Truncation.truncate(ctx, scaled, scale + 1);
    return half.addInPlace(topX.get()).reshape(x.shape());
  }

  /** The exact cost of {@link #gelu(MpcContext, RingTensor)} on n elements. */
  public static Cost cost(long n) {
    return cost(n, BETA_MINIMAX.length, DEFAULT_COMPARE_BITS);
  }

  /** The exact cost with K = {@code terms} sine terms and comparisons of {@code compareBits} bits. */
  public static Cost cost(long n, int terms, int compareBits) {
    Cost sinCos = new Cost(0, 0, 0, 16L * terms * n);
    Cost open = Open.cost(n).parallel(Compare.cost(2 * n, compareBits)).plus(sinCos);
    return open.plus(BeaverMul.cost(2 * n)).plus(BeaverMul.cost(n)).plus(Truncation.cost(n));
  }

  /** C = round(2^(L-f) / (20 sqrt 2)): the phase of x in units of 2^-L periods is C X mod 2^L. */
  public static long phaseMultiplier(int fracBits) {
    if (PHASE_BITS - fracBits < 24) {
      throw new IllegalArgumentException(
          "SecFormer GeLU needs at most " + (PHASE_BITS - 24) + " fractional bits, got " + fracBits);
    }
    return Math.round(Math.scalb(1.0, PHASE_BITS - fracBits) / (PERIOD * Math.sqrt(2)));
  }

  /** Fractional bits of the dealer's sin/cos values. */
  public static int sinCosBits(int fracBits) {
    return (SCALE_BUDGET - fracBits) / 2;
  }

  /** Fractional bits of the public factors beta_j sin/cos(2 pi j d / 2^L). */
  public static int coefBits(int fracBits) {
    return SCALE_BUDGET - fracBits - sinCosBits(fracBits);
  }

  /** The plaintext model the protocol evaluates: the three-segment erf with the given beta. */
  public static double erfModel(double z, double[] beta) {
    if (z < -ERF_BORDER) {
      return -1;
    }
    if (z >= ERF_BORDER) {
      return 1;
    }
    double s = 0;
    for (int j = 1; j <= beta.length; j++) {
      s += beta[j - 1] * Math.sin(j * 2 * Math.PI * z / PERIOD);
    }
    return s;
  }

  /** The plaintext model of GeLU: 0.5 x (1 + erfModel(x / sqrt 2)). */
  public static double geluModel(double x, double[] beta) {
    return 0.5 * x * (1 + erfModel(x / Math.sqrt(2), beta));
  }
}
