package org.secformer.engine.protocol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.secformer.engine.dealer.ComparisonRecipe;
import org.secformer.engine.dealer.Material.MulTriple;
import org.secformer.engine.dealer.Material.TruncPair;
import org.secformer.engine.dealer.SquarePairRecipe;
import org.secformer.engine.dealer.fss.Dcf;
import org.secformer.shares.ring.RingTensor;

/**
 * The openings of one communication round, batched (CrypTen's reveal_batch): plain openings
 * ({@link Open}), Beaver products ({@link BeaverMul}), squares from square pairs ({@link Square}),
 * truncations ({@link Truncation}) and comparisons ({@link Compare#lessThanZero}) whose inputs are all
 * known now go to the peer in a single exchange. This is the one place of the online maths of those
 * one-round protocols: each stand-alone protocol is a round with one op ({@link #single}), and the steps
 * its javadoc states are the ones below. Ops return a {@link Slot} that {@link #run()} fills.
 *
 * <p>Dealer requests are issued in a fixed order when the round runs (all products as one triple, all
 * squares as one pair, then one truncation pair per distinct shift and one comparison key per distinct
 * width, in the order first used), so both parties ask for the same correlations in the same order; a
 * round with one op asks for exactly what the stand-alone protocol asks for. An op counts even with no
 * elements (it still takes its correlation and the round its exchange), as in the stand-alone protocols.
 *
 * <p>Cost: the {@link Cost#parallel} of the ops' stand-alone costs, kinds merged (p products, q squares,
 * t truncated, c compared elements of widths L_i, o opened): 1 round (none when the round has no op),
 * 8 (2p + q + t + c + o) bytes sent by each party; dealer to P1 8 p + 8 q + 16 t + sum 8 (3 (L_i - 1) + 3),
 * to P0 sum 8 (3 (L_i - 1) + 2). {@link Tally} adds these up from the static cost formulas.
 */
final class Round {
  /** Truncation's shift to a non-negative value, x' = x + 2^62 (valid for |x| < 2^62). */
  private static final long SHIFT = 1L << 62;

  /** The result of one op, available after {@link #run()}. */
  static final class Slot {
    private RingTensor value;

    RingTensor get() {
      if (value == null) {
        throw new IllegalStateException("round has not run yet");
      }
      return value;
    }

    /** Row {@code i} of a [k, n] result (e.g. of {@link #lessThanConstants}), as a flat [n] tensor. */
    RingTensor row(int i) {
      RingTensor v = get();
      int n = v.dim(1);
      long[] out = new long[n];
      System.arraycopy(v.data(), i * n, out, 0, n);
      return RingTensor.of(out, n);
    }
  }

  private record Op(RingTensor x, RingTensor y, Slot slot) {}

  private final MpcContext ctx;
  private final String tag;
  private final List<Op> opens = new ArrayList<>();
  private final List<Op> muls = new ArrayList<>();
  private final List<Op> squares = new ArrayList<>();
  private final Map<Integer, List<Op>> truncs = new LinkedHashMap<>();
  private final Map<Integer, List<Op>> cmps = new LinkedHashMap<>();
  private boolean ran;

  Round(MpcContext ctx, String tag) {
    this.ctx = ctx;
    this.tag = tag;
  }

  /** A round of one op, run at once: the stand-alone form of a one-round protocol. */
  static RingTensor single(MpcContext ctx, String tag, Function<Round, Slot> op) {
    Round r = new Round(ctx, tag);
    Slot s = op.apply(r);
    r.run();
    return s.get();
  }

  /** The opened (public) value of a share, as {@link Open#open}. */
  Slot open(RingTensor share) {
    return add(opens, share, null);
  }

  /** Ring product x * y (elementwise, no truncation), as {@link BeaverMul#mul}. */
  Slot mul(RingTensor x, RingTensor y) {
    if (!x.sameShape(y)) {
      throw new IllegalArgumentException("mul: shapes differ " + x + " vs " + y);
    }
    return add(muls, x, y);
  }

  /** Ring square x * x from a square pair (no truncation), as {@link Square#ring}. */
  Slot square(RingTensor x) {
    return add(squares, x, null);
  }

  /** x truncated by {@code bits} (|x| < 2^62), as {@link Truncation#truncate}. */
  Slot truncate(RingTensor x, int bits) {
    return add(truncs.computeIfAbsent(bits, b -> new ArrayList<>()), x, null);
  }

  /** Shares of the integer [x < 0] for |x| < 2^(bits-1), as {@link Compare#lessThanZero}. */
  Slot lessThanZero(RingTensor x, int bits) {
    ComparisonRecipe.mask(bits);
    return add(cmps.computeIfAbsent(bits, b -> new ArrayList<>()), x, null);
  }

