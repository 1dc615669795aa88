package org.secformer.engine.bert;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Declared input ranges of the nonlinear protocols for one model (real values, before fixed-point
 * encoding), measured on real text with a margin: docs/input-ranges.md says how. Loaded from a
 * properties file; every key is required, unknown keys are rejected (typos would otherwise go unnoticed).
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>key</th><th>component</th><th>meaning</th></tr>
 *   <tr><td>model</td><td>model</td><td>model name</td></tr>
 *   <tr><td>fracBits</td><td>fracBits</td><td>fixed-point fractional bits f the ranges were planned for</td></tr>
 *   <tr><td>maxSeqLen</td><td>maxSeqLen</td><td>longest sequence (tokens) the ranges cover</td></tr>
 *   <tr><td>gelu.input.absMax</td><td>geluInputAbsMax</td><td>bound on |GeLU input|</td></tr>
 *   <tr><td>attention.qkv.absMax</td><td>qkvAbsMax</td><td>bound on |Q|, |K|, |V| elements</td></tr>
 *   <tr><td>attention.score.min / .max</td><td>scoreMin / scoreMax</td><td>attention scores q.k/sqrt(d)</td></tr>
 *   <tr><td>softmax.expInput.min</td><td>expInputMin</td><td>lowest exp input s - rowmax (&lt;= 0)</td></tr>
 *   <tr><td>softmax.denominator.min / .max</td><td>softmaxDenominatorMin / Max</td>
 *       <td>sum exp(s - max) per row: [1, maxSeqLen]</td></tr>
 *   <tr><td>quad2.rowSum.min / .max</td><td>quad2RowSumMin / Max</td><td>2Quad row sums sum (s + 5)^2</td></tr>
 *   <tr><td>layerNorm.input.absMax</td><td>layerNormInputAbsMax</td><td>bound on |LayerNorm input|</td></tr>
 *   <tr><td>layerNorm.variance.min / .max</td><td>layerNormVarianceMin / Max</td>
 *       <td>LayerNorm row variance before eps</td></tr>
 *   <tr><td>layerNorm.eps</td><td>layerNormEps</td><td>the model's LayerNorm eps</td></tr>
 *   <tr><td>hidden.absMax</td><td>hiddenAbsMax</td><td>bound on |hidden state| between layers</td></tr>
 *   <tr><td>pooled.normSq.min / .max</td><td>pooledNormSqMin / Max</td>
 *       <td>squared norm of the pooled vector before L2 normalisation</td></tr>
 * </table>
 */
