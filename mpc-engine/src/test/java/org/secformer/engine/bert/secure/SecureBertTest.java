package org.secformer.engine.bert.secure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.secformer.engine.job.InProcessParties;
import org.secformer.engine.bert.BertConfig;
import org.secformer.engine.bert.BertConfig.AttentionKind;
import org.secformer.engine.bert.BertConfig.Pooling;
import org.secformer.engine.bert.BertInput;
import org.secformer.engine.bert.PlainBert;
import org.secformer.shares.Share;
import org.secformer.shares.Sharing;
import org.secformer.shares.ring.RingTensor;

/**
 * The whole secure forward pass of a small random two-layer BERT against PlainBert (fp64), on a batch of
 * sequences of different lengths padded together: both attention kinds, both poolings, with and without
 * a classifier head. Tolerances: outputs are unit vectors or O(1) logits; the budget is the sum of the
 * protocols' errors (each about 1e-4 .. 1e-3) through two layers.
 */
class SecureBertTest {
  private static final BertInput BATCH = BertInput.padded(List.of(
      new int[] {1, 7, 9, 33, 4, 2}, new int[] {1, 5, 2}, new int[] {1, 49, 48, 47, 46, 45, 44, 2}), 0);

  @Test
  void softmaxMeanPooledClassifierMatchesPlaintext() {
    check(TinyBert.config(AttentionKind.SOFTMAX, Pooling.MEAN, true, 3), 21, 2e-2);
  }

  @Test
  void quadClsEmbeddingMatchesPlaintext() {
    check(TinyBert.config(AttentionKind.QUAD2, Pooling.CLS, false, 0), 22, 3e-2);
  }

  @Test
  void softmaxNormalisedEmbeddingMatchesPlaintext() {
    check(TinyBert.config(AttentionKind.SOFTMAX, Pooling.MEAN, true, 0), 23, 1e-2);
  }

  @Test
  void roundsDoNotGrowWithTheBatchAndPaddingDoesNotChangeAResult() {
    BertConfig cfg = TinyBert.config(AttentionKind.SOFTMAX, Pooling.MEAN, true, 2);
    TinyBert tiny = new TinyBert(cfg, 24);
    BertInput one = BertInput.padded(List.of(new int[] {1, 7, 9, 2}, new int[] {1, 3, 4, 5, 6, 7, 8, 2}), 0);
    // the same sequence alone, padded to the same public length 8
    BertInput alone = new BertInput(new int[][] {{1, 7, 9, 2, 0, 0, 0, 0}}, new int[][] {{1, 1, 1, 1, 0, 0, 0, 0}}, null);
    InProcessParties.Run<RingTensor> two = run(tiny, cfg, one);
    InProcessParties.Run<RingTensor> single = run(tiny, cfg, alone);
    long roundsTwo = two.context(0).stats().rounds(), roundsOne = single.context(0).stats().rounds();
    System.out.printf("rounds at T = 8: batch 2 %d, batch 1 %d%n", roundsTwo, roundsOne);
    assertEquals(roundsOne, roundsTwo, "a batch of sequences must take the rounds of one");
    double[] batched = TinyBert.FXP.decode(TinyBert.reconstruct(two));
    double[] solo = TinyBert.FXP.decode(TinyBert.reconstruct(single));
    double[] unpadded = TinyBert.FXP.decode(TinyBert.reconstruct(
        run(tiny, cfg, BertInput.padded(List.of(new int[] {1, 7, 9, 2}), 0))));
    for (int k = 0; k < 2; k++) {
      assertEquals(solo[k], batched[k], 2e-2, "logit " + k + " of a sequence padded to 8 next to another");
      assertEquals(unpadded[k], solo[k], 2e-2, "logit " + k + " of a sequence padded from 4 to 8");
    }
  }

  @Test
  void malformedInputIsRefusedWithAClearMessage() {
    BertConfig cfg = TinyBert.config(AttentionKind.SOFTMAX, Pooling.MEAN, true, 0);
    SecureBert bert = new SecureBert(cfg, "tiny", n -> RingTensor.zeros(1), TinyBert.params());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> bert.apply(null, RingTensor.zeros(1, 4, cfg.vocab())));
    assertTrue(e.getMessage().contains("vocab + 1"), e.getMessage());
    IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
        () -> bert.apply(null, RingTensor.zeros(1, 17, cfg.vocab() + 1)));
    assertTrue(tooLong.getMessage().contains("exceeds"), tooLong.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new SecureBert(
        TinyBert.config(AttentionKind.SOFTMAX, Pooling.MEAN, false, 0), "tiny", n -> null, TinyBert.params()));
  }

  private static void check(BertConfig cfg, long seed, double tolerance) {
    TinyBert tiny = new TinyBert(cfg, seed);
    PlainBert plain = new PlainBert(tiny.model);
    double[][] want = cfg.numLabels() > 0 ? plain.logits(BATCH) : plain.embed(BATCH);
    double[] got = TinyBert.FXP.decode(TinyBert.reconstruct(run(tiny, cfg, BATCH)));
    int width = want[0].length;
    assertEquals(BATCH.batch() * width, got.length);
    double worst = 0;
    for (int b = 0; b < want.length; b++) {
      for (int j = 0; j < width; j++) {
        worst = Math.max(worst, Math.abs(got[b * width + j] - want[b][j]));
      }
    }
    System.out.printf("%s %s labels %d: max |secure - plain| = %.3g%n", cfg.attention(), cfg.pooling(),
        cfg.numLabels(), worst);
    assertTrue(worst < tolerance, "max error " + worst);
  }

  private static InProcessParties.Run<RingTensor> run(TinyBert tiny, BertConfig cfg, BertInput in) {
    Share[] input = Sharing.split(SecureBertInput.encode(in, cfg.vocab()));
    return InProcessParties.run(ctx -> new SecureBert(cfg, "tiny", tiny.weightsOf(ctx.party()), TinyBert.params())
        .apply(ctx, input[ctx.party()].tensor()));
  }
}
