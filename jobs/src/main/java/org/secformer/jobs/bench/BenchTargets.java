package org.secformer.jobs.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import org.secformer.engine.bench.BertMeasure;
import org.secformer.engine.bert.BertConfig.AttentionKind;
import org.secformer.engine.comm.CommStats.PhaseFigures;
import org.secformer.engine.comm.Phase;

/**
 * The targets, judged on the measured cases (a report, not a test): each verdict says what was
 * measured and, where the target is missed, which protocol holds it back.
 */
final class BenchTargets {
  /** One target's verdict. */
  record Verdict(String target, String measured, String status, String heldBackBy) {}

  static final double BYTES_TARGET = 0.5e9;
  static final long ROUNDS_TARGET = 500;
  static final double RATIO_TARGET = 30;
  static final double SCALING_TARGET = 1.6;

  private BenchTargets() {}

  static List<Verdict> judge(List<BenchCase> cases, Optional<Scaling> scaling) {
    List<Verdict> out = new ArrayList<>();
    Optional<BenchCase> base2q = largestBatch(cases, BenchModel.BERT_BASE, AttentionKind.QUAD2, 128);
    out.add(base2q.map(c -> verdict("BERT-base seq 128 2Quad: <= 0.5 GB sent per party per sequence",
            String.format(Locale.ROOT, "%.2f GB (batch %d)", c.onlineBytesPerSequence() / 1e9, c.batch()),
            c.onlineBytesPerSequence() <= BYTES_TARGET, c, f -> f.bytesSent()))
        .orElse(notMeasured("BERT-base seq 128 2Quad: <= 0.5 GB sent per party per sequence")));
    out.add(base2q.map(c -> verdict("BERT-base seq 128 2Quad: <= 500 rounds per forward pass",
            c.rounds() + " rounds", c.rounds() <= ROUNDS_TARGET, c, f -> f.rounds()))
        .orElse(notMeasured("BERT-base seq 128 2Quad: <= 500 rounds per forward pass")));
    out.add(roundsIndependentOfBatch(cases));
    for (BenchModel m : BenchModel.values()) {
      for (AttentionKind a : AttentionKind.values()) {
        String target = m.key() + " " + a.name().toLowerCase(Locale.ROOT) + ": secure / plaintext <= 30x at batch 8";
        Optional<BenchCase> c = cases.stream()
            .filter(x -> x.ran() && x.model() == m && x.attention() == a && x.batch() == 8 && x.inMemory())
            .max(Comparator.comparingInt(BenchCase::seq));
        out.add(c.map(x -> verdict(target, String.format(Locale.ROOT, "%.0fx at seq %d", x.ratio(), x.seq()),
                x.ratio() <= RATIO_TARGET, x, f -> f.seconds()))
            .orElse(notMeasured(target)));
      }
    }
    out.add(scaling.map(s -> new Verdict("2 workers per party: >= 1.6x the throughput of 1",
            String.format(Locale.ROOT, "%.2fx (%.3f -> %.3f sequences/s; %s)", s.speedup(), s.sequencesPerSecondOne(),
                s.sequencesPerSecondTwo(), s.setting()),
            s.speedup() >= SCALING_TARGET ? "met" : "missed",
            s.speedup() >= SCALING_TARGET ? "" : "the machine's cores: each worker pair already uses every core"))
        .orElse(notMeasured("2 workers per party: >= 1.6x the throughput of 1")));
    return out;
  }

  private static Optional<BenchCase> largestBatch(List<BenchCase> cases, BenchModel m, AttentionKind a, int seq) {
    return cases.stream()
        .filter(c -> c.ran() && c.model() == m && c.attention() == a && c.seq() == seq && c.inMemory())
        .max(Comparator.comparingInt(BenchCase::batch));
  }

  private static Verdict roundsIndependentOfBatch(List<BenchCase> cases) {
    String target = "rounds per forward pass independent of the batch size";
    List<String> differ = new ArrayList<>();
    int groups = 0;
    for (BenchCase c : cases) {
      if (!c.ran()) {
        continue;
      }
      for (BenchCase d : cases) {
        if (d.ran() && d != c && d.model() == c.model() && d.attention() == c.attention() && d.seq() == c.seq()
            && d.batch() > c.batch() && d.network() == c.network()) {
          groups++;
          if (d.rounds() != c.rounds()) {
            differ.add(c.name() + ": " + c.rounds() + " vs batch " + d.batch() + ": " + d.rounds());
          }
        }
      }
    }
    if (groups == 0) {
      return notMeasured(target);
    }
    return new Verdict(target, differ.isEmpty() ? "equal in all " + groups + " pairs of batch sizes" : String.join("; ", differ),
        differ.isEmpty() ? "met" : "missed", "");
  }

  private static Verdict verdict(String target, String measured, boolean met, BenchCase c,
      ToDoubleFunction<PhaseFigures> metric) {
    return new Verdict(target, measured, met ? "met" : "missed", met ? "" : heaviestPhase(c, metric));
  }

  /** The phase with the largest share of the metric in the steady batch at P0, with its share. */
  static String heaviestPhase(BenchCase c, ToDoubleFunction<PhaseFigures> metric) {
    BertMeasure.PartyFigures p = c.result().steady()[0];
    double total = p.phases().values().stream().mapToDouble(metric).sum();
    return p.phases().entrySet().stream()
        .max(Comparator.comparingDouble((Map.Entry<Phase, PhaseFigures> e) -> metric.applyAsDouble(e.getValue())))
        .map(e -> String.format(Locale.ROOT, "%s (%.0f%%)", e.getKey().label(), 100 * metric.applyAsDouble(e.getValue()) / total))
        .orElse("");
  }

  private static Verdict notMeasured(String target) {
    return new Verdict(target, "not measured in this run", "not measured", "");
  }
}
