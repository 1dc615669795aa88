package org.secformer.distil;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.secformer.engine.bert.BertConfig;
import org.secformer.engine.bert.BertConfig.AttentionKind;
import org.secformer.engine.bert.BertConfig.Pooling;
import org.secformer.engine.bert.BertInput;
import org.secformer.engine.bert.BertModel;
import org.secformer.engine.bert.BertNames;
import org.secformer.engine.bert.PlainBert;
import org.secformer.engine.bert.Tensor;

/**
 * A {@link BertModel} as explicit DJL parameters and its forward pass in NDArray ops, step for step
 * {@link PlainBert}'s (so that autograd trains exactly the model the engines run): embeddings (word +
 * position 0..T-1 + token type) and LayerNorm; per layer Q, K, V, scores q.k / sqrt(d), masked keys weight 0,
 * SOFTMAX exp(s - max) / sum or QUAD2 (s + {@value PlainBert#QUAD_SHIFT})^2 / row sum, output dense, residual,
 * LayerNorm, dense, exact erf GeLU, dense, residual, LayerNorm; then the config's pooling, L2 normalisation
 * and the classifier head. Parameters keep the canonical names and layout of {@link BertModel} (matrices
 * [in, out]), so {@link #toBertModel} is a plain copy back.
 */
public final class StudentGraph implements AutoCloseable {
  private final BertConfig cfg;
  private final NDManager manager;
  private final Map<String, NDArray> params;

  /** The forward pass's outputs: classifier logits [B, labels] and the hidden states (embeddings, then each layer). */
  public record Forward(NDArray logits, List<NDArray> hidden) {}

  private StudentGraph(BertConfig cfg, NDManager manager, Map<String, NDArray> params) {
    this.cfg = cfg;
    this.manager = manager;
    this.params = params;
  }

