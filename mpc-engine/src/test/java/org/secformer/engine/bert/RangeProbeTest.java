package org.secformer.engine.bert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.secformer.engine.bert.BertConfig.AttentionKind;
import org.secformer.engine.bert.RangeProbe.Histogram;
import org.secformer.engine.bert.RangeProbe.Kind;

/** ForwardProbe hooks of PlainBert and RangeProbe's statistics, on the tiny random model. */
class RangeProbeTest {
  private static final BertConfig TINY = SafetensorsTest.tinyConfig();

  private static BertInput batch() {
    return BertInput.padded(List.of(new int[] {1, 5, 7, 2}, new int[] {1, 9, 2}, new int[] {1, 3, 4, 11, 6, 2}), 0);
  }

  @Test
  void aProbeDoesNotChangeTheResults() {
    for (AttentionKind kind : AttentionKind.values()) {
      PlainBert bert = new PlainBert(SafetensorsTest.randomModel(TINY.withAttention(kind), 3, false));
      BertInput in = batch();
      double[][][] plain = bert.lastHiddenState(in), probed = bert.lastHiddenState(in, new RangeProbe());
      for (int b = 0; b < in.batch(); b++) {
        for (int t = 0; t < in.seqLen(); t++) {
          assertArrayEquals(plain[b][t], probed[b][t], 0.0);
        }
      }
      double[][] e = bert.embed(in), ep = bert.embed(in, new RangeProbe());
      for (int b = 0; b < in.batch(); b++) {
        assertArrayEquals(e[b], ep[b], 0.0);
      }
      assertArrayEquals(bert.embed(in, null)[1], e[1], 0.0);
    }
  }

  @Test
  void callbacksCarryConsistentValuesInForwardOrder() {
    BertModel model = SafetensorsTest.randomModel(TINY, 5, false);
    BertInput in = batch();
    int rows = in.batch() * in.seqLen(), h = TINY.hidden(), f = TINY.intermediate();
    List<String> order = new ArrayList<>();
    List<double[]> pooled = new ArrayList<>();
    int[] attnRows = new int[TINY.layers()];
    ForwardProbe probe = new ForwardProbe() {
      @Override
      public void begin(BertInput i, BertConfig c) {
        order.add("begin");
        assertEquals(TINY, c);
      }

      @Override
      public void layerNorm(int layer, LayerNormSite site, double[] x, int n, int hh, double[] mean, double[] var,
          double eps) {
        order.add("ln" + layer + site);
        assertEquals(rows, n);
        assertEquals(1e-12, eps);
        for (int r = 0; r < n; r++) {
          double m = 0, v = 0;
          for (int c = 0; c < hh; c++) {
            m += x[r * hh + c];
          }
          m /= hh;
          for (int c = 0; c < hh; c++) {
            v += (x[r * hh + c] - m) * (x[r * hh + c] - m);
          }
          assertEquals(m, mean[r], 1e-12);
          assertEquals(v / hh, var[r], 1e-12);
        }
      }

      @Override
      public void qkv(int layer, double[] q, double[] k, double[] v, int n, int hh) {
        order.add("qkv" + layer);
        assertEquals(rows * h, q.length);
      }

      @Override
      public void attentionRow(int layer, int b, int head, int query, double[] s, int[] mask, double max, double den,
          double quad) {
        attnRows[layer]++;
        double m = Double.NEGATIVE_INFINITY, d = 0, qs = 0;
        for (int j = 0; j < s.length; j++) {
          if (mask[j] == 0) {
            assertEquals(Double.NEGATIVE_INFINITY, s[j]);
          } else {
            m = Math.max(m, s[j]);
          }
        }
        for (int j = 0; j < s.length; j++) {
          if (mask[j] != 0) {
            d += Math.exp(s[j] - m);
            qs += (s[j] + 5) * (s[j] + 5);
          }
        }
        assertEquals(m, max);
        assertEquals(d, den, 1e-12);
        assertEquals(qs, quad, 1e-9);
        assertTrue(den >= 1 && den <= in.length(b));
      }

      @Override
      public void geluInput(int layer, double[] x, int n, int ff) {
        order.add("gelu" + layer);
        assertEquals(f, ff);
      }

      @Override
      public void hidden(int layer, double[] x, int n, int hh) {
        order.add("hidden" + layer);
      }

      @Override
      public void pooled(int b, double[] p, double normSq) {
        double ss = 0;
        for (double v : p) {
          ss += v * v;
        }
        assertEquals(ss, normSq, 1e-12);
        pooled.add(p.clone());
      }

      @Override
      public void end() {
        order.add("end");
      }
    };
    double[][] emb = new PlainBert(model).embed(in, probe);
    assertEquals(List.of("begin", "ln-1EMBEDDINGS", "hidden-1", "qkv0", "ln0ATTENTION", "gelu0", "ln0FFN", "hidden0",
        "qkv1", "ln1ATTENTION", "gelu1", "ln1FFN", "hidden1", "end"), order);
    for (int l = 0; l < TINY.layers(); l++) {
      assertEquals(in.batch() * TINY.heads() * in.seqLen(), attnRows[l]);
    }
    assertEquals(in.batch(), pooled.size());
    for (int b = 0; b < in.batch(); b++) {
      assertArrayEquals(PlainBert.l2Normalize(pooled.get(b)), emb[b], 0.0);
    }
  }

