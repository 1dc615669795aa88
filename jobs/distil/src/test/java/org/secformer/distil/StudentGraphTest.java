package org.secformer.distil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.secformer.engine.bert.BertConfig.AttentionKind;
import org.secformer.engine.bert.BertInput;
import org.secformer.engine.bert.BertModel;
import org.secformer.engine.bert.BertNames;
import org.secformer.engine.bert.PlainBert;
import org.secformer.engine.text.WordPieceTokenizer;
import org.secformer.jobs.model.SpamClassifierModel;
import org.secformer.jobs.train.SpamDataset;

/**
 * The DJL graph the student is trained in computes what the project's fp64 reference {@link PlainBert} computes,
 * on the real spam classifier's weights and real held-out emails padded into one batch (so masking matters), for
 * both attention kinds: in float64 to 1e-12 (same formula; about 5e-15 is seen), in float32 (the training
 * dtype) to 1e-4 on logits (about 2e-6 is seen).
 */
class StudentGraphTest {
  static BertModel teacher;
  static BertInput batch;
  static NDManager manager;

  @BeforeAll
  static void load() {
    teacher = SpamClassifierModel.load();
    WordPieceTokenizer tok = SpamClassifierModel.tokenizer();
    int maxLength = SpamClassifierModel.input().maxLength();
    List<int[]> ids = new ArrayList<>();
    // spread over the held-out split (ids sort by group: ham groups first, spam last)
    for (SpamDataset.Email e : SpamDataset.load().heldOutSample(4)) {
      ids.add(tok.encode(SpamClassifierModel.text(e), maxLength).intIds());
    }
    ids.add(tok.encode("Re: lunch tomorrow?", maxLength).intIds()); // short: mostly padding
    batch = BertInput.padded(ids, 0);
    manager = NDManager.newBaseManager("PyTorch");
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  @Test
  void softmaxWithTeacherWeightsEqualsPlainBert() {
    check(teacher, AttentionKind.SOFTMAX);
  }

  @Test
  void quad2EqualsPlainBertQuad2() {
    check(teacher.withConfig(teacher.config().withAttention(AttentionKind.QUAD2)), AttentionKind.QUAD2);
  }

  private static void check(BertModel model, AttentionKind kind) {
    assertEquals(kind, model.config().attention());
    PlainBert plain = new PlainBert(model);
    double[][][] wantHidden = plain.lastHiddenState(batch);
    // PlainBert.logits on the same hidden state (one fp64 pass instead of two)
    double[][] want = PlainBert.classify(PlainBert.poolAndNormalize(wantHidden, batch.attentionMask(), model.config().pooling(),
        model.config().normalize()), model.tensor(BertNames.CLASSIFIER_WEIGHT).data(),
        model.tensor(BertNames.CLASSIFIER_BIAS).data(), model.config().numLabels());
    assertTrue(batch.length(batch.batch() - 1) < batch.seqLen(), "the batch has padding");

    double[] errF64 = run(model, DataType.FLOAT64, kind, want, wantHidden);
    double[] errF32 = run(model, DataType.FLOAT32, kind, want, wantHidden);
    System.out.printf("%s: float64 max |logit diff| %.3g, |hidden diff| %.3g; float32 %.3g, %.3g (logits up to %.2f)%n",
        kind, errF64[0], errF64[1], errF32[0], errF32[1], maxAbs(want));
    assertTrue(errF64[0] < 1e-12, "float64 logits differ by " + errF64[0]);
    assertTrue(errF64[1] < 1e-12, "float64 hidden states differ by " + errF64[1]);
    assertTrue(errF32[0] < 1e-4, "float32 logits differ by " + errF32[0]);
  }

  /** Max |logit difference| and max |last hidden difference| over real tokens. */
  private static double[] run(BertModel model, DataType dtype, AttentionKind kind, double[][] want, double[][][] wantHidden) {
    try (StudentGraph g = StudentGraph.of(model, manager, dtype); NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      StudentGraph.Forward f = g.forward(g.inputs(batch, manager), kind);
      double[] got = f.logits().toType(DataType.FLOAT64, false).toDoubleArray();
      double[] hidden = f.hidden().get(f.hidden().size() - 1).toType(DataType.FLOAT64, false).toDoubleArray();
      int labels = want[0].length, t = batch.seqLen(), h = model.config().hidden();
      double dl = 0, dh = 0;
      for (int b = 0; b < want.length; b++) {
        for (int k = 0; k < labels; k++) {
          dl = Math.max(dl, Math.abs(got[b * labels + k] - want[b][k]));
        }
        for (int j = 0; j < batch.length(b); j++) {
          for (int c = 0; c < h; c++) {
            dh = Math.max(dh, Math.abs(hidden[(b * t + j) * h + c] - wantHidden[b][j][c]));
          }
        }
      }
      return new double[] {dl, dh};
    }
  }

  private static double maxAbs(double[][] v) {
    double m = 0;
    for (double[] r : v) {
      for (double x : r) {
        m = Math.max(m, Math.abs(x));
      }
    }
    return m;
  }
}
