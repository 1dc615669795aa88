package org.secformer.engine.bert.secure;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.secformer.engine.job.InProcessParties;
import org.secformer.engine.bert.BertConfig;
import org.secformer.engine.bert.BertInput;
import org.secformer.engine.bert.ForwardProbe;
import org.secformer.engine.bert.PlainBert;
import org.secformer.shares.Share;
import org.secformer.shares.Sharing;
import org.secformer.shares.ring.RingTensor;

/**
 * One secure encoder layer of a small random BERT against PlainBert's layer 0 on a batch of two
 * sequences of different lengths run together (padding rows included: their values follow the plaintext
 * model too, since padding only masks keys).
 */
class SecureEncoderLayerTest {
  @Test
  void secureLayerMatchesThePlaintextLayerOnABatch() {
    BertConfig cfg = TinyBert.config(BertConfig.AttentionKind.SOFTMAX, BertConfig.Pooling.MEAN, true, 0);
    TinyBert tiny = new TinyBert(cfg, 17);
    BertInput in = BertInput.padded(List.of(new int[] {1, 7, 9, 33, 4, 2}, new int[] {1, 5, 2}), 0);
    double[][] captured = new double[3][];
    new PlainBert(tiny.model).lastHiddenState(in, new ForwardProbe() {
      @Override
      public void hidden(int layer, double[] x, int rows, int h) {
        captured[layer + 1] = x.clone();
      }
    });
    int t = in.seqLen(), h = cfg.hidden();
    Share[] xs = Sharing.split(TinyBert.FXP.encode(captured[0], in.batch() * t, h));
    Share[] mask = Sharing.split(SecureBertInput.split(SecureBertInput.encode(in, cfg.vocab()), cfg.vocab()).mask());
    InProcessParties.Run<RingTensor> run = InProcessParties.run(ctx -> {
      SecureEncoderLayer layer = new SecureEncoderLayer(cfg, 0, "tiny", tiny.weightsOf(ctx.party()), TinyBert.params());
      return layer.forward(ctx, xs[ctx.party()].tensor(), t, Blocks.scoreMask(mask[ctx.party()].tensor(), cfg.heads()));
    });
    double[] got = TinyBert.FXP.decode(TinyBert.reconstruct(run));
    double worst = 0;
    for (int i = 0; i < got.length; i++) {
      worst = Math.max(worst, Math.abs(got[i] - captured[1][i]));
    }
    System.out.printf("layer 0, batch of 2: max |secure - plain| = %.3g%n", worst);
    // LayerNorm outputs are O(1); the budget sums the protocols' errors through one layer
    assertTrue(worst < 2e-2, "max error " + worst);
  }
}
