package org.secformer.engine.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.secformer.engine.bert.BertConfig;
import org.secformer.engine.bert.BertModel;
import org.secformer.engine.bert.Tensor;

/**
 * A model of real shapes with random weights at BERT's initialisation scale (N(0, 0.02), LayerNorm 1 and
 * 0), for cost measurements where no trained weights of that shape are available (BERT-base).
 */
public final class RandomBert {
  private RandomBert() {}

  public static BertModel of(BertConfig cfg, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    BertModel.expectedShapes(cfg).forEach((n, shape) -> {
      double[] v = new double[(int) Tensor.size(shape)];
      boolean gamma = n.endsWith("gamma"), beta = n.endsWith("beta");
      for (int i = 0; i < v.length; i++) {
        v[i] = gamma ? 1 : beta ? 0 : 0.02 * rnd.nextGaussian();
      }
      tensors.put(n, Tensor.of(v, shape));
    });
    return new BertModel(cfg, tensors);
  }

  /** A batch of {@code batch} full-length sequences of random word ids between [CLS] (101) and [SEP] (102). */
  public static int[][] ids(int batch, int seq, int vocab, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int[][] ids = new int[batch][seq];
    for (int[] row : ids) {
      for (int t = 0; t < seq; t++) {
        row[t] = t == 0 ? 101 : t == seq - 1 ? 102 : 1000 + rnd.nextInt(vocab - 1000);
      }
    }
    return ids;
  }
}
