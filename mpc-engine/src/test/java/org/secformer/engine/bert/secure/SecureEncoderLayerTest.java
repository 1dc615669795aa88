package org.secformer.engine.bert.secure;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.secformer.engine.Simulation;
import org.secformer.engine.bert.BertConfig;
import org.secformer.engine.bert.BertInput;
import org.secformer.engine.bert.BertModel;
import org.secformer.engine.bert.ForwardProbe;
import org.secformer.engine.bert.PlainBert;
import org.secformer.engine.bert.Tensor;
import org.secformer.engine.protocol.LayerNorm;
import org.secformer.engine.protocol.Softmax;
import org.secformer.shares.Share;
import org.secformer.shares.Sharing;
import org.secformer.shares.fxp.FixedPoint;
import org.secformer.shares.ring.RingTensor;

/** One secure encoder layer of a small random BERT against PlainBert's layer 0, padding included. */
class SecureEncoderLayerTest {
  private static final FixedPoint FXP = FixedPoint.defaults();

  @Test
  void secureLayerMatchesThePlaintextLayer() {
    BertConfig cfg = new BertConfig(1, 32, 4, 64, 50, 16, 2, 1e-12, BertConfig.Activation.GELU,
        BertConfig.AttentionKind.SOFTMAX, BertConfig.Pooling.MEAN, true, 0);
    SplittableRandom rnd = new SplittableRandom(17);
    Map<String, Tensor> tensors = new HashMap<>();
    BertModel.expectedShapes(cfg).forEach((name, shape) -> {
      double[] v = new double[(int) Tensor.size(shape)];
      boolean gamma = name.endsWith("gamma");
      for (int i = 0; i < v.length; i++) {
        v[i] = gamma ? 1 + 0.2 * rnd.nextGaussian() : 0.25 * rnd.nextGaussian();
      }
      tensors.put(name, Tensor.of(v, shape));
    });
    BertModel model = new BertModel(cfg, tensors);
    BertInput in = BertInput.padded(List.of(new int[] {1, 7, 9, 33, 4, 2}, new int[] {1, 5, 2}), 0);
    double[][] captured = new double[2][];
    new PlainBert(model).lastHiddenState(in, new ForwardProbe() {
      @Override
      public void hidden(int layer, double[] x, int rows, int h) {
        captured[layer + 1] = x.clone();
      }
    });
    int t = in.seqLen(), h = cfg.hidden();
    Map<String, RingTensor> encoded = model.encode(FXP);
    Map<String, RingTensor[]> shares = new HashMap<>();
    encoded.forEach((name, w) -> {
      Share[] s = Sharing.split(w);
      shares.put(name, new RingTensor[] {s[0].tensor(), s[1].tensor()});
    });
    for (int b = 0; b < in.batch(); b++) {
      double[] x = java.util.Arrays.copyOfRange(captured[0], b * t * h, (b + 1) * t * h);
      double[] want = java.util.Arrays.copyOfRange(captured[1], b * t * h, (b + 1) * t * h);
      boolean[] keep = new boolean[t];
      for (int j = 0; j < t; j++) {
        keep[j] = in.attentionMask()[b][j] != 0;
      }
      Share[] xs = Sharing.split(FXP.encode(x, t, h));
      Simulation.Run<RingTensor> run = Simulation.run(ctx -> {
        SecureEncoderLayer layer = new SecureEncoderLayer(cfg, 0, "tiny", n -> shares.get(n)[ctx.party()].copy(),
            LayerNorm.Params.of(1e-3, 1e3).withXMax(100), Softmax.Params.of(-64, 64), 24);
        return layer.forward(ctx, xs[ctx.party()].tensor(), keep);
      });
      double[] got = FXP.decode(Sharing.reconstruct(new Share(0, run.result(0)), new Share(1, run.result(1))));
      double worst = 0;
      for (int i = 0; i < got.length; i++) {
        worst = Math.max(worst, Math.abs(got[i] - want[i]));
      }
      System.out.printf("sequence %d: max |secure - plain| = %.3g%n", b, worst);
      // LayerNorm outputs are O(1); the error budget sums the protocols' errors through one layer
      assertTrue(worst < 2e-2, "sequence " + b + ": max error " + worst);
    }
  }
}
