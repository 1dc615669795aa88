package org.secformer.engine.bert;

import java.util.ArrayList;
import java.util.List;

/**
 * Test helper: runs {@link PlainBert} with a {@link RangeProbe} (padding rows counted) and a real-tokens-only
 * one over texts tokenized by DJL's HuggingFaceTokenizer from the MiniLM jar's tokenizer.json (truncation at
 * 128), in padded batches of consecutive texts; optionally compares every batch's last hidden state with
 * ONNX Runtime.
 */
final class RangeRun {
  static final int MIN_TOKENS = 4;
  static final int MAX_TOKENS = 128;

  /** What a run saw. */
  record Result(RangeProbe all, RangeProbe real, int texts, int skipped, int batches, int minLen, int maxLen,
      long paddedRows, double maxOrtDiff, double maxOrtDiffReal, long geluOutside, long geluCount, double seconds) {}

  private RangeRun() {}

  static Result run(MiniLm mini, List<String> texts, int batchSize, boolean ort) {
    List<int[]> seqs = new ArrayList<>();
    int skipped = 0, minLen = Integer.MAX_VALUE, maxLen = 0;
    for (String t : texts) {
      int[] ids = mini.tokenize(t);
      if (ids.length < MIN_TOKENS || ids.length > MAX_TOKENS) {
        skipped++;
        continue;
      }
      seqs.add(ids);
      minLen = Math.min(minLen, ids.length);
      maxLen = Math.max(maxLen, ids.length);
    }
    PlainBert bert = new PlainBert(mini.model);
    RangeProbe all = new RangeProbe(), real = RangeProbe.realTokensOnly();
    LastHidden last = new LastHidden(mini.model.config().layers() - 1);
    GeluBorder border = new GeluBorder();
    ForwardProbe tee = new Tee(all, real, last, border);
    int batches = 0;
    long padded = 0;
    double diff = 0, diffReal = 0;
    long t0 = System.nanoTime();
    for (int from = 0; from < seqs.size(); from += batchSize) {
      BertInput in = BertInput.padded(seqs.subList(from, Math.min(seqs.size(), from + batchSize)), 0);
      bert.embed(in, tee);
      batches++;
      padded += (long) in.batch() * in.seqLen();
      if (ort) {
        float[][][] ref = mini.ort(in);
        int h = ref[0][0].length;
        for (int b = 0; b < in.batch(); b++) {
          for (int j = 0; j < in.seqLen(); j++) {
            for (int c = 0; c < h; c++) {
              double d = Math.abs(last.x[(b * in.seqLen() + j) * h + c] - ref[b][j][c]);
              diff = Math.max(diff, d);
              if (in.attentionMask()[b][j] != 0) {
                diffReal = Math.max(diffReal, d);
              }
            }
          }
        }
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    return new Result(all, real, seqs.size(), skipped, batches, minLen, maxLen, padded, ort ? diff : Double.NaN,
        ort ? diffReal : Double.NaN, border.outside, border.count, seconds);
  }

  /** Counts GeLU inputs outside SecFormer's middle segment, |x| >= 2.5 sqrt 2 (padding rows included). */
  private static final class GeluBorder implements ForwardProbe {
    long outside;
    long count;

    @Override
    public void geluInput(int layer, double[] x, int rows, int f) {
      count += (long) rows * f;
      for (int i = 0, n = rows * f; i < n; i++) {
        if (Math.abs(x[i]) >= ModelRanges.GELU_BORDER) {
          outside++;
        }
      }
    }
  }

  /** Keeps a copy of the last layer's hidden state. */
  private static final class LastHidden implements ForwardProbe {
    private final int layer;
    double[] x;

    LastHidden(int layer) {
      this.layer = layer;
    }

    @Override
    public void hidden(int l, double[] h, int rows, int cols) {
      if (l == layer) {
        x = h.clone();
      }
    }
  }

  /** Forwards every callback to several probes. */
  static final class Tee implements ForwardProbe {
    private final ForwardProbe[] probes;

    Tee(ForwardProbe... probes) {
      this.probes = probes.clone();
    }

    @Override
    public void begin(BertInput in, BertConfig cfg) {
      for (ForwardProbe p : probes) {
        p.begin(in, cfg);
      }
    }

    @Override
    public void layerNorm(int layer, LayerNormSite site, double[] x, int rows, int h, double[] mean, double[] var,
        double eps) {
      for (ForwardProbe p : probes) {
        p.layerNorm(layer, site, x, rows, h, mean, var, eps);
      }
    }

    @Override
    public void qkv(int layer, double[] q, double[] k, double[] v, int rows, int h) {
      for (ForwardProbe p : probes) {
        p.qkv(layer, q, k, v, rows, h);
      }
    }

    @Override
    public void attentionRow(int layer, int batch, int head, int query, double[] scores, int[] keyMask, double max,
        double softmaxDenominator, double quadRowSum) {
      for (ForwardProbe p : probes) {
        p.attentionRow(layer, batch, head, query, scores, keyMask, max, softmaxDenominator, quadRowSum);
      }
    }

    @Override
    public void geluInput(int layer, double[] x, int rows, int f) {
      for (ForwardProbe p : probes) {
        p.geluInput(layer, x, rows, f);
      }
    }

    @Override
    public void hidden(int layer, double[] x, int rows, int h) {
      for (ForwardProbe p : probes) {
        p.hidden(layer, x, rows, h);
      }
    }

    @Override
    public void pooled(int batch, double[] pooled, double normSq) {
      for (ForwardProbe p : probes) {
        p.pooled(batch, pooled, normSq);
      }
    }

    @Override
    public void end() {
      for (ForwardProbe p : probes) {
        p.end();
      }
    }
  }
}
