package org.secformer.engine.protocol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.secformer.engine.dealer.ComparisonRecipe;
import org.secformer.engine.dealer.Material.MulTriple;
import org.secformer.engine.dealer.Material.TruncPair;
import org.secformer.engine.dealer.SquarePairRecipe;
import org.secformer.engine.dealer.fss.Dcf;
import org.secformer.shares.ring.RingTensor;

/**
 * The openings of one communication round, batched (CrypTen's reveal_batch): Beaver products
 * ({@link BeaverMul}), squares from square pairs ({@link Square}), truncations ({@link Truncation}) and
 * comparisons ({@link Compare#lessThanZero}) whose inputs are all known now go to the peer in a single
 * exchange. Each op uses the same correlation and the same maths as the stand-alone protocol; only the
 * opening shares the round. Ops return a {@link Slot} that {@link #run()} fills.
 *
 * <p>Dealer requests are issued in a fixed order (all products as one triple, all squares as one pair,
 * then one truncation pair per distinct shift and one comparison key per distinct width, in the order
 * first used), so both parties ask for the same correlations in the same order.
 *
 * <p>Cost of a round with p products, q squares, t truncated and c compared elements (any shifts,
 * widths L_i): 1 round (none when empty), 8 (2p + q + t + c) bytes sent by each party; dealer to P1
 * 8 p + 8 q + 16 t + sum 8 (3 (L_i - 1) + 3), to P0 sum 8 (3 (L_i - 1) + 2) ({@link Tally}).
 */