  /**
   * Comparisons of one shared x with k public ring constants: a result of shape [k, n] (n = x.size()),
   * row i holding shares of the bits [x < thresholds[i]] ({@link Slot#row}). Needs
   * |x - thresholds[i]| < 2^(bits-1). One {@link #lessThanZero} of k n elements (party 0 subtracts the
   * constants), so it shares the round's comparison key of that width.
   */
  Slot lessThanConstants(RingTensor x, int bits, long... thresholds) {
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
    return lessThanZero(RingTensor.of(diff, k, n), bits);
  }

  private Slot add(List<Op> list, RingTensor x, RingTensor y) {
    if (ran) {
      throw new IllegalStateException("round already ran");
    }
    Op op = new Op(x, y, new Slot());
    list.add(op);
    return op.slot();
  }

  /** Takes the correlations, opens everything in one exchange (none if the round has no op), fills the slots. */
  void run() {
    if (ran) {
      throw new IllegalStateException("round already ran");
    }
    ran = true;
    List<RingTensor> masked = new ArrayList<>();
    List<Consumer<RingTensor[]>> finish = new ArrayList<>();
    if (!muls.isEmpty()) {
      // BeaverMul step 2: open e = x - a and f = y - b
      int n = size(muls), at = masked.size();
      MulTriple t = ctx.dealer().mulTriple(n);
      masked.add(concat(muls, false, n).subInPlace(t.a()));
      masked.add(concat(muls, true, n).subInPlace(t.b()));
      finish.add(opened -> finishMul(t, opened[at], opened[at + 1]));
    }
    if (!squares.isEmpty()) {
      // Square step 1: open e = x - a
      int n = size(squares), at = masked.size();
      SquarePairRecipe.Pair p = ctx.dealer().squarePair(n);
      masked.add(concat(squares, false, n).subInPlace(p.a()));
      finish.add(opened -> finishSquare(p, opened[at]));
    }
    for (Map.Entry<Integer, List<Op>> g : truncs.entrySet()) {
      // Truncation steps 1 and 2: open c = x + 2^62 + r
      List<Op> ops = g.getValue();
      int n = size(ops), bits = g.getKey(), at = masked.size();
      TruncPair tp = ctx.dealer().truncPair(n, bits);
      RingTensor c = concat(ops, false, n).addInPlace(tp.r());
      masked.add(ctx.isFirst() ? c.addScalarInPlace(SHIFT) : c);
      finish.add(opened -> finishTrunc(ops, bits, tp, opened[at]));
    }
    for (Map.Entry<Integer, List<Op>> g : cmps.entrySet()) {
      // Compare steps 1 to 3: open y = (x + r) mod 2^L, each party reducing its share mod 2^L
      List<Op> ops = g.getValue();
      int n = size(ops), bits = g.getKey(), at = masked.size();
      ComparisonRecipe.Key key = ctx.dealer().comparison(n, bits);
      long mask = ComparisonRecipe.mask(bits);
      long[] y = concat(ops, false, n).data(), r = key.r().data();
      for (int i = 0; i < n; i++) {
        y[i] = (y[i] + r[i]) & mask;
      }
      masked.add(RingTensor.of(y, n));
      finish.add(opened -> finishCmp(ops, bits, key, opened[at]));
    }
    if (!opens.isEmpty()) {
      int at = masked.size();
      for (Op op : opens) {
        masked.add(op.x());
      }
      finish.add(opened -> {
        for (int i = 0; i < opens.size(); i++) {
          opens.get(i).slot().value = opened[at + i];
        }
      });
    }
    if (masked.isEmpty()) {
      return;
    }
    RingTensor[] opened = Open.openAll(ctx, tag, masked.toArray(new RingTensor[0]));
    for (Consumer<RingTensor[]> f : finish) {
      f.accept(opened);
    }
  }

  /** BeaverMul step 3: [z] = [c] + e [b] + f [a] + e f, the public e f added by party 0. */
  private void finishMul(MulTriple t, RingTensor eT, RingTensor fT) {
    long[] e = eT.data(), f = fT.data();
    long[] a = t.a().data(), b = t.b().data(), c = t.c().data();
    boolean first = ctx.isFirst();
    long[] z = new long[e.length];
    for (int i = 0; i < z.length; i++) {
      z[i] = c[i] + e[i] * b[i] + f[i] * a[i] + (first ? e[i] * f[i] : 0);
    }
    deliver(muls, z);
  }

