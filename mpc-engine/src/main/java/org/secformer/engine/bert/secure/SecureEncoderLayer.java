package org.secformer.engine.bert.secure;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.secformer.engine.bert.BertConfig;
import org.secformer.engine.bert.BertConfig.AttentionKind;
import org.secformer.engine.bert.BertNames;
import org.secformer.engine.comm.CommStats;
import org.secformer.engine.comm.Phase;
import org.secformer.engine.protocol.BeaverMatmul;
import org.secformer.engine.protocol.FxpMul;
import org.secformer.engine.protocol.Gelu;
import org.secformer.engine.protocol.LayerNorm;
import org.secformer.engine.protocol.MaskedWeight;
import org.secformer.engine.protocol.MpcContext;
import org.secformer.engine.protocol.QuadAttention;
import org.secformer.engine.protocol.Softmax;
import org.secformer.engine.protocol.Truncation;
import org.secformer.shares.ring.RingMatmul;
import org.secformer.shares.ring.RingTensor;

/**
 * One BERT encoder layer (post-LayerNorm) on one party's shares of a batch of B sequences of padded
 * length T, hidden states [B T, H]:
 * <ol>
 *   <li>Q, K, V by one product with the masked weight [Wq | Wk | Wv] (one round), Q scaled by 1/sqrt(d)
 *       inside the same truncation;
 *   <li>scores Q_bh K_bh^T of every sequence b and head h as one batch of Beaver products (one round)
 *       and one truncation;
 *   <li>attention weights by the model's kind (exact softmax or 2Quad) over all score rows at once,
 *       with the secret key mask, so padding stays secret;
 *   <li>contexts P_bh V_bh as one batch of Beaver products and one truncation;
 *   <li>output projection, residual, LayerNorm; FFN with SecFormer GeLU, residual, LayerNorm.
 * </ol>
 * Every step works on all sequences and heads together, so the rounds do not depend on B or the head
 * count. Weight masks W - B are opened on the first batch and reused for every later one.
 */
public final class SecureEncoderLayer {
  /** Fractional bits of the public per-column factors of the Q, K, V truncation. */
  private static final int SCALE_BITS = 16;

  private final BertConfig cfg;
  private final int layer;
  private final String keyPrefix;
  private final Function<String, RingTensor> weights;
  private final SecureBertParams params;
  private MaskedWeight wqkv, wo, wIn, wOut;
  private RingTensor qkvBias;

  public SecureEncoderLayer(BertConfig cfg, int layer, String modelKey, Function<String, RingTensor> weights,
      SecureBertParams params) {
    this.cfg = cfg;
    this.layer = layer;
    this.keyPrefix = modelKey + "/";
    this.weights = weights;
    this.params = params;
  }

