package org.secformer.engine.job;

import org.secformer.engine.model.WeightShareFile;
import org.secformer.engine.protocol.FxpMul;
import org.secformer.engine.protocol.MaskedWeight;
import org.secformer.engine.protocol.MpcContext;
import org.secformer.shares.ring.RingTensor;

/**
 * Y = X W (+ b) in fixed point, X from the client, W (and b) held by the parties as weight shares. The
 * first batch opens W - B once; later batches only open X - A (see {@link MaskedWeight}).
 * Job option {@code weight} names the matrix (default "W"), {@code bias} an optional bias vector.
 */
final class SecureLinear implements Computation {
  private final WeightShareFile model;
  private final String weightName;
  private final String biasName;
  private MaskedWeight weight;
  private RingTensor bias;

  SecureLinear(WeightShareFile model, String weightName, String biasName) {
    this.model = model;
    this.weightName = weightName;
    this.biasName = biasName;
  }

  @Override
  public RingTensor apply(MpcContext ctx, RingTensor x) {
    if (weight == null) {
      weight = MaskedWeight.open(ctx, model.modelId() + "/" + weightName, model.tensor(weightName));
      bias = biasName == null ? null : model.tensor(biasName);
    }
    if (x.rank() != 2) {
      throw new IllegalArgumentException("linear input must be [rows, features], got " + x);
    }
    RingTensor y = FxpMul.matmul(ctx, x, weight);
    if (bias != null) {
      int rows = y.dim(0), cols = y.dim(1);
      if (bias.size() != cols) {
        throw new IllegalArgumentException("bias " + biasName + " has " + bias.size() + " values, output has " + cols + " columns");
      }
      long[] yd = y.data(), bd = bias.data();
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          yd[r * cols + c] += bd[c];
        }
      }
    }
    return y;
  }
}
