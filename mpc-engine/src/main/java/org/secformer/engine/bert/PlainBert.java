package org.secformer.engine.bert;

import java.util.stream.IntStream;
import org.secformer.engine.bert.BertConfig.AttentionKind;
import org.secformer.engine.bert.BertConfig.Pooling;

/**
 * Plaintext fp64 forward pass of a {@link BertModel}, step for step the structure of the secure one:
 *
 * <ol>
 *   <li>embedding lookup, plus position (0..T-1) and token-type embeddings, LayerNorm;
 *   <li>per layer: Q, K, V = x W + b; scores = Q K^T / sqrt(d) per head; masked keys (attention mask 0)
 *       get weight 0 (the -inf of the reference); SOFTMAX: exp(s - max) / sum, or QUAD2: (s + 5)^2 divided
 *       by its row sum; context = weights V; output dense, residual, LayerNorm;
 *   <li>feed-forward: dense, exact erf GeLU, dense, residual, LayerNorm.
 * </ol>
 *
 * <p>The result is {@code last_hidden_state} [B, T, H] (padding rows included, as the ONNX graph computes
 * them). {@link #embed} pools it (mask-weighted mean or [CLS]) and L2-normalises it when the config says
 * so; {@link #logits} applies the classifier head to that vector: logits = pooled W + b.
 *
 * <p>The overloads taking a {@link ForwardProbe} report the intermediate values to it (for the declared
 * input ranges of the secure protocols); the others pass {@code null} and pay nothing.
 *
 * <p>Dense layers run as register-blocked row-times-row dot products against transposed weights, spread
 * over the common fork-join pool; every output element is computed by one thread in a fixed order, so
 * results do not depend on the thread count.
 */
public final class PlainBert {
  /** The shift c of 2Quad attention, (s + c)^2. */
  public static final double QUAD_SHIFT = 5.0;
  private static final int ROW_BLOCK = 8;

  private final BertModel model;
  private final BertConfig cfg;
  private final double[] word;
  private final double[] position;
  private final double[] tokenType;
  private final double[] embGamma;
  private final double[] embBeta;
  private final Layer[] layers;

  /** Weight matrices are held transposed, [out, in]. */
  private record Layer(double[] wq, double[] bq, double[] wk, double[] bk, double[] wv, double[] bv,
      double[] wo, double[] bo, double[] attnGamma, double[] attnBeta, double[] wIn, double[] bIn,
      double[] wOut, double[] bOut, double[] ffnGamma, double[] ffnBeta) {}

  public PlainBert(BertModel model) {
    this.model = model;
    this.cfg = model.config();
    this.word = model.tensor(BertNames.WORD).data();
    this.position = model.tensor(BertNames.POSITION).data();
    this.tokenType = model.tensor(BertNames.TOKEN_TYPE).data();
    this.embGamma = model.tensor(BertNames.EMB_LN_GAMMA).data();
    this.embBeta = model.tensor(BertNames.EMB_LN_BETA).data();
    this.layers = new Layer[cfg.layers()];
    for (int i = 0; i < layers.length; i++) {
      int l = i;
      java.util.function.Function<String, double[]> t = s -> s.endsWith(".weight")
          ? model.tensor(BertNames.layer(l, s)).transpose2d().data() // [out, in] for the row-dot kernel
          : model.tensor(BertNames.layer(l, s)).data();
      layers[i] = new Layer(t.apply("attn.q.weight"), t.apply("attn.q.bias"), t.apply("attn.k.weight"),
          t.apply("attn.k.bias"), t.apply("attn.v.weight"), t.apply("attn.v.bias"), t.apply("attn.o.weight"),
          t.apply("attn.o.bias"), t.apply("attn.ln.gamma"), t.apply("attn.ln.beta"), t.apply("ffn.in.weight"),
          t.apply("ffn.in.bias"), t.apply("ffn.out.weight"), t.apply("ffn.out.bias"), t.apply("ffn.ln.gamma"),
          t.apply("ffn.ln.beta"));
    }
  }

  public BertModel model() {
    return model;
  }

  /** last_hidden_state [B][T][H]. */
  public double[][][] lastHiddenState(BertInput in) {
    return lastHiddenState(in, null);
  }

