package org.secformer.engine.bert;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link ForwardProbe} that accumulates, per {@link Kind} of value and per site (layer, or LayerNorm
 * within a layer), the count, exact minimum and maximum, and percentiles from a histogram with 128
 * buckets per octave of |x| (so a percentile is known to within 0.4 % of its value; values with
 * |x| < 2^-40 count as 0). Feed it any number of forward passes; not thread-safe (PlainBert calls a probe
 * from one thread).
 *
 * <p>Sites: {@code emb} (embedding block), {@code L0} .. {@code L5} (a layer), {@code L0.attn} /
 * {@code L0.ffn} (a layer's LayerNorm after attention / after the FFN), {@code pooled}.
 *
 * <p>Padding rows: by default they are counted (the secure forward pass computes them, so the protocols
 * see them); {@link #realTokensOnly()} counts rows of real tokens only (for attention rows: real
 * queries; masked keys never count).
 */
public final class RangeProbe implements ForwardProbe {
  /** The kinds of value recorded. */
  public enum Kind {
    GELU_IN("gelu.in", "GeLU input (FFN intermediate before the activation), every element"),
    Q("attn.q", "query projection, every element"),
    K("attn.k", "key projection, every element"),
    V("attn.v", "value projection, every element"),
    SCORE("attn.score", "attention score q.k / sqrt(d), unmasked keys"),
    ROW_MAX("attn.rowMax", "attention score row maximum (unmasked keys)"),
    EXP_IN("softmax.expIn", "softmax exp input s - max, unmasked keys (<= 0)"),
    SOFTMAX_DEN("softmax.den", "softmax denominator sum exp(s - max) per row, in [1, keys]"),
    QUAD_SUM("quad2.rowSum", "2Quad row sum sum (s + 5)^2 per row (what 2Quad would divide by)"),
    LN_IN("ln.in", "LayerNorm input, every element"),
    LN_MEAN("ln.mean", "LayerNorm row mean"),
    LN_VAR("ln.var", "LayerNorm row variance (biased, before eps)"),
    LN_RSQRT_ARG("ln.rsqrtArg", "LayerNorm inverse square root argument var + eps"),
    HIDDEN("hidden", "hidden state after the block (emb: after the embedding LayerNorm), every element"),
    POOLED_NORMSQ("pooled.normSq", "squared norm of the mean-pooled vector before L2 normalisation");

    private final String key;
    private final String description;

    Kind(String key, String description) {
      this.key = key;
      this.description = description;
    }

    public String key() {
      return key;
    }

    public String description() {
      return description;
    }
  }

  /**
   * What was observed of one kind at one site (or over all sites: site {@code "all"}).
   *
   * @param p001 the 0.1 % percentile
   * @param p50 the median
   * @param p999 the 99.9 % percentile
   */
  public record Summary(Kind kind, String site, long count, double min, double p001, double p50, double p999,
      double max) {
    /** max |x|. */
    public double maxAbs() {
      return Math.max(Math.abs(min), Math.abs(max));
    }
  }

  private final boolean realOnly;
  private final Map<Kind, Map<String, Histogram>> data = new LinkedHashMap<>();
  private int[][] mask;
  private int seqLen;
  private long sequences;
  private long realTokens;
  private long rows;
  private int longest;

  private RangeProbe(boolean realOnly) {
    this.realOnly = realOnly;
  }

  /** Counts every row the forward pass computes, padding included. */
  public RangeProbe() {
    this(false);
  }

  /** Counts rows of real tokens only. */
  public static RangeProbe realTokensOnly() {
    return new RangeProbe(true);
  }

  @Override
  public void begin(BertInput in, BertConfig cfg) {
    mask = in.attentionMask();
    seqLen = in.seqLen();
    sequences += in.batch();
    rows += (long) in.batch() * in.seqLen();
    for (int b = 0; b < in.batch(); b++) {
      realTokens += in.length(b);
      longest = Math.max(longest, in.length(b));
    }
  }

  @Override
  public void end() {
    mask = null;
  }

  private boolean counts(int row) {
    return !realOnly || mask[row / seqLen][row % seqLen] != 0;
  }

  private void addRows(Kind kind, String site, double[] x, int n, int cols) {
    Histogram hg = histogram(kind, site);
    for (int r = 0; r < n; r++) {
      if (counts(r)) {
        for (int c = r * cols, e = c + cols; c < e; c++) {
          hg.add(x[c]);
        }
      }
    }
  }

  @Override
  public void layerNorm(int layer, LayerNormSite site, double[] x, int n, int h, double[] mean, double[] var,
      double eps) {
    String s = switch (site) {
      case EMBEDDINGS -> "emb";
      case ATTENTION -> layerSite(layer) + ".attn";
      case FFN -> layerSite(layer) + ".ffn";
    };
    addRows(Kind.LN_IN, s, x, n, h);
    Histogram hm = histogram(Kind.LN_MEAN, s), hv = histogram(Kind.LN_VAR, s), ha = histogram(Kind.LN_RSQRT_ARG, s);
    for (int r = 0; r < n; r++) {
      if (counts(r)) {
        hm.add(mean[r]);
        hv.add(var[r]);
        ha.add(var[r] + eps);
      }
    }
  }

  @Override
  public void qkv(int layer, double[] q, double[] k, double[] v, int n, int h) {
    String s = layerSite(layer);
    addRows(Kind.Q, s, q, n, h);
    addRows(Kind.K, s, k, n, h);
    addRows(Kind.V, s, v, n, h);
  }

  @Override
  public void attentionRow(int layer, int batch, int head, int query, double[] scores, int[] keyMask, double max,
      double softmaxDenominator, double quadRowSum) {
    if (realOnly && keyMask[query] == 0) {
      return;
    }
    String s = layerSite(layer);
    Histogram hs = histogram(Kind.SCORE, s), he = histogram(Kind.EXP_IN, s);
    for (int j = 0; j < scores.length; j++) {
      if (keyMask[j] != 0) {
        hs.add(scores[j]);
        he.add(scores[j] - max);
      }
    }
    histogram(Kind.ROW_MAX, s).add(max);
    histogram(Kind.SOFTMAX_DEN, s).add(softmaxDenominator);
    histogram(Kind.QUAD_SUM, s).add(quadRowSum);
  }

  @Override
  public void geluInput(int layer, double[] x, int n, int f) {
    addRows(Kind.GELU_IN, layerSite(layer), x, n, f);
  }

  @Override
  public void hidden(int layer, double[] x, int n, int h) {
    addRows(Kind.HIDDEN, layerSite(layer), x, n, h);
  }

  @Override
  public void pooled(int batch, double[] pooled, double normSq) {
    histogram(Kind.POOLED_NORMSQ, "pooled").add(normSq);
  }

  private static String layerSite(int layer) {
    return layer < 0 ? "emb" : "L" + layer;
  }

  private Histogram histogram(Kind kind, String site) {
    return data.computeIfAbsent(kind, k -> new LinkedHashMap<>()).computeIfAbsent(site, s -> new Histogram());
  }

  /** Whether padding rows are left out. */
  public boolean realOnly() {
    return realOnly;
  }

  /** Sequences seen. */
  public long sequences() {
    return sequences;
  }

  /** Real tokens seen (attention mask 1). */
  public long realTokens() {
    return realTokens;
  }

  /** Rows computed, padding included. */
  public long rows() {
    return rows;
  }

  /** The longest sequence seen (real tokens). */
  public int longest() {
    return longest;
  }

  /** The kinds with at least one value. */
  public List<Kind> kinds() {
    return new ArrayList<>(data.keySet());
  }

  /** Sites of a kind, in the order first seen (forward order). */
  public List<String> sites(Kind kind) {
    Map<String, Histogram> m = data.get(kind);
    return m == null ? List.of() : new ArrayList<>(m.keySet());
  }

  /** What was observed of {@code kind} at {@code site}. */
  public Summary summary(Kind kind, String site) {
    Map<String, Histogram> m = data.get(kind);
    Histogram hg = m == null ? null : m.get(site);
    if (hg == null) {
      throw new IllegalArgumentException("no " + kind.key() + " values observed at site " + site);
    }
    return hg.summary(kind, site);
  }

  /** What was observed of {@code kind} over all sites. */
  public Summary overall(Kind kind) {
    Map<String, Histogram> m = data.get(kind);
    if (m == null) {
      throw new IllegalArgumentException("no " + kind.key() + " values observed");
    }
    Histogram all = new Histogram();
    m.values().forEach(all::merge);
    return all.summary(kind, "all");
  }

  /**
   * Counts, exact extremes and a log-bucketed histogram: buckets [2^e (1 + m/128), 2^e (1 + (m+1)/128))
   * for e in [-40, 63], one array per sign, plus a zero bucket for |x| < 2^-40.
   */
  static final class Histogram {
    static final int SUB_BITS = 7;
    static final int E_MIN = -40;
    static final int E_MAX = 63;
    private static final int SIZE = (E_MAX - E_MIN + 1) << SUB_BITS;

    private final long[] pos = new long[SIZE];
    private final long[] neg = new long[SIZE];
    private long zero;
    private long count;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;

    void add(double x) {
      if (!Double.isFinite(x)) {
        throw new IllegalStateException("non-finite value " + x + " in the forward pass");
      }
      count++;
      if (x < min) {
        min = x;
      }
      if (x > max) {
        max = x;
      }
      double a = Math.abs(x);
      if (a < 0x1p-40) {
        zero++;
        return;
      }
      (x < 0 ? neg : pos)[index(a)]++;
    }

    static int index(double a) {
      int e = Math.min(Math.getExponent(a), E_MAX);
      int m = (int) (Double.doubleToRawLongBits(a) >>> (52 - SUB_BITS)) & ((1 << SUB_BITS) - 1);
      return ((e - E_MIN) << SUB_BITS) | m;
    }

    /** Middle of bucket i (of |x|). */
    static double middle(int i) {
      int e = (i >> SUB_BITS) + E_MIN, m = i & ((1 << SUB_BITS) - 1);
      return Math.scalb(1 + (m + 0.5) / (1 << SUB_BITS), e);
    }

    void merge(Histogram o) {
      for (int i = 0; i < SIZE; i++) {
        pos[i] += o.pos[i];
        neg[i] += o.neg[i];
      }
      zero += o.zero;
      count += o.count;
      min = Math.min(min, o.min);
      max = Math.max(max, o.max);
    }

    /**
     * The value of rank ceil(q count) in ascending order: the exact min or max at the ends, else its
     * bucket's middle clamped to [min, max].
     */
    double quantile(double q) {
      if (count == 0) {
        return Double.NaN;
      }
      long rank = Math.max(1, Math.min(count, (long) Math.ceil(q * count)));
      if (rank == 1 || rank == count) {
        return rank == 1 ? min : max;
      }
      long seen = 0;
      double v = Double.NaN;
      for (int i = SIZE - 1; i >= 0 && Double.isNaN(v); i--) {
        seen += neg[i];
        if (seen >= rank) {
          v = -middle(i);
        }
      }
      if (Double.isNaN(v)) {
        seen += zero;
        if (seen >= rank) {
          v = 0;
        }
      }
      for (int i = 0; i < SIZE && Double.isNaN(v); i++) {
        seen += pos[i];
        if (seen >= rank) {
          v = middle(i);
        }
      }
      return Math.max(min, Math.min(max, v));
    }

    long count() {
      return count;
    }

    Summary summary(Kind kind, String site) {
      Objects.requireNonNull(kind);
      return new Summary(kind, site, count, min, quantile(0.001), quantile(0.5), quantile(0.999), max);
    }
  }
}
