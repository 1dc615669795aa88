package org.secformer.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.secformer.engine.job.InProcessParties;
import org.secformer.engine.comm.CommStats;
import org.secformer.engine.dealer.CorrelationKind;
import org.secformer.engine.dealer.CorrelationSource;
import org.secformer.shares.Share;
import org.secformer.shares.Sharing;
import org.secformer.shares.ring.RingTensor;

class RoundTest {
  private static RingTensor reconstruct(InProcessParties.Run<RingTensor[]> run, int k) {
    return Sharing.reconstruct(new Share(0, run.result(0)[k]), new Share(1, run.result(1)[k]));
  }

  @Test
  void opsOfAllKindsShareOneRoundAndMatchTheirOneRoundProtocols() {
    SplittableRandom rnd = new SplittableRandom(31);
    int n = 500;
    long[] a = new long[n], b = new long[n], c = new long[n];
    for (int i = 0; i < n; i++) {
      a[i] = rnd.nextLong();
      b[i] = rnd.nextLong();
      c[i] = (long) ((rnd.nextDouble() - 0.5) * Math.scalb(1.0, 40));
    }
    c[0] = 0;
    c[1] = -1;
    long[] thresholds = {-5, 0, 1L << 20};
    Share[] as = Sharing.split(RingTensor.of(a, n)), bs = Sharing.split(RingTensor.of(b, n));
    Share[] cs = Sharing.split(RingTensor.of(c, n));
    int bits = 48;
    Cost declared = BeaverMul.cost(n).parallel(Truncation.cost(n)).parallel(Compare.cost(3L * n, bits))
        .parallel(Open.cost(n)).parallel(Square.ringCost(n));
    assertEquals(declared,
        new Round.Tally().mul(n).trunc(n).cmp(3L * n, bits).open(n).square(n).total());
    InProcessParties.Run<RingTensor[]> run = InProcessParties.run(ctx -> {
      CommStats.Snapshot before = ctx.stats().snapshot();
      RingTensor x = as[ctx.party()].tensor(), y = bs[ctx.party()].tensor(), z = cs[ctx.party()].tensor();
      Round r = new Round(ctx, "batch");
      Round.Slot mul = r.mul(x, y);
      Round.Slot trunc = r.truncate(z, 16);
      Round.Slot cmp = r.lessThanConstants(z, bits, thresholds);
      Round.Slot open = r.open(x);
      Round.Slot sq = r.square(x);
      assertThrows(IllegalStateException.class, mul::get);
      r.run();
      ProtocolRuns.assertTraffic(declared, ctx, before);
      assertThrows(IllegalStateException.class, r::run);
      assertThrows(IllegalStateException.class, () -> r.open(x));
      return new RingTensor[] {mul.get(), trunc.get(), cmp.get(), open.get(), sq.get()};
    });
    RingTensor prod = reconstruct(run, 0), tr = reconstruct(run, 1), lt = reconstruct(run, 2);
    RingTensor sq = reconstruct(run, 4);
    assertArrayEquals(run.result(0)[3].data(), run.result(1)[3].data());
    assertArrayEquals(a, run.result(0)[3].data());
    assertArrayEquals(new int[] {3, n}, lt.shape());
    for (int i = 0; i < n; i++) {
      assertEquals(a[i] * b[i], prod.get(i));
      assertEquals(a[i] * a[i], sq.get(i));
      long diff = tr.get(i) - (c[i] >> 16);
      assertEquals(true, diff == 0 || diff == 1, "truncation of " + c[i]);
      for (int k = 0; k < 3; k++) {
        assertEquals(c[i] < thresholds[k] ? 1 : 0, lt.get(k * n + i), "[" + c[i] + " < " + thresholds[k] + "]");
      }
    }
  }

  @Test
  void opsOfOneKindShareOneCorrelationAndKeepTheirShapes() {
    SplittableRandom rnd = new SplittableRandom(5);
    long[] a = rnd.longs(6).toArray(), b = rnd.longs(4).toArray();
    Share[] as = Sharing.split(RingTensor.of(a, 2, 3)), bs = Sharing.split(RingTensor.of(b, 4));
    InProcessParties.Run<RingTensor[]> run = InProcessParties.run(ctx -> {
      ctx.dealer().startTrace();
      RingTensor x = as[ctx.party()].tensor(), y = bs[ctx.party()].tensor();
      Round r = new Round(ctx, "two");
      Round.Slot xx = r.mul(x, x);
      Round.Slot yy = r.mul(y, y);
      Round.Slot lt = r.lessThanZero(x, 64);
      Round.Slot yt = r.lessThanConstants(y, 64, 0, 1);
      r.run();
      List<CorrelationSource.Spec> trace = ctx.dealer().stopTrace();
      assertEquals(2, trace.size());
      assertSpec(trace.get(0), CorrelationKind.MUL_TRIPLE, 10);
      assertSpec(trace.get(1), CorrelationKind.COMPARISON, 14, 64);
      assertArrayEquals(new int[] {2, 3}, xx.get().shape());
      assertArrayEquals(new int[] {4}, yy.get().shape());
      assertArrayEquals(new int[] {2, 3}, lt.get().shape());
      assertArrayEquals(new int[] {4}, yt.row(1).shape());
      return new RingTensor[] {xx.get(), yy.get(), lt.get(), yt.row(0), yt.row(1)};
    });
    for (int i = 0; i < 6; i++) {
      assertEquals(a[i] * a[i], reconstruct(run, 0).get(i));
      assertEquals(a[i] < 0 ? 1 : 0, reconstruct(run, 2).get(i));
    }
    for (int i = 0; i < 4; i++) {
      assertEquals(b[i] * b[i], reconstruct(run, 1).get(i));
      assertEquals(b[i] < 0 ? 1 : 0, reconstruct(run, 3).get(i));
      assertEquals(b[i] < 1 ? 1 : 0, reconstruct(run, 4).get(i));
    }
  }