  /** last_hidden_state [B][T][H], reporting intermediate values to {@code probe} (may be null). */
  public double[][][] lastHiddenState(BertInput in, ForwardProbe probe) {
    if (probe != null) {
      probe.begin(in, cfg);
    }
    double[][][] out = unflatten(in, forwardFlat(in, probe));
    if (probe != null) {
      probe.end();
    }
    return out;
  }

  private double[][][] unflatten(BertInput in, double[] x) {
    int b = in.batch(), t = in.seqLen(), h = cfg.hidden();
    double[][][] out = new double[b][t][];
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < t; j++) {
        int off = (i * t + j) * h;
        out[i][j] = java.util.Arrays.copyOfRange(x, off, off + h);
      }
    }
    return out;
  }

  /** Sentence vectors [B][H]: pooled as the config says, L2-normalised if it says so. */
  public double[][] embed(BertInput in) {
    return poolAndNormalize(lastHiddenState(in), in.attentionMask(), cfg.pooling(), cfg.normalize());
  }

  /** {@link #embed}, reporting intermediate values and the pooled vectors to {@code probe} (may be null). */
  public double[][] embed(BertInput in, ForwardProbe probe) {
    if (probe == null) {
      return embed(in);
    }
    probe.begin(in, cfg);
    double[][][] hidden = unflatten(in, forwardFlat(in, probe));
    double[][] pooled = poolAndNormalize(hidden, in.attentionMask(), cfg.pooling(), false);
    for (int b = 0; b < pooled.length; b++) {
      double ss = 0;
      for (double v : pooled[b]) {
        ss += v * v;
      }
      probe.pooled(b, pooled[b], ss);
      if (cfg.normalize()) {
        pooled[b] = l2Normalize(pooled[b]);
      }
    }
    probe.end();
    return pooled;
  }

  /** Classifier logits [B][labels] on the {@link #embed} vectors. */
  public double[][] logits(BertInput in) {
    if (!model.hasClassifier()) {
      throw new IllegalStateException("the model has no classifier head (numLabels = 0)");
    }
    return classify(embed(in), model.tensor(BertNames.CLASSIFIER_WEIGHT).data(),
        model.tensor(BertNames.CLASSIFIER_BIAS).data(), cfg.numLabels());
  }

  /** The whole forward pass on a flat [B*T, H] buffer. */
  double[] forwardFlat(BertInput in) {
    return forwardFlat(in, null);
  }

  private double[] forwardFlat(BertInput in, ForwardProbe probe) {
    check(in);
    int bs = in.batch(), t = in.seqLen(), n = bs * t, h = cfg.hidden(), f = cfg.intermediate();
    double eps = cfg.layerNormEps();
    double[] x = new double[n * h];
    for (int b = 0; b < bs; b++) {
      for (int j = 0; j < t; j++) {
        int o = (b * t + j) * h;
        int wo = in.inputIds()[b][j] * h, to = in.tokenTypeIds()[b][j] * h, po = j * h;
        for (int c = 0; c < h; c++) {
          x[o + c] = word[wo + c] + tokenType[to + c] + position[po + c];
        }
      }
    }
    layerNorm(x, n, h, embGamma, embBeta, eps, probe, -1, ForwardProbe.LayerNormSite.EMBEDDINGS);
    if (probe != null) {
      probe.hidden(-1, x, n, h);
    }
    double[] q = new double[n * h], k = new double[n * h], v = new double[n * h];
    double[] ctx = new double[n * h], a = new double[n * h], ff = new double[n * f];
    for (int li = 0; li < layers.length; li++) {
      Layer l = layers[li];
      linear(x, n, h, l.wq, l.bq, h, q);
      linear(x, n, h, l.wk, l.bk, h, k);
      linear(x, n, h, l.wv, l.bv, h, v);
      if (probe != null) {
        probe.qkv(li, q, k, v, n, h);
      }
      attention(q, k, v, in.attentionMask(), bs, t, ctx, probe, li);
      linear(ctx, n, h, l.wo, l.bo, h, a);
      addInPlace(a, x);
      layerNorm(a, n, h, l.attnGamma, l.attnBeta, eps, probe, li, ForwardProbe.LayerNormSite.ATTENTION);
      linear(a, n, h, l.wIn, l.bIn, f, ff);
      if (probe != null) {
        probe.geluInput(li, ff, n, f);
      }
      geluInPlace(ff, n, f);
      linear(ff, n, f, l.wOut, l.bOut, h, x);
      addInPlace(x, a);
      layerNorm(x, n, h, l.ffnGamma, l.ffnBeta, eps, probe, li, ForwardProbe.LayerNormSite.FFN);
      if (probe != null) {
        probe.hidden(li, x, n, h);
      }
    }
    return x;
  }

  private void check(BertInput in) {
    if (in.seqLen() > cfg.maxPositions()) {
      throw new IllegalArgumentException("sequence length " + in.seqLen() + " exceeds the model's "
          + cfg.maxPositions() + " positions");
    }
    for (int b = 0; b < in.batch(); b++) {
      for (int j = 0; j < in.seqLen(); j++) {
        int id = in.inputIds()[b][j], ty = in.tokenTypeIds()[b][j];
        if (id < 0 || id >= cfg.vocab()) {
          throw new IllegalArgumentException("token id " + id + " at [" + b + "][" + j + "] is outside the vocabulary [0, "
              + cfg.vocab() + ")");
        }
        if (ty < 0 || ty >= cfg.typeVocab()) {
          throw new IllegalArgumentException("token type " + ty + " at [" + b + "][" + j + "] is outside [0, "
              + cfg.typeVocab() + ")");
        }
      }
    }
  }

  private static final int COL_TILE = 96;
  private static final int ROW_CHUNK = 24;

  /**
   * y[n, out] = x[n, in] w + bias, with w given transposed ({@code wt} [out, in]): 3x3 register blocks of
   * fused multiply-adds over contiguous rows, 96-column tiles, tasks of 24 rows x one tile.
   */
  static void linear(double[] x, int n, int in, double[] wt, double[] bias, int out, double[] y) {
    int tiles = (out + COL_TILE - 1) / COL_TILE, chunks = (n + ROW_CHUNK - 1) / ROW_CHUNK;
    IntStream.range(0, tiles * chunks).parallel().forEach(task -> {
      int jt = (task % tiles) * COL_TILE, jEnd = Math.min(out, jt + COL_TILE);
      int r0 = (task / tiles) * ROW_CHUNK, r1 = Math.min(n, r0 + ROW_CHUNK);
      for (int r = r0; r < r1; r += 3) {
        int rn = Math.min(3, r1 - r);
        int a0 = r * in, a1 = rn > 1 ? a0 + in : a0, a2 = rn > 2 ? a0 + 2 * in : a0;
        for (int j = jt; j < jEnd; j += 3) {
          int cn = Math.min(3, jEnd - j);
          int b0 = j * in, b1 = cn > 1 ? b0 + in : b0, b2 = cn > 2 ? b0 + 2 * in : b0;
          double c00 = 0, c01 = 0, c02 = 0, c10 = 0, c11 = 0, c12 = 0, c20 = 0, c21 = 0, c22 = 0;
          for (int k = 0; k < in; k++) {
            double x0 = x[a0 + k], x1 = x[a1 + k], x2 = x[a2 + k];
            double w0 = wt[b0 + k], w1 = wt[b1 + k], w2 = wt[b2 + k];
            c00 = Math.fma(x0, w0, c00);
            c01 = Math.fma(x0, w1, c01);
            c02 = Math.fma(x0, w2, c02);
            c10 = Math.fma(x1, w0, c10);
            c11 = Math.fma(x1, w1, c11);
            c12 = Math.fma(x1, w2, c12);
            c20 = Math.fma(x2, w0, c20);
            c21 = Math.fma(x2, w1, c21);
            c22 = Math.fma(x2, w2, c22);
          }
          int o = r * out + j;
          store(y, o, cn, c00 + bias[j], c01 + bias[Math.min(j + 1, out - 1)], c02 + bias[Math.min(j + 2, out - 1)]);
          if (rn > 1) {
            store(y, o + out, cn, c10 + bias[j], c11 + bias[Math.min(j + 1, out - 1)], c12 + bias[Math.min(j + 2, out - 1)]);
          }
          if (rn > 2) {
            store(y, o + 2 * out, cn, c20 + bias[j], c21 + bias[Math.min(j + 1, out - 1)],
                c22 + bias[Math.min(j + 2, out - 1)]);
          }
        }
      }
    });
  }

  private static void store(double[] y, int o, int cn, double v0, double v1, double v2) {
    y[o] = v0;
    if (cn > 1) {
      y[o + 1] = v1;
    }
    if (cn > 2) {
      y[o + 2] = v2;
    }
  }

  private void attention(double[] q, double[] k, double[] v, int[][] mask, int bs, int t, double[] ctx,
      ForwardProbe probe, int layer) {
    int h = cfg.hidden(), heads = cfg.heads(), d = cfg.headDim();
    double scale = 1.0 / Math.sqrt(d);
    boolean quad = cfg.attention() == AttentionKind.QUAD2;
    IntStream rows = IntStream.range(0, bs * heads);
    (probe == null ? rows.parallel() : rows).forEach(bh -> { // sequential with a probe: callbacks in order
      int b = bh / heads, hd = bh % heads, col = hd * d;
      int[] m = mask[b];
      boolean anyKey = false;
      for (int j = 0; j < t; j++) {
        anyKey |= m[j] != 0;
      }
      double[] p = new double[t];
      for (int i = 0; i < t; i++) {
        int qo = (b * t + i) * h + col;
        for (int j = 0; j < t; j++) {
          if (!anyKey) {
            p[j] = 0.0; // no key at all: every score is the mask value in the reference, so weights are uniform
            continue;
          }
          if (m[j] == 0) {
            p[j] = Double.NEGATIVE_INFINITY;
            continue;
          }
          int ko = (b * t + j) * h + col;
          double s = 0;
          for (int c = 0; c < d; c++) {
            s += q[qo + c] * k[ko + c];
          }
          p[j] = s * scale;
        }
        if (probe != null && anyKey) {
          reportRow(probe, layer, b, hd, i, p, m);
        }
        normalizeRow(p, quad);
        int co = (b * t + i) * h + col;
        java.util.Arrays.fill(ctx, co, co + d, 0.0);
        for (int j = 0; j < t; j++) {
          double pj = p[j];
          if (pj == 0.0) {
            continue;
          }
          int vo = (b * t + j) * h + col;
          for (int c = 0; c < d; c++) {
            ctx[co + c] += pj * v[vo + c];
          }
        }
      }
    });
  }

  private static void reportRow(ForwardProbe probe, int layer, int b, int head, int i, double[] p, int[] m) {
    double max = Double.NEGATIVE_INFINITY;
    for (double s : p) {
      max = Math.max(max, s);
    }
    double den = 0, quad = 0;
    for (int j = 0; j < p.length; j++) {
      if (m[j] != 0) {
        den += Math.exp(p[j] - max);
        quad += (p[j] + QUAD_SHIFT) * (p[j] + QUAD_SHIFT);
      }
    }
    probe.attentionRow(layer, b, head, i, p, m, max, den, quad);
  }

  /** Masked entries are -inf on entry and 0 on exit. */
  static void normalizeRow(double[] p, boolean quad) {
    double sum = 0;
    if (quad) {
      for (int j = 0; j < p.length; j++) {
        double s = p[j] == Double.NEGATIVE_INFINITY ? 0.0 : (p[j] + QUAD_SHIFT) * (p[j] + QUAD_SHIFT);
        p[j] = s;
        sum += s;
      }
    } else {
      double max = Double.NEGATIVE_INFINITY;
      for (double s : p) {
        max = Math.max(max, s);
      }
      for (int j = 0; j < p.length; j++) {
        double e = p[j] == Double.NEGATIVE_INFINITY ? 0.0 : Math.exp(p[j] - max);
        p[j] = e;
        sum += e;
      }
    }
    double inv = 1.0 / sum;
    for (int j = 0; j < p.length; j++) {
      p[j] *= inv;
    }
  }

  static void layerNorm(double[] x, int n, int h, double[] gamma, double[] beta, double eps) {
    layerNorm(x, n, h, gamma, beta, eps, null, null);
  }

  private static void layerNorm(double[] x, int n, int h, double[] gamma, double[] beta, double eps, ForwardProbe probe,
      int layer, ForwardProbe.LayerNormSite site) {
    if (probe == null) {
      layerNorm(x, n, h, gamma, beta, eps, null, null);
      return;
    }
    double[] input = x.clone(), means = new double[n], vars = new double[n];
    layerNorm(x, n, h, gamma, beta, eps, means, vars);
    probe.layerNorm(layer, site, input, n, h, means, vars, eps);
  }

  /** In place; the row means and variances (before eps) go to {@code means}, {@code vars} unless null. */
  private static void layerNorm(double[] x, int n, int h, double[] gamma, double[] beta, double eps, double[] means,
      double[] vars) {
    IntStream.range(0, n).parallel().forEach(r -> {
      int o = r * h;
      double mean = 0;
      for (int c = 0; c < h; c++) {
        mean += x[o + c];
      }
      mean /= h;
      double var = 0;
      for (int c = 0; c < h; c++) {
        double dv = x[o + c] - mean;
        var += dv * dv;
      }
      var /= h;
      if (means != null) {
        means[r] = mean;
        vars[r] = var;
      }
      double inv = 1.0 / Math.sqrt(var + eps);
      for (int c = 0; c < h; c++) {
        x[o + c] = (x[o + c] - mean) * inv * gamma[c] + beta[c];
      }
    });
  }

  private static void geluInPlace(double[] x, int n, int f) {
    IntStream.range(0, n).parallel().forEach(r -> {
      for (int c = r * f, e = c + f; c < e; c++) {
        x[c] = Erf.gelu(x[c]);
      }
    });
  }

  private static void addInPlace(double[] y, double[] x) {
    for (int i = 0; i < y.length; i++) {
      y[i] += x[i];
    }
  }

  /** Mask-weighted mean over tokens [B][H] (sentence-transformers: the token count is clamped at 1e-9). */
  public static double[][] meanPool(double[][][] hidden, int[][] mask) {
    double[][] out = new double[hidden.length][];
    for (int b = 0; b < hidden.length; b++) {
      int h = hidden[b][0].length;
      double[] s = new double[h];
      double count = 0;
      for (int t = 0; t < hidden[b].length; t++) {
        if (mask[b][t] != 0) {
          count += mask[b][t];
          for (int c = 0; c < h; c++) {
            s[c] += mask[b][t] * hidden[b][t][c];
          }
        }
      }
      double inv = 1.0 / Math.max(count, 1e-9);
      for (int c = 0; c < h; c++) {
        s[c] *= inv;
      }
      out[b] = s;
    }
    return out;
  }

  /** v / max(|v|, 1e-12), as torch.nn.functional.normalize. */
  public static double[] l2Normalize(double[] v) {
    double ss = 0;
    for (double x : v) {
      ss += x * x;
    }
    double inv = 1.0 / Math.max(Math.sqrt(ss), 1e-12);
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] * inv;
    }
    return out;
  }

  public static double[][] poolAndNormalize(double[][][] hidden, int[][] mask, Pooling pooling, boolean normalize) {
    double[][] pooled;
    if (pooling == Pooling.MEAN) {
      pooled = meanPool(hidden, mask);
    } else {
      pooled = new double[hidden.length][];
      for (int b = 0; b < hidden.length; b++) {
        pooled[b] = hidden[b][0].clone();
      }
    }
    if (normalize) {
      for (int b = 0; b < pooled.length; b++) {
        pooled[b] = l2Normalize(pooled[b]);
      }
    }
    return pooled;
  }

  /** logits[b] = x[b] W + bias, W [H, labels]. */
  public static double[][] classify(double[][] x, double[] w, double[] bias, int labels) {
    double[][] out = new double[x.length][];
    for (int b = 0; b < x.length; b++) {
      double[] l = bias.clone();
      for (int c = 0; c < x[b].length; c++) {
        double s = x[b][c];
        for (int j = 0; j < labels; j++) {
          l[j] += s * w[c * labels + j];
        }
      }
      out[b] = l;
    }
    return out;
  }

  public static double cosine(double[] a, double[] b) {
    double ab = 0, aa = 0, bb = 0;
    for (int i = 0; i < a.length; i++) {
      ab += a[i] * b[i];
      aa += a[i] * a[i];
      bb += b[i] * b[i];
    }
    return ab / Math.sqrt(aa * bb);
  }
}