  @Test
  void rangeProbeCountsPaddingRowsUnlessAskedNotTo() {
    PlainBert bert = new PlainBert(SafetensorsTest.randomModel(TINY, 7, false));
    BertInput in = batch();
    RangeProbe all = new RangeProbe(), real = RangeProbe.realTokensOnly();
    bert.embed(in, all);
    bert.embed(in, real);
    int rows = in.batch() * in.seqLen(), tokens = 4 + 3 + 6, f = TINY.intermediate(), h = TINY.hidden();
    assertEquals(rows, all.rows());
    assertEquals(tokens, all.realTokens());
    assertEquals(6, all.longest());
    assertEquals(3, all.sequences());
    assertEquals((long) TINY.layers() * rows * f, all.overall(Kind.GELU_IN).count());
    assertEquals((long) TINY.layers() * tokens * f, real.overall(Kind.GELU_IN).count());
    assertEquals((long) TINY.layers() * rows * TINY.heads(), all.overall(Kind.SOFTMAX_DEN).count());
    assertEquals((long) TINY.layers() * tokens * TINY.heads(), real.overall(Kind.SOFTMAX_DEN).count());
    // scores: every query row sees its sequence's real keys only
    assertEquals((long) TINY.layers() * TINY.heads() * in.seqLen() * tokens, all.overall(Kind.SCORE).count());
    assertEquals((long) TINY.layers() * TINY.heads() * (16 + 9 + 36), real.overall(Kind.SCORE).count());
    assertEquals(List.of("emb", "L0.attn", "L0.ffn", "L1.attn", "L1.ffn"), all.sites(Kind.LN_VAR));
    assertEquals(List.of("emb", "L0", "L1"), all.sites(Kind.HIDDEN));
    assertEquals(List.of("pooled"), all.sites(Kind.POOLED_NORMSQ));
    assertEquals((long) rows * h, all.summary(Kind.HIDDEN, "L1").count());
    assertTrue(all.overall(Kind.EXP_IN).max() == 0 && all.overall(Kind.SOFTMAX_DEN).min() >= 1);
    var v = all.overall(Kind.LN_VAR);
    var a = all.overall(Kind.LN_RSQRT_ARG);
    assertEquals(v.min() + 1e-12, a.min(), 1e-15);
    SafetensorsTest.assertContains(assertThrows(IllegalArgumentException.class,
        () -> all.summary(Kind.GELU_IN, "L9")).getMessage(), "no gelu.in values observed at site L9");
  }

  @Test
  void histogramPercentilesAreWithinOneBucket() {
    Histogram hg = new Histogram(), neg = new Histogram();
    for (int i = 1; i <= 100_000; i++) {
      hg.add(i);
      neg.add(-i * 1e-3);
    }
    assertEquals(100, hg.quantile(0.001), 100 / 256.0);
    assertEquals(50_000, hg.quantile(0.5), 50_000 / 256.0);
    assertEquals(99_900, hg.quantile(0.999), 99_900 / 256.0);
    assertEquals(1, hg.quantile(0), 0.0); // clamped to the exact min
    assertEquals(100_000, hg.quantile(1), 0.0);
    assertEquals(-99.901, neg.quantile(0.001), 99.9 / 256); // rank 100 of -100, ..., -0.001
    assertEquals(-0.101, neg.quantile(0.999), 0.101 / 256);
    RangeProbe.Summary s = neg.summary(Kind.HIDDEN, "x");
    assertEquals(-100, s.min());
    assertEquals(-1e-3, s.max());
    assertEquals(100, s.maxAbs());
    Histogram both = new Histogram();
    both.merge(hg);
    both.merge(neg);
    both.add(0);
    both.add(1e-300);
    assertEquals(200_002, both.count());
    assertEquals(0, both.quantile(100_001 / 200_002.0), 0.0);
    assertThrows(IllegalStateException.class, () -> both.add(Double.NaN));
    assertThrows(IllegalStateException.class, () -> both.add(Double.POSITIVE_INFINITY));
    Histogram huge = new Histogram();
    huge.add(1e30);
    assertEquals(1e30, huge.quantile(0.5), 0.0);
  }
}
