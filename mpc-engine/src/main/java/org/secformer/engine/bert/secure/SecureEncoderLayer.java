package org.secformer.engine.bert.secure;

import java.util.function.Function;
import org.secformer.engine.bert.BertConfig;
import org.secformer.engine.bert.BertNames;
import org.secformer.engine.protocol.BeaverMatmul;
import org.secformer.engine.protocol.FxpMul;
import org.secformer.engine.protocol.Gelu;
import org.secformer.engine.protocol.LayerNorm;
import org.secformer.engine.protocol.MaskedWeight;
import org.secformer.engine.protocol.MpcContext;
import org.secformer.engine.protocol.Softmax;
import org.secformer.engine.protocol.Truncation;
import org.secformer.shares.ring.RingMatmul;
import org.secformer.shares.ring.RingTensor;

/**
 * One BERT encoder layer (post-LayerNorm, as PlainBert) on one party's shares of one sequence [T, H]:
 * Q, K, V projections with masked weights, per head scores Q_h K_h^T / sqrt(d) (both operands secret:
 * Beaver matmul), softmax over the unmasked keys, context P_h V_h, output projection, residual,
 * LayerNorm, FFN with SecFormer GeLU, residual, LayerNorm. Weights are this party's shares, loaded by
 * canonical name; their masks W - B are opened on first use and reused for every later sequence.
 * First version: heads run one after another (rounds grow with the head count) and the 2Quad path is
 * not wired yet.
 */
public final class SecureEncoderLayer {
  private final BertConfig cfg;
  private final int layer;
  private final String keyPrefix;
  private final Function<String, RingTensor> weights;
  private final LayerNorm.Params lnParams;
  private final Softmax.Params softmaxParams;
  private final int geluBits;
  private MaskedWeight wq, wk, wv, wo, wIn, wOut;

  public SecureEncoderLayer(BertConfig cfg, int layer, String modelKey, Function<String, RingTensor> weights,
      LayerNorm.Params lnParams, Softmax.Params softmaxParams, int geluBits) {
    this.cfg = cfg;
    this.layer = layer;
    this.keyPrefix = modelKey + "/";
    this.weights = weights;
    this.lnParams = lnParams;
    this.softmaxParams = softmaxParams;
    this.geluBits = geluBits;
  }

  /** This party's share of the layer output [T, H] for its share of the input x [T, H]; keep = unmasked tokens. */
  public RingTensor forward(MpcContext ctx, RingTensor x, boolean[] keep) {
    openMasks(ctx);
    int t = x.dim(0), h = cfg.hidden(), heads = cfg.heads(), d = h / heads;
    RingTensor q = linear(ctx, x, wq, "attn.q.bias");
    RingTensor k = linear(ctx, x, wk, "attn.k.bias");
    RingTensor v = linear(ctx, x, wv, "attn.v.bias");
    RingTensor context = RingTensor.zeros(t, h);
    double scale = 1 / Math.sqrt(d);
    for (int head = 0; head < heads; head++) {
      RingTensor qh = columns(q, head * d, d);
      RingTensor kh = columns(k, head * d, d);
      RingTensor vh = columns(v, head * d, d);
      RingTensor scores = FxpMul.matmul(ctx, qh, RingMatmul.transpose(kh));
      scores = FxpMul.mulPublic(ctx, scores, scale);
      RingTensor p = Softmax.apply(ctx, scores, keep, softmaxParams);
      RingTensor ch = Truncation.truncate(ctx, BeaverMatmul.matmul(ctx, p, vh), ctx.fracBits());
      setColumns(context, ch, head * d);
    }
    RingTensor attn = linear(ctx, context, wo, "attn.o.bias").addInPlace(x);
    RingTensor y = LayerNorm.apply(ctx, attn, weight("attn.ln.gamma"), weight("attn.ln.beta"), lnParams);
    RingTensor inner = linear(ctx, y, wIn, "ffn.in.bias");
    RingTensor act = Gelu.gelu(ctx, inner, Gelu.BETA_MINIMAX, geluBits);
    RingTensor out = linear(ctx, act, wOut, "ffn.out.bias").addInPlace(y);
    return LayerNorm.apply(ctx, out, weight("ffn.ln.gamma"), weight("ffn.ln.beta"), lnParams);
  }

  private void openMasks(MpcContext ctx) {
    if (wq == null) {
      wq = open(ctx, "attn.q.weight");
      wk = open(ctx, "attn.k.weight");
      wv = open(ctx, "attn.v.weight");
      wo = open(ctx, "attn.o.weight");
      wIn = open(ctx, "ffn.in.weight");
      wOut = open(ctx, "ffn.out.weight");
    }
  }

  private MaskedWeight open(MpcContext ctx, String rest) {
    String name = BertNames.layer(layer, rest);
    return MaskedWeight.open(ctx, keyPrefix + name, weights.apply(name));
  }

  private RingTensor weight(String rest) {
    return weights.apply(BertNames.layer(layer, rest));
  }

  /** x W + b: the bias share is added locally to every row. */
  private RingTensor linear(MpcContext ctx, RingTensor x, MaskedWeight w, String biasRest) {
    RingTensor y = FxpMul.matmul(ctx, x, w);
    long[] b = weight(biasRest).data();
    long[] yd = y.data();
    int cols = b.length;
    for (int i = 0; i < yd.length; i++) {
      yd[i] += b[i % cols];
    }
    return y;
  }

  private static RingTensor columns(RingTensor x, int from, int count) {
    int rows = x.dim(0), cols = x.dim(1);
    long[] out = new long[rows * count];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(x.data(), r * cols + from, out, r * count, count);
    }
    return RingTensor.of(out, rows, count);
  }

  private static void setColumns(RingTensor into, RingTensor part, int from) {
    int rows = into.dim(0), cols = into.dim(1), count = part.dim(1);
    for (int r = 0; r < rows; r++) {
      System.arraycopy(part.data(), r * count, into.data(), r * cols + from, count);
    }
  }
}
