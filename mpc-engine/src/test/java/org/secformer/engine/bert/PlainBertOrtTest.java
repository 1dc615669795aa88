package org.secformer.engine.bert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PlainBert against ONNX Runtime 1.29.0 on the real all-MiniLM-L6-v2 and real tokenized sentences. */
class PlainBertOrtTest {
  private static final double HIDDEN_TOL = 1e-4;

  @Test
  void readerInfersTheMiniLmConfig() {
    BertModel m = MiniLm.get().model;
    BertConfig c = m.config();
    assertEquals(1e-12, c.layerNormEps(), 1e-20); // the graph's fp32 constant, 9.99999996e-13
    assertEquals(BertConfig.miniLmL6(), new BertConfig(c.layers(), c.hidden(), c.heads(), c.intermediate(), c.vocab(),
        c.maxPositions(), c.typeVocab(), 1e-12, c.activation(), c.attention(), c.pooling(), c.normalize(),
        c.numLabels()));
    assertEquals(22_565_376L, m.parameterCount()); // 22,565,888 initializer values less position_ids [1, 512]
  }

  @Test
  void lastHiddenStateMatchesOnnxRuntimeOnAPaddedBatch() {
    MiniLm mini = MiniLm.get();
    BertInput in = mini.batch(MiniLm.SENTENCES);
    int minLen = Integer.MAX_VALUE;
    for (int b = 0; b < in.batch(); b++) {
      minLen = Math.min(minLen, in.length(b));
    }
    assertTrue(minLen < in.seqLen(), "batch must contain padding");
    float[][][] ort = mini.ort(in);
    double[][][] ours = new PlainBert(mini.model).lastHiddenState(in);
    double maxAll = 0, maxReal = 0;
    for (int b = 0; b < in.batch(); b++) {
      for (int t = 0; t < in.seqLen(); t++) {
        for (int c = 0; c < ours[b][t].length; c++) {
          double d = Math.abs(ours[b][t][c] - ort[b][t][c]);
          maxAll = Math.max(maxAll, d);
          if (in.attentionMask()[b][t] == 1) {
            maxReal = Math.max(maxReal, d);
          }
        }
      }
    }
    System.out.printf("MiniLM batch %d x %d (lengths %d..%d): max |PlainBert - ORT| = %.3g (real tokens %.3g)%n",
        in.batch(), in.seqLen(), minLen, in.seqLen(), maxAll, maxReal);
    assertTrue(maxAll <= HIDDEN_TOL, "max abs diff " + maxAll);
  }

  @Test
  void paddingDoesNotChangeRealTokens() {
    MiniLm mini = MiniLm.get();
    PlainBert bert = new PlainBert(mini.model);
    List<String> some = MiniLm.SENTENCES.subList(0, 6);
    double[][][] batched = bert.lastHiddenState(mini.batch(some));
    double max = 0;
    for (int b = 0; b < some.size(); b++) {
      int[] ids = mini.tokenize(some.get(b));
      double[][][] alone = bert.lastHiddenState(BertInput.single(ids));
      float[][][] ortAlone = mini.ort(BertInput.single(ids));
      for (int t = 0; t < ids.length; t++) {
        for (int c = 0; c < alone[0][t].length; c++) {
          max = Math.max(max, Math.abs(alone[0][t][c] - batched[b][t][c]));
          assertEquals(ortAlone[0][t][c], alone[0][t][c], HIDDEN_TOL);
        }
      }
    }
    assertTrue(max < 1e-9, "padding changed real tokens by " + max);
  }

  @Test
  void sentenceEmbeddingsMatchOnnxRuntimeWithMeanPoolingAndNormalisation() {
    MiniLm mini = MiniLm.get();
    BertInput in = mini.batch(MiniLm.SENTENCES);
    double[][] ours = new PlainBert(mini.model).embed(in);
    double[][] ref = PlainBert.poolAndNormalize(MiniLm.widen(mini.ort(in)), in.attentionMask(),
        BertConfig.Pooling.MEAN, true);
    double minCos = 1;
    for (int b = 0; b < in.batch(); b++) {
      assertEquals(384, ours[b].length);
      assertEquals(1.0, norm(ours[b]), 1e-12);
      minCos = Math.min(minCos, PlainBert.cosine(ours[b], ref[b]));
    }
    System.out.printf("MiniLM embeddings: 1 - min cosine(PlainBert, ORT) = %.2e over %d sentences%n", 1 - minCos, in.batch());
    assertTrue(minCos >= 0.99999, "min cosine " + minCos);
    // semantic sanity: the two product complaints are closer to each other than to the Apollo sentence
    double[] broke = ours[22], noisy = ours[17], apollo = ours[21];
    assertTrue(PlainBert.cosine(broke, noisy) > PlainBert.cosine(broke, apollo));
  }

