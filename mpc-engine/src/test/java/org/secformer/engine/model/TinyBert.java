package org.secformer.engine.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.secformer.engine.bert.BertConfig;
import org.secformer.engine.bert.BertModel;
import org.secformer.engine.bert.Tensor;

/** Test helper: a tiny random BERT (2 layers, hidden 8) without a classifier, for the sharing tests. */
public final class TinyBert {
  private TinyBert() {}

  public static BertConfig config() {
    return new BertConfig(2, 8, 2, 16, 24, 16, 2, 1e-12, BertConfig.Activation.GELU,
        BertConfig.AttentionKind.SOFTMAX, BertConfig.Pooling.MEAN, true, 0);
  }

  public static BertModel random(long seed) {
    return new BertModel(config(), randomTensors(BertModel.expectedShapes(config()), new Random(seed)));
  }

  /** {@code model} with a random classifier of {@code labels} outputs. */
  public static BertModel withHead(BertModel model, int labels, long seed) {
    Random r = new Random(seed);
    int h = model.config().hidden();
    return model.withClassifier(gaussian(r, h, labels), gaussian(r, labels));
  }

  private static Map<String, Tensor> randomTensors(Map<String, int[]> shapes, Random r) {
    Map<String, Tensor> t = new LinkedHashMap<>();
    shapes.forEach((name, shape) -> t.put(name, gaussian(r, shape)));
    return t;
  }

  private static Tensor gaussian(Random r, int... shape) {
    double[] v = new double[(int) Tensor.size(shape)];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (r.nextGaussian() * 0.3); // float values: exact through an F32 safetensors file
    }
    return Tensor.of(v, shape);
  }
}