  /** Copies {@code model}'s weights (it must have a classifier head) into {@code dtype} arrays of a sub-manager of {@code parent}. */
  public static StudentGraph of(BertModel model, NDManager parent, DataType dtype) {
    if (!model.hasClassifier()) {
      throw new IllegalArgumentException("the student needs a model with a classifier head");
    }
    if (dtype != DataType.FLOAT32 && dtype != DataType.FLOAT64) {
      throw new IllegalArgumentException("dtype must be float32 or float64, got " + dtype);
    }
    NDManager m = parent.newSubManager();
    Map<String, NDArray> p = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : model.tensors().entrySet()) {
      Shape shape = new Shape(toLongs(e.getValue().shape()));
      double[] d = e.getValue().data();
      NDArray a = dtype == DataType.FLOAT64 ? m.create(d, shape) : m.create(toFloats(d), shape);
      a.setName(e.getKey());
      p.put(e.getKey(), a);
    }
    return new StudentGraph(model.config(), m, Collections.unmodifiableMap(p));
  }

  public BertConfig config() {
    return cfg;
  }

  /** The parameters under canonical names (the arrays themselves, for the optimizer). */
  public Map<String, NDArray> parameters() {
    return params;
  }

  public long parameterCount() {
    return params.values().stream().mapToLong(NDArray::size).sum();
  }

  /** The current parameters as a {@link BertModel} (doubles widened from the arrays) under {@code config}. */
  public BertModel toBertModel(BertConfig config) {
    Map<String, Tensor> t = new LinkedHashMap<>();
    for (Map.Entry<String, NDArray> e : params.entrySet()) {
      NDArray a = e.getValue();
      double[] d = a.getDataType() == DataType.FLOAT64 ? a.toDoubleArray() : widen(a.toFloatArray());
      t.put(e.getKey(), Tensor.of(d, toInts(a.getShape().getShape())));
    }
    return new BertModel(config, t);
  }

  /**
   * Input ids [B, T] (int64), attention mask [B, T] and token types [B, T] (both in the parameters' dtype) of
   * {@code in}, created in {@code m}.
   */
  public NDList inputs(BertInput in, NDManager m) {
    int b = in.batch(), t = in.seqLen();
    long[] ids = new long[b * t];
    long[] types = new long[b * t];
    double[] mask = new double[b * t];
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < t; j++) {
        ids[i * t + j] = in.inputIds()[i][j];
        types[i * t + j] = in.tokenTypeIds()[i][j];
        mask[i * t + j] = in.attentionMask()[i][j];
      }
    }
    DataType dt = dtype();
    return new NDList(m.create(ids, new Shape(b, t)), m.create(mask, new Shape(b, t)).toType(dt, false),
        m.create(types, new Shape(b, t)));
  }

  public DataType dtype() {
    return params.get(BertNames.WORD).getDataType();
  }

  /** The forward pass with the given attention kind on {@link #inputs} (ids, mask, types). */
  public Forward forward(NDList inputs, AttentionKind attention) {
    NDArray ids = inputs.get(0), mask = inputs.get(1), types = inputs.get(2);
    long b = ids.getShape().get(0), t = ids.getShape().get(1);
    if (t > cfg.maxPositions()) {
      throw new IllegalArgumentException("sequence length " + t + " exceeds the model's " + cfg.maxPositions() + " positions");
    }
    NDArray x = lookup(ids, p(BertNames.WORD))
        .add(lookup(types, p(BertNames.TOKEN_TYPE)))
        .add(p(BertNames.POSITION).get(new NDIndex("0:" + t)));
    x = layerNorm(x, p(BertNames.EMB_LN_GAMMA), p(BertNames.EMB_LN_BETA));
    List<NDArray> hidden = new ArrayList<>();
    hidden.add(x);
    NDArray keyMask = mask.reshape(b, 1, 1, t);
    for (int l = 0; l < cfg.layers(); l++) {
      NDArray ctx = attention(x, keyMask, l, attention);
      NDArray a = layerNorm(dense(ctx, l, "attn.o").add(x), pl(l, "attn.ln.gamma"), pl(l, "attn.ln.beta"));
      NDArray f = gelu(dense(a, l, "ffn.in"));
      x = layerNorm(dense(f, l, "ffn.out").add(a), pl(l, "ffn.ln.gamma"), pl(l, "ffn.ln.beta"));
      hidden.add(x);
    }
    NDArray pooled;
    if (cfg.pooling() == Pooling.MEAN) {
      NDArray summed = x.mul(mask.reshape(b, t, 1)).sum(new int[] {1});
      pooled = summed.div(mask.sum(new int[] {1}, true).maximum(1e-9)); // sentence-transformers' clamp
    } else {
      pooled = x.get(new NDIndex(":, 0, :"));
    }
    if (cfg.normalize()) {
      pooled = pooled.div(pooled.norm(new int[] {-1}, true).maximum(1e-12)); // torch.nn.functional.normalize
    }
    NDArray logits = pooled.matMul(p(BertNames.CLASSIFIER_WEIGHT)).add(p(BertNames.CLASSIFIER_BIAS));
    return new Forward(logits, hidden);
  }

  private NDArray attention(NDArray x, NDArray keyMask, int l, AttentionKind kind) {
    long b = x.getShape().get(0), t = x.getShape().get(1);
    int heads = cfg.heads(), d = cfg.headDim();
    NDArray q = splitHeads(dense(x, l, "attn.q"), b, t);
    NDArray k = splitHeads(dense(x, l, "attn.k"), b, t);
    NDArray v = splitHeads(dense(x, l, "attn.v"), b, t);
    NDArray s = q.matMul(k.transpose(0, 1, 3, 2)).mul(1.0 / Math.sqrt(d)); // [B, heads, T, T]
    NDArray w;
    if (kind == AttentionKind.QUAD2) {
      NDArray quad = s.add(PlainBert.QUAD_SHIFT).square().mul(keyMask);
      w = quad.div(quad.sum(new int[] {-1}, true));
    } else {
      // masked keys: a score so low that exp gives exactly 0, as PlainBert's -inf
      w = s.add(keyMask.sub(1).mul(1e30)).softmax(-1);
    }
    return w.matMul(v).transpose(0, 2, 1, 3).reshape(b, t, (long) heads * d);
  }

  private NDArray splitHeads(NDArray y, long b, long t) {
    return y.reshape(b, t, cfg.heads(), cfg.headDim()).transpose(0, 2, 1, 3);
  }

  private NDArray dense(NDArray x, int l, String name) {
    return x.matMul(pl(l, name + ".weight")).add(pl(l, name + ".bias"));
  }

  private NDArray layerNorm(NDArray x, NDArray gamma, NDArray beta) {
    NDArray centred = x.sub(x.mean(new int[] {-1}, true));
    NDArray var = centred.square().mean(new int[] {-1}, true);
    return centred.div(var.add(cfg.layerNormEps()).sqrt()).mul(gamma).add(beta);
  }

  /** Exact GeLU 0.5 x (1 + erf(x / sqrt 2)). */
  private static NDArray gelu(NDArray x) {
    return x.mul(x.mul(1.0 / Math.sqrt(2)).erf().add(1)).mul(0.5);
  }

  private static NDArray lookup(NDArray ids, NDArray table) {
    return ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
  }

  private NDArray p(String name) {
    return params.get(name);
  }

  private NDArray pl(int layer, String name) {
    return params.get(BertNames.layer(layer, name));
  }

  @Override
  public void close() {
    manager.close();
  }

  static long[] toLongs(int[] shape) {
    long[] s = new long[shape.length];
    for (int i = 0; i < s.length; i++) {
      s[i] = shape[i];
    }
    return s;
  }

  static int[] toInts(long[] shape) {
    int[] s = new int[shape.length];
    for (int i = 0; i < s.length; i++) {
      s[i] = Math.toIntExact(shape[i]);
    }
    return s;
  }

  static float[] toFloats(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }

  static double[] widen(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = f[i];
    }
    return d;
  }
}
