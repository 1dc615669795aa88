package org.secformer.engine.bert;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.secformer.engine.job.InProcessParties;
import org.secformer.engine.model.ModelSharer;
import org.secformer.engine.bert.secure.SecureBert;
import org.secformer.engine.bert.secure.SecureBertInput;
import org.secformer.engine.bert.secure.SecureBertParams;
import org.secformer.shares.Share;
import org.secformer.shares.Sharing;
import org.secformer.shares.fxp.FixedPoint;
import org.secformer.shares.ring.RingTensor;

/**
 * The secure forward pass of the real all-MiniLM-L6-v2 (fp32 weights from the langchain4j jar, declared
 * ranges from minilm-l6-ranges.properties) against ONNX Runtime on the same ONNX file: cosine of the
 * sentence embeddings. The default suite runs one batch of real sentences; the slow run covers 50+.
 */
class SecureMiniLmTest {
  private static final FixedPoint FXP = FixedPoint.defaults();

  @Test
  void secureEmbeddingsOfABatchMatchOnnxRuntime() {
    check(MiniLm.SENTENCES.subList(0, 4), 4);
  }

  @Test
  @Tag("slow")
  void secureEmbeddingsOfFiftySentencesMatchOnnxRuntime() {
    List<String> texts = new ArrayList<>(MiniLm.SENTENCES);
    // real email subjects and snippets of up to 48 tokens (the test JVM holds both parties and the dealer)
    for (SpamTexts.Text t : SpamTexts.all()) {
      if (texts.size() >= 56) {
        break;
      }
      if (MiniLm.get().tokenize(t.text()).length <= 48) {
        texts.add(t.text());
      }
    }
    texts.sort(java.util.Comparator.comparingInt(t -> MiniLm.get().tokenize(t).length));
    check(texts, 4);
  }

  private static void check(List<String> texts, int batchSize) {
    MiniLm mini = MiniLm.get();
    Map<String, RingTensor[]> shares = ModelSharer.splitInMemory(mini.model.encode(FXP));
    BertConfig cfg = mini.model.config();
    SecureBertParams params = SecureBertParams.of(cfg, ModelRanges.miniLmL6());
    double minCos = 1;
    long t0 = System.nanoTime();
    for (int from = 0; from < texts.size(); from += batchSize) {
      BertInput in = mini.batch(texts.subList(from, Math.min(texts.size(), from + batchSize)));
      double[][] ref = PlainBert.poolAndNormalize(MiniLm.widen(mini.ort(in)), in.attentionMask(),
          BertConfig.Pooling.MEAN, true);
      Share[] input = Sharing.split(SecureBertInput.encode(in, cfg.vocab()));
      InProcessParties.Run<RingTensor> run = InProcessParties.run(ctx -> new SecureBert(cfg, "minilm",
          n -> shares.get(n)[ctx.party()].copy(), params).apply(ctx, input[ctx.party()].tensor()));
      double[] got = FXP.decode(Sharing.reconstruct(new Share(0, run.result(0)), new Share(1, run.result(1))));
      int h = cfg.hidden();
      for (int b = 0; b < in.batch(); b++) {
        double[] e = java.util.Arrays.copyOfRange(got, b * h, (b + 1) * h);
        double cos = PlainBert.cosine(e, ref[b]);
        minCos = Math.min(minCos, cos);
        assertTrue(cos >= 0.999, "sentence " + (from + b) + " '" + texts.get(from + b) + "': cosine " + cos);
      }
      System.out.printf("batch of %d at T = %d: rounds %d, P0 sent %.1f MB, dealer to P0 %.1f MB%n", in.batch(),
          in.seqLen(), run.context(0).stats().rounds(), run.context(0).stats().bytesSent() / 1e6,
          run.context(0).stats().dealerBytesReceived() / 1e6);
    }
    System.out.printf("secure MiniLM: min cosine vs ONNX Runtime %.6f over %d sentences in %.1f s%n", minCos,
        texts.size(), (System.nanoTime() - t0) / 1e9);
  }
}