final class Round {
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
  }

  private record Op(RingTensor x, RingTensor y, int bits, Slot slot) {}

  private final MpcContext ctx;
  private final String tag;
  private final List<Op> muls = new ArrayList<>();
  private final List<Op> squares = new ArrayList<>();
  private final Map<Integer, List<Op>> truncs = new LinkedHashMap<>();
  private final Map<Integer, List<Op>> cmps = new LinkedHashMap<>();
  private boolean ran;

  Round(MpcContext ctx, String tag) {
    this.ctx = ctx;
    this.tag = tag;
  }

  boolean isFirst() {
    return ctx.isFirst();
  }

  /** Ring product x * y (elementwise, no truncation). */
  Slot mul(RingTensor x, RingTensor y) {
    if (!x.sameShape(y)) {
      throw new IllegalArgumentException("mul: shapes differ " + x + " vs " + y);
    }
    return add(muls, new Op(x, y, 0, new Slot()));
  }

  /** Ring square x * x from a square pair (no truncation). */
  Slot square(RingTensor x) {
    return add(squares, new Op(x, null, 0, new Slot()));
  }

  /** x truncated by {@code bits} (|x| < 2^62), as {@link Truncation#truncate}. */
  Slot truncate(RingTensor x, int bits) {
    return add(truncs.computeIfAbsent(bits, b -> new ArrayList<>()), new Op(x, null, bits, new Slot()));
  }

  /** Shares of the integer [x < 0] for |x| < 2^(bits-1), as {@link Compare#lessThanZero}. */
  Slot lessThanZero(RingTensor x, int bits) {
    ComparisonRecipe.mask(bits);
    return add(cmps.computeIfAbsent(bits, b -> new ArrayList<>()), new Op(x, null, bits, new Slot()));
  }

  private Slot add(List<Op> list, Op op) {
    if (ran) {
      throw new IllegalStateException("round already ran");
    }
    list.add(op);
    return op.slot();
  }

  /** Takes the correlations, opens everything in one exchange (none if the round is empty), fills the slots. */
  void run() {
    if (ran) {
      throw new IllegalStateException("round already ran");
    }
    ran = true;
    List<RingTensor> out = new ArrayList<>();
    // products: open e = x - a and f = y - b
    MulTriple triple = null;
    if (size(muls) > 0) {
      int n = size(muls);
      triple = ctx.dealer().mulTriple(n);
      out.add(concat(muls, false, n).subInPlace(triple.a()));
      out.add(concat(muls, true, n).subInPlace(triple.b()));
    }
    SquarePairRecipe.Pair pair = null;
    if (size(squares) > 0) {
      int n = size(squares);
      pair = ctx.dealer().squarePair(n);
      out.add(concat(squares, false, n).subInPlace(pair.a()));
    }
    List<TruncPair> truncPairs = new ArrayList<>();
    for (Map.Entry<Integer, List<Op>> g : truncs.entrySet()) {
      int n = size(g.getValue());
      TruncPair tp = ctx.dealer().truncPair(n, g.getKey());
      truncPairs.add(tp);
      RingTensor masked = concat(g.getValue(), false, n).addInPlace(tp.r());
      out.add(ctx.isFirst() ? masked.addScalarInPlace(SHIFT) : masked);
    }
    List<ComparisonRecipe.Key> keys = new ArrayList<>();
    for (Map.Entry<Integer, List<Op>> g : cmps.entrySet()) {
      int n = size(g.getValue()), bits = g.getKey();
      ComparisonRecipe.Key key = ctx.dealer().comparison(n, bits);
      keys.add(key);
      long mask = ComparisonRecipe.mask(bits);
      long[] masked = concat(g.getValue(), false, n).data(), r = key.r().data();
      for (int i = 0; i < n; i++) {
        masked[i] = (masked[i] + r[i]) & mask;
      }
      out.add(RingTensor.of(masked, n));
    }
    if (out.isEmpty()) {
      return;
    }
    RingTensor[] opened = Open.openAll(ctx, tag, out.toArray(new RingTensor[0]));
    int at = 0;
    if (triple != null) {
      finishMul(triple, opened[at], opened[at + 1]);
      at += 2;
    }
    if (pair != null) {
      finishSquare(pair, opened[at++]);
    }
    int gi = 0;
    for (Map.Entry<Integer, List<Op>> g : truncs.entrySet()) {
      finishTrunc(g.getValue(), g.getKey(), truncPairs.get(gi++), opened[at++]);
    }
    gi = 0;
    for (Map.Entry<Integer, List<Op>> g : cmps.entrySet()) {
      finishCmp(g.getValue(), g.getKey(), keys.get(gi++), opened[at++]);
    }
  }

  private void finishMul(MulTriple t, RingTensor eT, RingTensor fT) {
    long[] e = eT.data(), f = fT.data();
    long[] a = t.a().data(), b = t.b().data(), c = t.c().data();
    boolean first = ctx.isFirst();
    int at = 0;
    for (Op op : muls) {
      int n = op.x().size();
      long[] z = new long[n];
      for (int i = 0; i < n; i++, at++) {
        z[i] = c[at] + e[at] * b[at] + f[at] * a[at] + (first ? e[at] * f[at] : 0);
      }
      op.slot().value = RingTensor.of(z, op.x().shape());
    }
  }

  private void finishSquare(SquarePairRecipe.Pair p, RingTensor eT) {
    // x^2 = (e + a)^2 = a^2 + 2 e a + e^2, the public e^2 added by party 0
    long[] e = eT.data(), a = p.a().data(), a2 = p.aSquared().data();
    boolean first = ctx.isFirst();
    int at = 0;
    for (Op op : squares) {
      int n = op.x().size();
      long[] z = new long[n];
      for (int i = 0; i < n; i++, at++) {
        z[i] = a2[at] + 2 * e[at] * a[at] + (first ? e[at] * e[at] : 0);
      }
      op.slot().value = RingTensor.of(z, op.x().shape());
    }
  }

  private void finishTrunc(List<Op> ops, int bits, TruncPair pair, RingTensor cT) {
    long[] c = cT.data(), hi = pair.rHigh().data(), msb = pair.rMsb().data();
    long wrapWeight = 1L << (64 - bits);
    long offset = SHIFT >>> bits;
    boolean first = ctx.isFirst();
    int at = 0;
    for (Op op : ops) {
      int n = op.x().size();
      long[] z = new long[n];
      for (int i = 0; i < n; i++, at++) {
        long notMsbC = 1 - (c[at] >>> 63);
        z[i] = -hi[at] + wrapWeight * notMsbC * msb[at];
        if (first) {
          z[i] += (c[at] >>> bits) - offset;
        }
      }
      op.slot().value = RingTensor.of(z, op.x().shape());
    }
  }

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
    int at = 0;
    for (Op op : ops) {
      int m = op.x().size();
      long[] z = new long[m];
      for (int i = 0; i < m; i++, at++) {
        long ym = y[at] >>> (bits - 1);
        long t = rm[at] + carry[at];
        z[i] = (1 - 2 * ym) * t + (first ? ym : 0);
      }
      op.slot().value = RingTensor.of(z, op.x().shape());
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

  /** The declared cost of rounds, added op by op in the same way the protocol adds them. */
  static final class Tally {
    private long rounds, sent, dealer0, dealer1;
    private long mul, sq, trunc;
    private final Map<Integer, Long> cmp = new LinkedHashMap<>();

    Tally mul(long n) {
      mul += n;
      return this;
    }

    Tally square(long n) {
      sq += n;
      return this;
    }

    Tally trunc(long n) {
      trunc += n;
      return this;
    }

    Tally cmp(long n, int bits) {
      cmp.merge(bits, n, Long::sum);
      return this;
    }

    /** Closes the current round (nothing if it is empty) and starts the next. */
    Tally next() {
      long c = 0;
      for (Map.Entry<Integer, Long> e : cmp.entrySet()) {
        c += e.getValue();
        dealer0 += e.getValue() * ComparisonRecipe.dealerBytesPerElement(0, e.getKey());
        dealer1 += e.getValue() * ComparisonRecipe.dealerBytesPerElement(1, e.getKey());
      }
      if (mul + sq + trunc + c > 0) {
        rounds++;
        sent += 8 * (2 * mul + sq + trunc + c);
        dealer1 += 8 * mul + 8 * sq + 16 * trunc;
      }
      mul = sq = trunc = 0;
      cmp.clear();
      return this;
    }

    /** Adds a whole protocol's cost as its own rounds (closing the current round first). */
    Tally then(Cost c) {
      next();
      rounds += c.rounds();
      sent += c.bytesSent();
      dealer0 += c.dealerBytesP0();
      dealer1 += c.dealerBytesP1();
      return this;
    }

    Cost total() {
      next();
      return new Cost(rounds, sent, dealer0, dealer1);
    }
  }
}
