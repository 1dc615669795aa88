package org.secformer.engine.protocol;

import java.util.function.Function;
import org.secformer.engine.job.InProcessParties;
import org.secformer.shares.Share;
import org.secformer.shares.Sharing;
import org.secformer.shares.ring.RingTensor;

/** Helpers of the normalisation protocol tests: exact cost checks and error statistics. */
final class NormTesting {
  private NormTesting() {}

  /** Runs body at both parties, checks the measured traffic against the declared cost, reconstructs. */
  static RingTensor runChecked(Cost declared, Function<MpcContext, RingTensor> body) {
    InProcessParties.Run<RingTensor> run = ProtocolRuns.runChecked(declared, body);
    return Sharing.reconstruct(new Share(0, run.result(0)), new Share(1, run.result(1)));
  }

  /** Shares of a public tensor, one per party. */
  static RingTensor[] split(RingTensor x) {
    Share[] s = Sharing.split(x);
    return new RingTensor[] {s[0].tensor(), s[1].tensor()};
  }

  static double[] decode(RingTensor t, int bits) {
    double[] out = new double[t.size()];
    double scale = Math.scalb(1.0, -bits);
    for (int i = 0; i < out.length; i++) {
      out[i] = t.data()[i] * scale;
    }
    return out;
  }

  static RingTensor encode(double[] v, int bits, int... shape) {
    long[] out = new long[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = Math.round(v[i] * Math.scalb(1.0, bits));
    }
    return RingTensor.of(out, shape);
  }

  /** Max and mean of |got - want| / (|want| + atol/rtol), i.e. the excess over the mixed tolerance. */
  record Errors(double maxRel, double meanRel, double maxAbs, int worst) {
    /** True when every element satisfies |got - want| <= rtol |want| + atol. */
    boolean within(double rtol, double atol, double[] got, double[] want) {
      for (int i = 0; i < got.length; i++) {
        if (!(Math.abs(got[i] - want[i]) <= rtol * Math.abs(want[i]) + atol)) {
          return false;
        }
      }
      return true;
    }
  }

  /** Relative errors where |want| >= floor, absolute error everywhere. */
  static Errors errors(double[] got, double[] want, double floor) {
    double maxRel = 0, sumRel = 0, maxAbs = 0;
    int count = 0, worst = -1;
    for (int i = 0; i < got.length; i++) {
      double abs = Math.abs(got[i] - want[i]);
      maxAbs = Math.max(maxAbs, abs);
      if (Math.abs(want[i]) >= floor) {
        double rel = abs / Math.abs(want[i]);
        if (rel > maxRel || worst < 0) {
          worst = rel > maxRel || worst < 0 ? i : worst;
        }
        maxRel = Math.max(maxRel, rel);
        sumRel += rel;
        count++;
      }
    }
    return new Errors(maxRel, count == 0 ? 0 : sumRel / count, maxAbs, worst);
  }

  /** Index of the first element with |got - want| > rtol |want| + atol, or -1. */
  static int firstViolation(double[] got, double[] want, double rtol, double atol) {
    for (int i = 0; i < got.length; i++) {
      if (!(Math.abs(got[i] - want[i]) <= rtol * Math.abs(want[i]) + atol)) {
        return i;
      }
    }
    return -1;
  }
}