  @Test
  void embeddingsMatchLangchain4jsOwnMiniLmPipeline() {
    MiniLm mini = MiniLm.get();
    var lc = new dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel();
    PlainBert bert = new PlainBert(mini.model);
    double minCos = 1;
    for (String s : MiniLm.SENTENCES.subList(0, 8)) {
      float[] theirs = lc.embed(s).content().vector();
      double[] ours = bert.embed(BertInput.single(mini.tokenize(s)))[0];
      double[] t = new double[theirs.length];
      for (int i = 0; i < t.length; i++) {
        t[i] = theirs[i];
      }
      minCos = Math.min(minCos, PlainBert.cosine(ours, t));
    }
    System.out.printf("MiniLM embeddings: 1 - min cosine(PlainBert, langchain4j AllMiniLmL6V2EmbeddingModel) = %.2e%n", 1 - minCos);
    assertTrue(minCos >= 0.99999, "min cosine " + minCos);
  }

  @Test
  void classifierLogitsArePooledTimesWeightsPlusBias() {
    MiniLm mini = MiniLm.get();
    int h = mini.model.config().hidden();
    double[] w = new double[h * 2];
    for (int i = 0; i < w.length; i++) {
      w[i] = Math.sin(i * 0.37);
    }
    BertModel withHead = mini.model.withClassifier(Tensor.of(w, h, 2), Tensor.of(new double[] {0.5, -0.25}, 2));
    assertEquals(2, withHead.config().numLabels());
    PlainBert bert = new PlainBert(withHead);
    BertInput in = mini.batch(MiniLm.SENTENCES.subList(0, 3));
    double[][] logits = bert.logits(in);
    double[][] emb = bert.embed(in);
    for (int b = 0; b < 3; b++) {
      double l0 = 0.5, l1 = -0.25;
      for (int c = 0; c < h; c++) {
        l0 += emb[b][c] * w[2 * c];
        l1 += emb[b][c] * w[2 * c + 1];
      }
      assertArrayEquals(new double[] {l0, l1}, logits[b], 1e-12);
    }
  }

  @Test
  void fiftySentencesTakeAFewSeconds() {
    MiniLm mini = MiniLm.get();
    PlainBert bert = new PlainBert(mini.model);
    List<String> fifty = new ArrayList<>();
    for (int i = 0; fifty.size() < 50; i++) {
      fifty.add(MiniLm.SENTENCES.get(i % MiniLm.SENTENCES.size()) + (i >= MiniLm.SENTENCES.size() ? " Again." : ""));
    }
    List<BertInput> singles = new ArrayList<>();
    int tokens = 0;
    for (String s : fifty) {
      int[] ids = mini.tokenize(s);
      tokens += ids.length;
      singles.add(BertInput.single(ids));
    }
    bert.lastHiddenState(singles.get(0)); // warm-up
    double c0 = cpuSeconds();
    long t0 = System.nanoTime();
    for (BertInput s : singles) {
      bert.lastHiddenState(s);
    }
    double oneByOne = (System.nanoTime() - t0) / 1e9;
    double c1 = cpuSeconds();
    BertInput batch = mini.batch(fifty);
    long t1 = System.nanoTime();
    bert.lastHiddenState(batch);
    double batched = (System.nanoTime() - t1) / 1e9;
    double c2 = cpuSeconds();
    long t2 = System.nanoTime();
    mini.ort(batch);
    double ortBatched = (System.nanoTime() - t2) / 1e9;
    System.out.printf("PlainBert, 50 sentences (%d tokens, %.1f avg): one by one %.2f s (%.1f ms/sentence);"
        + " one padded batch [50 x %d] %.2f s (%.1f ms/sentence); process CPU %.2f s and %.2f s; ORT same batch %.2f s%n",
        tokens, tokens / 50.0, oneByOne, oneByOne * 20, batch.seqLen(), batched, batched * 20, c1 - c0, c2 - c1,
        ortBatched);
    assertTrue(oneByOne < 20 && batched < 20, "too slow");
  }

  private static double cpuSeconds() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
  }

  private static double norm(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x * x;
    }
    return Math.sqrt(s);
  }
}