public record ModelRanges(
    String model,
    int fracBits,
    int maxSeqLen,
    double geluInputAbsMax,
    double qkvAbsMax,
    double scoreMin,
    double scoreMax,
    double expInputMin,
    double softmaxDenominatorMin,
    double softmaxDenominatorMax,
    double quad2RowSumMin,
    double quad2RowSumMax,
    double layerNormInputAbsMax,
    double layerNormVarianceMin,
    double layerNormVarianceMax,
    double layerNormEps,
    double hiddenAbsMax,
    double pooledNormSqMin,
    double pooledNormSqMax) {

  /** Classpath resource of all-MiniLM-L6-v2's ranges. */
  public static final String MINILM_L6 = "/org/secformer/engine/bert/minilm-l6-ranges.properties";

  /** Every key, in file order. */
  public static final String[] KEYS = {
      "model", "fracBits", "maxSeqLen", "gelu.input.absMax", "attention.qkv.absMax", "attention.score.min",
      "attention.score.max", "softmax.expInput.min", "softmax.denominator.min", "softmax.denominator.max",
      "quad2.rowSum.min", "quad2.rowSum.max", "layerNorm.input.absMax", "layerNorm.variance.min",
      "layerNorm.variance.max", "layerNorm.eps", "hidden.absMax", "pooled.normSq.min", "pooled.normSq.max"};

  /** The half-width of SecFormer GeLU's middle segment, 2.5 sqrt 2 (the comparison borders are +-A). */
  public static final double GELU_BORDER = 2.5 * Math.sqrt(2);

  public ModelRanges {
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException("model name missing");
    }
    if (fracBits < 0 || fracBits > 40 || maxSeqLen < 1) {
      throw new IllegalArgumentException("bad fracBits " + fracBits + " or maxSeqLen " + maxSeqLen);
    }
    positive("gelu.input.absMax", geluInputAbsMax);
    positive("attention.qkv.absMax", qkvAbsMax);
    positive("layerNorm.input.absMax", layerNormInputAbsMax);
    positive("hidden.absMax", hiddenAbsMax);
    positive("layerNorm.eps", layerNormEps);
    interval("attention.score", scoreMin, scoreMax, false);
    if (!(expInputMin <= 0) || Double.isInfinite(expInputMin)) {
      throw new IllegalArgumentException("softmax.expInput.min must be finite and <= 0, got " + expInputMin);
    }
    interval("softmax.denominator", softmaxDenominatorMin, softmaxDenominatorMax, true);
    interval("quad2.rowSum", quad2RowSumMin, quad2RowSumMax, true);
    interval("layerNorm.variance", layerNormVarianceMin, layerNormVarianceMax, true);
    interval("pooled.normSq", pooledNormSqMin, pooledNormSqMax, true);
  }

  /** all-MiniLM-L6-v2's declared ranges from {@link #MINILM_L6}. */
  public static ModelRanges miniLmL6() {
    return load(MINILM_L6);
  }

  /** Loads a classpath resource. */
  public static ModelRanges load(String resource) {
    try (InputStream in = ModelRanges.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("model ranges resource " + resource + " not found on the classpath");
      }
      return load(in, resource);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read model ranges " + resource, e);
    }
  }

  /** Loads a properties stream; {@code source} names it in error messages. */
  public static ModelRanges load(InputStream in, String source) throws IOException {
    Properties p = new Properties();
    p.load(in);
    return of(p, source);
  }

  /** From properties with exactly {@link #KEYS}. */
  public static ModelRanges of(Properties p, String source) {
    Set<String> unknown = new TreeSet<>(p.stringPropertyNames());
    unknown.removeAll(Set.of(KEYS));
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("model ranges " + source + ": unknown key(s) " + unknown);
    }
    Reader r = new Reader(p, source);
    try {
      return new ModelRanges(r.string("model"), r.integer("fracBits"), r.integer("maxSeqLen"),
          r.number("gelu.input.absMax"), r.number("attention.qkv.absMax"), r.number("attention.score.min"),
          r.number("attention.score.max"), r.number("softmax.expInput.min"), r.number("softmax.denominator.min"),
          r.number("softmax.denominator.max"), r.number("quad2.rowSum.min"), r.number("quad2.rowSum.max"),
          r.number("layerNorm.input.absMax"), r.number("layerNorm.variance.min"), r.number("layerNorm.variance.max"),
          r.number("layerNorm.eps"), r.number("hidden.absMax"), r.number("pooled.normSq.min"),
          r.number("pooled.normSq.max"));
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("model ranges ")) {
        throw e;
      }
      throw new IllegalArgumentException("model ranges " + source + ": " + e.getMessage(), e);
    }
  }

  /** Every key of {@link #KEYS} with this record's value; {@link #of} reads it back to an equal record. */
  public Properties toProperties() {
    Properties p = new Properties();
    Object[] values = {model, fracBits, maxSeqLen, geluInputAbsMax, qkvAbsMax, scoreMin, scoreMax, expInputMin,
        softmaxDenominatorMin, softmaxDenominatorMax, quad2RowSumMin, quad2RowSumMax, layerNormInputAbsMax,
        layerNormVarianceMin, layerNormVarianceMax, layerNormEps, hiddenAbsMax, pooledNormSqMin, pooledNormSqMax};
    for (int i = 0; i < KEYS.length; i++) {
      // Double.toString is the shortest text that parses back to the same double.
      p.setProperty(KEYS[i], values[i].toString());
    }
    return p;
  }

  /**
   * The properties file text: one line per key in {@link #KEYS} order, after a comment naming
   * {@code source}. Written by hand rather than with {@link Properties#store} so the file is stable
   * (no timestamp, no hash order) and diffs cleanly.
   */
  public String toPropertiesText(String source) {
    StringBuilder b = new StringBuilder();
    b.append("# Declared input ranges of the nonlinear protocols (keys: org.secformer.engine.bert.ModelRanges)\n");
    b.append("# ").append(source.replaceAll("[^\\x20-\\x7e]", "?")).append('\n');
    Properties p = toProperties();
    for (String key : KEYS) {
      b.append(key).append('=').append(escape(p.getProperty(key))).append('\n');
    }
    return b.toString();
  }

  /**
   * Escapes a value so that {@link Properties#load(InputStream)}, which reads ISO-8859-1, gets it back:
   * separators and backslashes escaped, controls and non-ASCII as backslash-u escapes.
   */
  private static String escape(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case '\f' -> b.append("\\f");
        case '=', ':', '#', '!' -> b.append('\\').append(c);
        case ' ' -> b.append(i == 0 ? "\\ " : " ");
        default -> {
          if (c < 0x20 || c > 0x7e) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }

  /**
   * Width L of SecFormer GeLU's comparisons x &lt; +-A for these inputs: the smallest L with
   * (|x| + A) 2^f &lt; 2^(L-1).
   */
  public int geluCompareBits() {
    return signedBits(geluInputAbsMax + GELU_BORDER, fracBits);
  }

  /** The inverse square root argument range of the secure LayerNorm, h [varMin + eps, varMax + eps]. */
  public double[] layerNormRsqrtRange(int h) {
    return new double[] {h * (layerNormVarianceMin + layerNormEps), h * (layerNormVarianceMax + layerNormEps)};
  }

  /** Smallest L with |bound| 2^f &lt; 2^(L-1): the signed ring width of values up to bound. */
  public static int signedBits(double bound, int fracBits) {
    double v = Math.abs(bound) * Math.scalb(1.0, fracBits);
    int l = 2;
    while (!(v < Math.scalb(1.0, l - 1))) {
      l++;
    }
    return l;
  }

  /** Octaves K of [lo, hi]: the smallest K with lo 2^K &gt;= hi (Goldschmidt's secure-deflation bins). */
  public static int octaves(double lo, double hi) {
    int k = 1;
    while (lo * Math.scalb(1.0, k) < hi) {
      k++;
    }
    return k;
  }

  private static void positive(String key, double v) {
    if (!(v > 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(key + " must be positive and finite, got " + v);
    }
  }

  private static void interval(String key, double lo, double hi, boolean positive) {
    if (!(lo <= hi) || Double.isInfinite(lo) || Double.isInfinite(hi) || (positive && !(lo > 0))) {
      throw new IllegalArgumentException(key + " range [" + lo + ", " + hi + "] must be finite, ordered"
          + (positive ? " and positive" : ""));
    }
  }

  private record Reader(Properties p, String source) {
    String string(String key) {
      String v = p.getProperty(key);
      if (v == null) {
        throw new IllegalArgumentException("model ranges " + source + ": missing key '" + key + "'");
      }
      return v.trim();
    }

    int integer(String key) {
      String v = string(key);
      try {
        return Integer.parseInt(v);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("model ranges " + source + ": key '" + key + "' is not an integer: " + v);
      }
    }

    double number(String key) {
      String v = string(key);
      try {
        return Double.parseDouble(v);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("model ranges " + source + ": key '" + key + "' is not a number: " + v);
      }
    }
  }
}