  /** Square step 2: x^2 = (e + a)^2 = [a^2] + 2 e [a] + e^2, the public e^2 added by party 0. */
  private void finishSquare(SquarePairRecipe.Pair p, RingTensor eT) {
    long[] e = eT.data(), a = p.a().data(), a2 = p.aSquared().data();
    boolean first = ctx.isFirst();
    long[] z = new long[e.length];
    for (int i = 0; i < z.length; i++) {
      z[i] = a2[i] + 2 * e[i] * a[i] + (first ? e[i] * e[i] : 0);
    }
    deliver(squares, z);
  }

  /**
   * Truncation steps 3 and 4: the wrap bit w = msb(r) (1 - msb(c)), then
   * [x >> f] = (c >>> f) - [r >>> f] + 2^(64-f) [w] - 2^(62-f), the public terms added by party 0.
   */
  private void finishTrunc(List<Op> ops, int bits, TruncPair pair, RingTensor cT) {
    long[] c = cT.data(), hi = pair.rHigh().data(), msb = pair.rMsb().data();
    long wrapWeight = 1L << (64 - bits);
    long offset = SHIFT >>> bits;
    boolean first = ctx.isFirst();
    long[] z = new long[c.length];
    for (int i = 0; i < z.length; i++) {
      long notMsbC = 1 - (c[i] >>> 63);
      z[i] = -hi[i] + wrapWeight * notMsbC * msb[i];
      if (first) {
        z[i] += (c[i] >>> bits) - offset;
      }
    }
    deliver(ops, z);
  }

  /**
   * Compare steps 4 and 5: the DCF gives shares of (1 - 2 r_m) [y_l < r_l], so t = r_m xor carry, and
   * [x < 0] = y_m + t - 2 y_m t (y_m public, added by party 0).
   */
  private void finishCmp(List<Op> ops, int bits, ComparisonRecipe.Key key, RingTensor yT) {
    long mask = ComparisonRecipe.mask(bits), lowMask = mask >>> 1;
    long[] y = yT.data();
    int n = y.length;
    long[] yLow = new long[n];
    for (int i = 0; i < n; i++) {
      y[i] &= mask;
      yLow[i] = y[i] & lowMask;
    }
    long[] carry = Dcf.eval(key.dcf(), yLow);
    long[] rm = key.rMsb().data();
    boolean first = ctx.isFirst();
    long[] z = new long[n];
    for (int i = 0; i < n; i++) {
      long ym = y[i] >>> (bits - 1);
      long t = rm[i] + carry[i];
      z[i] = (1 - 2 * ym) * t + (first ? ym : 0);
    }
    deliver(ops, z);
  }

  /** Splits the results of a group, op after op, each in the shape of its input. */
  private static void deliver(List<Op> ops, long[] z) {
    if (ops.size() == 1) {
      Op op = ops.get(0);
      op.slot().value = RingTensor.of(z, op.x().shape());
      return;
    }
    int at = 0;
    for (Op op : ops) {
      int n = op.x().size();
      long[] v = new long[n];
      System.arraycopy(z, at, v, 0, n);
      at += n;
      op.slot().value = RingTensor.of(v, op.x().shape());
    }
  }

  private static int size(List<Op> ops) {
    long n = 0;
    for (Op op : ops) {
      n += op.x().size();
    }
    return Math.toIntExact(n);
  }

  private static RingTensor concat(List<Op> ops, boolean second, int n) {
    long[] v = new long[n];
    int at = 0;
    for (Op op : ops) {
      RingTensor t = second ? op.y() : op.x();
      System.arraycopy(t.data(), 0, v, at, t.size());
      at += t.size();
    }
    return RingTensor.of(v, n);
  }

  /**
   * The declared cost of rounds, added op by op in the same way the protocol adds them: a round is the
   * {@link Cost#parallel} of its ops' stand-alone costs ({@link Open#cost}, {@link BeaverMul#cost},
   * {@link Square#ringCost}, {@link Truncation#cost}, {@link Compare#cost}), rounds in sequence add.
   */
  static final class Tally {
    private Cost done = Cost.ZERO;
    private Cost round;

    Tally open(long n) {
      return add(Open.cost(n));
    }

    Tally mul(long n) {
      return add(BeaverMul.cost(n));
    }

    Tally square(long n) {
      return add(Square.ringCost(n));
    }

    Tally trunc(long n) {
      return add(Truncation.cost(n));
    }

    Tally cmp(long n, int bits) {
      return add(Compare.cost(n, bits));
    }

    private Tally add(Cost c) {
      round = round == null ? c : round.parallel(c);
      return this;
    }

    /** Closes the current round (nothing if it has no op) and starts the next. */
    Tally next() {
      if (round != null) {
        done = done.plus(round);
        round = null;
      }
      return this;
    }

    /** Adds a whole protocol's cost as its own rounds (closing the current round first). */
    Tally then(Cost c) {
      next();
      done = done.plus(c);
      return this;
    }

    Cost total() {
      next();
      return done;
    }
  }
}
