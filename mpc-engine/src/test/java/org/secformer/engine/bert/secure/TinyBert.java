package org.secformer.engine.bert.secure;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.secformer.engine.job.InProcessParties;
import org.secformer.engine.bert.BertConfig;
import org.secformer.engine.bert.BertModel;
import org.secformer.engine.bert.Tensor;
import org.secformer.engine.model.ModelSharer;
import org.secformer.engine.protocol.LayerNorm;
import org.secformer.engine.protocol.QuadAttention;
import org.secformer.engine.protocol.Softmax;
import org.secformer.shares.Share;
import org.secformer.shares.Sharing;
import org.secformer.shares.fxp.FixedPoint;
import org.secformer.shares.ring.RingTensor;

/** A small random BERT, its weight shares and generous declared ranges, for secure-vs-plain tests. */
final class TinyBert {
  static final FixedPoint FXP = FixedPoint.defaults();

  final BertModel model;
  final Map<String, RingTensor[]> shares = new HashMap<>();

  TinyBert(BertConfig cfg, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    Map<String, Tensor> tensors = new HashMap<>();
    BertModel.expectedShapes(cfg).forEach((name, shape) -> {
      double[] v = new double[(int) Tensor.size(shape)];
      boolean gamma = name.endsWith("gamma");
      for (int i = 0; i < v.length; i++) {
        v[i] = gamma ? 1 + 0.2 * rnd.nextGaussian() : 0.25 * rnd.nextGaussian();
      }
      tensors.put(name, Tensor.of(v, shape));
    });
    model = new BertModel(cfg, tensors);
    shares.putAll(ModelSharer.splitInMemory(model.encode(FXP)));
  }

  static BertConfig config(BertConfig.AttentionKind attention, BertConfig.Pooling pooling, boolean normalize,
      int labels) {
    return new BertConfig(2, 32, 4, 64, 50, 16, 2, 1e-12, BertConfig.Activation.GELU, attention, pooling,
        normalize, labels);
  }

  /** Ranges wide enough for the random weights above (values of a few units). */
  static SecureBertParams params() {
    return new SecureBertParams(LayerNorm.Params.of(1e-3, 1e3).withXMax(100), Softmax.Params.of(-64, 64),
        QuadAttention.Params.of(1, 1 << 16), 24, 40, 25, 1e-2, 1e3, 16);
  }

  /** Party p's share of each weight, as an engine reads them. */
  java.util.function.Function<String, RingTensor> weightsOf(int party) {
    return n -> shares.get(n)[party].copy();
  }

  /** Runs f at both parties and reconstructs the output. */
  static RingTensor reconstruct(InProcessParties.Run<RingTensor> run) {
    return Sharing.reconstruct(new Share(0, run.result(0)), new Share(1, run.result(1)));
  }
}