  /**
   * This party's share of the layer output [B T, H] for its share x [B T, H] of B sequences of length
   * {@code seqLen}; {@code scoreMask} is the share of the key mask of every score row ([B heads T, T],
   * integers 0/1, see {@link Blocks#scoreMask}).
   */
  public RingTensor forward(MpcContext ctx, RingTensor x, int seqLen, RingTensor scoreMask) {
    try (CommStats.Scope s = ctx.enter(Phase.WEIGHT_MASKS)) {
      openMasks(ctx);
    }
    int t = seqLen, batch = x.dim(0) / t, h = cfg.hidden(), heads = cfg.heads(), d = cfg.headDim();
    int f = ctx.fracBits();
    RingTensor qkv;
    try (CommStats.Scope s = ctx.enter(Phase.MATMUL)) {
      qkv = projectQkv(ctx, x);
    }
    List<RingTensor> qs = new ArrayList<>(), kts = new ArrayList<>(), vs = new ArrayList<>();
    for (int b = 0; b < batch; b++) {
      for (int head = 0; head < heads; head++) {
        qs.add(Blocks.block(qkv, b * t, t, head * d, d));
        kts.add(RingMatmul.transpose(Blocks.block(qkv, b * t, t, h + head * d, d)));
        vs.add(Blocks.block(qkv, b * t, t, 2 * h + head * d, d));
      }
    }
    RingTensor scores;
    try (CommStats.Scope s = ctx.enter(Phase.ATTENTION_MATMUL)) {
      scores = Truncation.truncate(ctx, Blocks.stackRows(BeaverMatmul.matmulAll(ctx, qs, kts)), f);
    }
    RingTensor probs;
    boolean quad = cfg.attention() == AttentionKind.QUAD2;
    try (CommStats.Scope s = ctx.enter(quad ? Phase.QUAD2 : Phase.SOFTMAX)) {
      probs = quad
          ? QuadAttention.applyMasked(ctx, scores, scoreMask, params.quad())
          : Softmax.applyMasked(ctx, scores, scoreMask, params.softmax());
    }
    RingTensor context = RingTensor.zeros(batch * t, h);
    try (CommStats.Scope s = ctx.enter(Phase.ATTENTION_MATMUL)) {
      List<RingTensor> contexts = BeaverMatmul.matmulAll(ctx, Blocks.splitRows(probs, t), vs);
      for (int b = 0; b < batch; b++) {
        for (int head = 0; head < heads; head++) {
          Blocks.put(context, contexts.get(b * heads + head), b * t, head * d);
        }
      }
      context = Truncation.truncate(ctx, context, f);
    }
    RingTensor attn = linear(ctx, context, wo, "attn.o.bias").addInPlace(x);
    RingTensor y = layerNorm(ctx, attn, "attn.ln");
    RingTensor inner = linear(ctx, y, wIn, "ffn.in.bias");
    RingTensor act;
    try (CommStats.Scope s = ctx.enter(Phase.GELU)) {
      act = Gelu.gelu(ctx, inner, Gelu.BETA_MINIMAX, params.geluCompareBits());
    }
    RingTensor out = linear(ctx, act, wOut, "ffn.out.bias").addInPlace(y);
    return layerNorm(ctx, out, "ffn.ln");
  }

  private RingTensor layerNorm(MpcContext ctx, RingTensor x, String prefix) {
    try (CommStats.Scope s = ctx.enter(Phase.LAYER_NORM)) {
      return LayerNorm.apply(ctx, x, weight(prefix + ".gamma"), weight(prefix + ".beta"), params.layerNorm());
    }
  }

  /**
   * [Q / sqrt(d) | K | V] = trunc((x Wqkv + b 2^f) diag(s), f + 16) with s = round(2^16 / sqrt(d)) on the
   * Q columns and 2^16 elsewhere: the attention scale costs no extra truncation round.
   */
  private RingTensor projectQkv(MpcContext ctx, RingTensor x) {
    int f = ctx.fracBits(), h = cfg.hidden();
    if (!(params.qkvAbsMax() * Math.scalb(1.0, 2 * f + SCALE_BITS) < 0x1p62)) {
      throw new IllegalArgumentException("|Q|, |K|, |V| <= " + params.qkvAbsMax() + " overflows the scaled projection at "
          + f + " fractional bits");
    }
    RingTensor raw = wqkv.leftMultiply(ctx, x);
    long qScale = Math.round(Math.scalb(1.0, SCALE_BITS) / Math.sqrt(cfg.headDim()));
    long[] v = raw.data(), bias = qkvBias.data();
    int cols = 3 * h;
    for (int i = 0; i < v.length; i++) {
      int c = i % cols;
      long scale = c < h ? qScale : 1L << SCALE_BITS;
      v[i] = (v[i] + (bias[c] << f)) * scale;
    }
    return Truncation.truncate(ctx, raw, f + SCALE_BITS);
  }

  private void openMasks(MpcContext ctx) {
    if (wqkv == null) {
      RingTensor qkvShare = Blocks.concatColumns(
          weight("attn.q.weight"), weight("attn.k.weight"), weight("attn.v.weight"));
      wqkv = MaskedWeight.open(ctx, keyPrefix + BertNames.layer(layer, "attn.qkv.weight"), qkvShare);
      qkvBias = Blocks.concatColumns(
          row(weight("attn.q.bias")), row(weight("attn.k.bias")), row(weight("attn.v.bias")));
      wo = open(ctx, "attn.o.weight");
      wIn = open(ctx, "ffn.in.weight");
      wOut = open(ctx, "ffn.out.weight");
    }
  }

  private static RingTensor row(RingTensor v) {
    return v.reshape(1, v.size());
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
    try (CommStats.Scope s = ctx.enter(Phase.MATMUL)) {
      return Blocks.addToRows(FxpMul.matmul(ctx, x, w), weight(biasRest));
    }
  }
}