  private static void assertSpec(CorrelationSource.Spec spec, CorrelationKind kind, int... dims) {
    assertEquals(kind, spec.kind());
    assertArrayEquals(dims, spec.dims());
  }

  @Test
  void tallyOfOneOpIsTheStandAloneCostFormula() {
    for (long n : new long[] {0, 1, 91, 4096}) {
      assertEquals(Open.cost(n), new Round.Tally().open(n).total());
      assertEquals(BeaverMul.cost(n), new Round.Tally().mul(n).total());
      assertEquals(Square.ringCost(n), new Round.Tally().square(n).total());
      assertEquals(Truncation.cost(n), new Round.Tally().trunc(n).total());
      for (int bits : new int[] {2, 32, 48, 64}) {
        assertEquals(Compare.cost(n, bits), new Round.Tally().cmp(n, bits).total());
      }
    }
    assertEquals(Cost.ZERO, new Round.Tally().next().next().total());
    assertEquals(BeaverMul.cost(3).plus(Truncation.cost(3)).plus(Compare.cost(5, 32)),
        new Round.Tally().mul(3).next().trunc(1).trunc(2).next().then(Compare.cost(5, 32)).total());
  }

  @Test
  void tallyOfARoundIsTheDocumentedFormula() {
    long p = 7, q = 5, t = 3, c1 = 11, c2 = 13, o = 2;
    Cost c = new Round.Tally().mul(p).square(q).trunc(t).cmp(c1, 32).cmp(c2, 48).open(o).total();
    assertEquals(1, c.rounds());
    assertEquals(8 * (2 * p + q + t + c1 + c2 + o), c.bytesSent());
    assertEquals(8 * (3 * 31 + 2) * c1 + 8 * (3 * 47 + 2) * c2, c.dealerBytesP0());
    assertEquals(8 * p + 8 * q + 16 * t + 8 * (3 * 31 + 3) * c1 + 8 * (3 * 47 + 3) * c2, c.dealerBytesP1());
  }

  /** The stand-alone protocols: their declared cost, measured, and exactly one dealer request each. */
  @Test
  void standAloneProtocolsAreOneOpRoundsWithTheirOwnCostAndRequest() {
    SplittableRandom rnd = new SplittableRandom(9);
    long[] v = new long[91];
    for (int i = 0; i < v.length; i++) {
      v[i] = rnd.nextLong() >> 20;
    }
    Share[] xs = Sharing.split(RingTensor.of(v, 7, 13));
    checkStandAlone(xs, BeaverMul.cost(91), new Round.Tally().mul(91),
        ctx -> x -> BeaverMul.mul(ctx, x, x), CorrelationKind.MUL_TRIPLE, 91);
    checkStandAlone(xs, Truncation.cost(91), new Round.Tally().trunc(91),
        ctx -> x -> Truncation.truncate(ctx, x, 16), CorrelationKind.TRUNC_PAIR, 91, 16);
    checkStandAlone(xs, Compare.cost(91, 48), new Round.Tally().cmp(91, 48),
        ctx -> x -> Compare.lessThanZero(ctx, x), CorrelationKind.COMPARISON, 91, 48);
    checkStandAlone(xs, Square.ringCost(91), new Round.Tally().square(91),
        ctx -> x -> Square.ring(ctx, x), CorrelationKind.SQUARE_PAIR, 91);
    Share[] empty = Sharing.split(RingTensor.zeros(0));
    checkStandAlone(empty, BeaverMul.cost(0), new Round.Tally().mul(0),
        ctx -> x -> BeaverMul.mul(ctx, x, x), CorrelationKind.MUL_TRIPLE, 0);
  }

  private static void checkStandAlone(Share[] xs, Cost declared, Round.Tally tally,
      Function<MpcContext, Function<RingTensor, RingTensor>> body, CorrelationKind kind, int... dims) {
    assertEquals(declared, tally.total());
    InProcessParties.run(ctx -> {
      CommStats.Snapshot before = ctx.stats().snapshot();
      ctx.dealer().startTrace();
      RingTensor out = body.apply(ctx).apply(xs[ctx.party()].tensor());
      List<CorrelationSource.Spec> trace = ctx.dealer().stopTrace();
      ProtocolRuns.assertTraffic(declared, ctx, before);
      assertEquals(1, trace.size());
      assertSpec(trace.get(0), kind, dims);
      assertArrayEquals(xs[ctx.party()].tensor().shape(), out.shape());
      return out;
    });
  }

  @Test
  void rowOfAComparisonResult() {
    Share[] xs = Sharing.split(RingTensor.of(new long[] {-3, 4}, 1, 2));
    InProcessParties.Run<RingTensor[]> run = InProcessParties.run(ctx -> {
      Round r = new Round(ctx, "rows");
      Round.Slot lt = r.lessThanConstants(xs[ctx.party()].tensor(), 16, -5, 0, 5);
      assertThrows(IllegalStateException.class, () -> lt.row(0));
      r.run();
      return new RingTensor[] {lt.row(0), lt.row(1), lt.row(2)};
    });
    assertArrayEquals(new long[] {0, 0}, reconstruct(run, 0).data());
    assertArrayEquals(new long[] {1, 0}, reconstruct(run, 1).data());
    assertArrayEquals(new long[] {1, 1}, reconstruct(run, 2).data());
  }
}
