package org.secformer.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.Function;
import org.secformer.engine.job.InProcessParties;
import org.secformer.engine.comm.CommStats;
import org.secformer.shares.Share;
import org.secformer.shares.Sharing;
import org.secformer.shares.fxp.FixedPoint;
import org.secformer.shares.ring.RingTensor;

/** Runs a protocol at both parties on shared fixed-point input, checking measured traffic == declared cost. */
final class ProtocolRuns {
  static final FixedPoint FXP = FixedPoint.defaults();

  private ProtocolRuns() {}

  /** What one checked run measured at each party (equal to the declared cost, or the run failed). */
  record Measured(double[] values, CommStats.Snapshot p0, CommStats.Snapshot p1) {}

  /** Encodes and shares xs, runs body at both parties, checks the traffic, decodes the result. */
  static Measured run(double[] xs, Cost declared, Function<MpcContext, Function<RingTensor, RingTensor>> body) {
    Share[] shares = Sharing.split(FXP.encode(xs, xs.length));
    CommStats.Snapshot[] used = new CommStats.Snapshot[2];
    InProcessParties.Run<RingTensor> run = InProcessParties.run(ctx -> {
      CommStats.Snapshot before = ctx.stats().snapshot();
      RingTensor out = body.apply(ctx).apply(shares[ctx.party()].tensor());
      used[ctx.party()] = assertTraffic(declared, ctx, before);
      return out;
    });
    RingTensor z = Sharing.reconstruct(new Share(0, run.result(0)), new Share(1, run.result(1)));
    return new Measured(FXP.decode(z), used[0], used[1]);
  }

  /** Runs body at both parties, checking at each that the measured traffic equals the declared cost exactly. */
  static <T> InProcessParties.Run<T> runChecked(Cost declared, Function<MpcContext, T> body) {
    return InProcessParties.run(ctx -> {
      CommStats.Snapshot before = ctx.stats().snapshot();
      T out = body.apply(ctx);
      assertTraffic(declared, ctx, before);
      return out;
    });
  }

  /** The traffic of this party since {@code before}, checked to equal the declared cost exactly. */
  static CommStats.Snapshot assertTraffic(Cost declared, MpcContext ctx, CommStats.Snapshot before) {
    CommStats.Snapshot used = ctx.stats().snapshot().minus(before);
    assertEquals(declared.rounds(), used.rounds(), "rounds at party " + ctx.party());
    assertEquals(declared.bytesSent(), used.bytesSent(), "bytes sent by party " + ctx.party());
    assertEquals(declared.bytesSent(), used.bytesReceived(), "bytes received by party " + ctx.party());
    assertEquals(declared.dealerBytes(ctx.party()), used.dealerBytes(), "dealer bytes to party " + ctx.party());
    return used;
  }

  /** The dense grid -8, -7.99, ..., 8 (1601 points). */
  static double[] grid() {
    double[] g = new double[1601];
    for (int i = 0; i < g.length; i++) {
      g[i] = (i - 800) / 100.0;
    }
    return g;
  }

  static double[] concat(double[]... parts) {
    int n = 0;
    for (double[] p : parts) {
      n += p.length;
    }
    double[] out = new double[n];
    int at = 0;
    for (double[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
