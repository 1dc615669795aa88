package org.secformer.engine.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.secformer.engine.bert.RangeProbe.Kind;
import org.secformer.engine.bert.RangeProbe.Summary;

/**
 * The committed declared ranges (minilm-l6-ranges.properties) hold for the real MiniLM on 20 real texts:
 * every value the probe sees lies inside them. A model or forward-pass change that breaks a declared range
 * fails here; regenerate the ranges with {@link InputRangesReportTest} (docs/input-ranges.md).
 */
class InputRangesTest {
  /** 20 texts spread over the fixture (subjects and body snippets of every group), in batches of 5. */
  static List<String> sample() {
    List<SpamTexts.Text> all = SpamTexts.all();
    List<String> out = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      out.add(all.get(i * (all.size() / 20) + 1).text());
    }
    return out;
  }

  @Test
  void twentyRealTextsStayInsideTheDeclaredRanges() {
    ModelRanges dr = ModelRanges.miniLmL6();
    MiniLm mini = MiniLm.get();
    assertEquals(mini.model.config().layerNormEps(), dr.layerNormEps(), 1e-20);
    assertEquals(16, dr.fracBits());
    RangeRun.Result r = RangeRun.run(mini, sample(), 5, false);
    assertEquals(20, r.texts());
    RangeProbe p = r.all();
    System.out.printf(Locale.ROOT, "range probe: %d texts (%d..%d tokens), %d batches, %d rows, %.1f s%n", r.texts(),
        r.minLen(), r.maxLen(), r.batches(), r.paddedRows(), r.seconds());
    assertEquals(EnumSet.allOf(Kind.class), EnumSet.copyOf(p.kinds()), "every kind observed");
    assertTrue(r.maxLen() <= dr.maxSeqLen());

    List<String> bad = new ArrayList<>();
    for (Kind k : Kind.values()) {
      for (String site : p.sites(k)) {
        Summary s = p.summary(k, site);
        switch (k) {
          case GELU_IN -> abs(bad, s, dr.geluInputAbsMax());
          case Q, K, V -> abs(bad, s, dr.qkvAbsMax());
          case SCORE, ROW_MAX -> within(bad, s, dr.scoreMin(), dr.scoreMax());
          case EXP_IN -> within(bad, s, dr.expInputMin(), 0);
          case SOFTMAX_DEN -> within(bad, s, dr.softmaxDenominatorMin(), dr.softmaxDenominatorMax());
          case QUAD_SUM -> within(bad, s, dr.quad2RowSumMin(), dr.quad2RowSumMax());
          case LN_IN -> abs(bad, s, dr.layerNormInputAbsMax());
          case LN_MEAN -> abs(bad, s, dr.layerNormInputAbsMax());
          case LN_VAR -> within(bad, s, dr.layerNormVarianceMin(), dr.layerNormVarianceMax());
          case LN_RSQRT_ARG -> within(bad, s, dr.layerNormVarianceMin() + dr.layerNormEps(),
              dr.layerNormVarianceMax() + dr.layerNormEps());
          case HIDDEN -> abs(bad, s, dr.hiddenAbsMax());
          case POOLED_NORMSQ -> within(bad, s, dr.pooledNormSqMin(), dr.pooledNormSqMax());
          default -> throw new AssertionError(k);
        }
      }
      Summary o = p.overall(k);
      System.out.printf(Locale.ROOT, "  %-14s min %11.4g  p0.1 %11.4g  p50 %11.4g  p99.9 %11.4g  max %11.4g  (n = %d)%n",
          k.key(), o.min(), o.p001(), o.p50(), o.p999(), o.max(), o.count());
    }
    assertTrue(bad.isEmpty(), "observed values outside the declared ranges of " + ModelRanges.MINILM_L6 + ":\n  "
        + String.join("\n  ", bad));
  }

  private static void abs(List<String> bad, Summary s, double bound) {
    within(bad, s, -bound, bound);
  }

  private static void within(List<String> bad, Summary s, double lo, double hi) {
    if (s.min() < lo || s.max() > hi) {
      bad.add(String.format(Locale.ROOT, "%s at %s: observed [%.6g, %.6g], declared [%.6g, %.6g]", s.kind().key(),
          s.site(), s.min(), s.max(), lo, hi));
    }
  }
}
