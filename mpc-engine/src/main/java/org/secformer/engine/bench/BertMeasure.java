package org.secformer.engine.bench;

import java.util.Map;
import org.secformer.engine.bert.BertConfig;
import org.secformer.engine.bert.BertInput;
import org.secformer.engine.bert.BertModel;
import org.secformer.engine.bert.ModelRanges;
import org.secformer.engine.bert.PlainBert;
import org.secformer.engine.bert.secure.SecureBert;
import org.secformer.engine.bert.secure.SecureBertInput;
import org.secformer.engine.bert.secure.SecureBertParams;
import org.secformer.engine.comm.CommStats;
import org.secformer.engine.comm.Phase;
import org.secformer.engine.job.InProcessParties;
import org.secformer.engine.model.ModelSharer;
import org.secformer.shares.Share;
import org.secformer.shares.Sharing;
import org.secformer.shares.fxp.FixedPoint;
import org.secformer.shares.ring.RingTensor;

/**
 * Measures the secure forward pass of one model on one batch against the fp64 plaintext forward: P0 and P1
 * run two batches in one job (the first also opens every weight mask, the second is the steady state),
 * each party's time, traffic, dealer material and per-phase breakdown are recorded, and the secure outputs
 * are compared with the plaintext ones.
 */
public final class BertMeasure {
  /** One party's figures for one batch. */
  public record PartyFigures(long rounds, long bytesSent, long dealerBytes, double seconds,
      Map<Phase, CommStats.PhaseFigures> phases, Map<String, Long> dealerByKind) {}

  /**
   * Figures of one batch size. {@code secure} and {@code plain} are the outputs (logits or sentence
   * vectors) per sequence.
   */
  public record Result(BertConfig config, int batch, int seqLen, PartyFigures[] first, PartyFigures[] steady,
      double plainSeconds, double[][] secure, double[][] plain) {
    public double maxAbsDiff() {
      double m = 0;
      for (int b = 0; b < secure.length; b++) {
        for (int j = 0; j < secure[b].length; j++) {
          m = Math.max(m, Math.abs(secure[b][j] - plain[b][j]));
        }
      }
      return m;
    }

    /** Sequences whose arg-max label is the same in the secure and plaintext outputs. */
    public int sameLabels() {
      int same = 0;
      for (int b = 0; b < secure.length; b++) {
        same += argMax(secure[b]) == argMax(plain[b]) ? 1 : 0;
      }
      return same;
    }

    /** Wall seconds of the slower party for the steady batch. */
    public double steadySeconds() {
      return Math.max(steady[0].seconds(), steady[1].seconds());
    }

    public double firstSeconds() {
      return Math.max(first[0].seconds(), first[1].seconds());
    }
  }

  private static final long TIMEOUT_MILLIS = 30 * 60_000L;

  private BertMeasure() {}

  public static Result run(BertModel model, BertInput input, ModelRanges ranges, FixedPoint fxp,
      InProcessParties.Transport transport) {
    BertConfig cfg = model.config();
    Map<String, RingTensor[]> shares = ModelSharer.splitInMemory(model.encode(fxp));
    Share[] in = Sharing.split(SecureBertInput.encode(input, cfg.vocab()));
    SecureBertParams params = SecureBertParams.of(cfg, ranges);
    InProcessParties.Run<Object[]> run = InProcessParties.run("bench-bert", fxp, TIMEOUT_MILLIS, transport, ctx -> {
      SecureBert bert = new SecureBert(cfg, "bench", n -> shares.get(n)[ctx.party()], params);
      Object[] result = new Object[3];
      for (int round = 0; round < 2; round++) {
        CommStats stats = ctx.stats();
        CommStats.Snapshot before = stats.snapshot();
        Map<Phase, CommStats.PhaseFigures> phasesBefore = stats.byPhase();
        Map<String, Long> kindsBefore = stats.dealerByKind();
        long t0 = System.nanoTime();
        result[0] = bert.apply(ctx, in[ctx.party()].tensor());
        double seconds = (System.nanoTime() - t0) / 1e9;
        CommStats.Snapshot used = stats.snapshot().minus(before);
        result[1 + round] = new PartyFigures(used.rounds(), used.bytesSent(), used.dealerBytes(), seconds,
            CommStats.phaseDelta(stats.byPhase(), phasesBefore), minus(stats.dealerByKind(), kindsBefore));
      }
      return result;
    });
    long t0 = System.nanoTime();
    PlainBert plain = new PlainBert(model);
    double[][] want = cfg.numLabels() > 0 ? plain.logits(input) : plain.embed(input);
    double plainSeconds = (System.nanoTime() - t0) / 1e9;
    double[] flat = fxp.decode(Sharing.reconstruct(
        new Share(0, (RingTensor) run.result(0)[0]), new Share(1, (RingTensor) run.result(1)[0])));
    int width = want[0].length;
    double[][] got = new double[input.batch()][width];
    for (int b = 0; b < input.batch(); b++) {
      System.arraycopy(flat, b * width, got[b], 0, width);
    }
    PartyFigures[] first = {(PartyFigures) run.result(0)[1], (PartyFigures) run.result(1)[1]};
    PartyFigures[] steady = {(PartyFigures) run.result(0)[2], (PartyFigures) run.result(1)[2]};
    return new Result(cfg, input.batch(), input.seqLen(), first, steady, plainSeconds, got, want);
  }

  private static Map<String, Long> minus(Map<String, Long> after, Map<String, Long> before) {
    Map<String, Long> d = new java.util.TreeMap<>();
    after.forEach((k, v) -> {
      long x = v - before.getOrDefault(k, 0L);
      if (x != 0) {
        d.put(k, x);
      }
    });
    return d;
  }

  static int argMax(double[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }
}
