package org.secformer.engine.bert.secure;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.secformer.engine.bert.BertConfig;
import org.secformer.engine.bert.BertConfig.Pooling;
import org.secformer.engine.bert.BertNames;
import org.secformer.engine.comm.CommStats;
import org.secformer.engine.comm.Phase;
import org.secformer.engine.job.Computation;
import org.secformer.engine.protocol.BeaverMul;
import org.secformer.engine.protocol.FxpMul;
import org.secformer.engine.protocol.L2Normalize;
import org.secformer.engine.protocol.LayerNorm;
import org.secformer.engine.protocol.MaskedWeight;
import org.secformer.engine.protocol.MpcContext;
import org.secformer.engine.protocol.Truncation;
import org.secformer.shares.ring.RingTensor;

/**
 * The secure forward pass of a whole BERT model, as a job computation: input shares from
 * {@link SecureBertInput} ([B, T, V + 1]), output shares of the logits [B, labels] (classifier models)
 * or of the sentence vectors [B, H] (embedding models), in the context's fixed point.
 * <ol>
 *   <li>word embeddings: the shared one-hot rows times the masked word table (SecFormer's one-hot
 *       product; one round of 8 T V bytes per sequence, no truncation since the one-hot is an integer);
 *       position rows 0..T-1 and token type 0 are public choices of rows, added locally; LayerNorm;
 *   <li>every encoder layer ({@link SecureEncoderLayer}) with the secret key mask;
 *   <li>pooling: [CLS] row (local) or the masked sum of the tokens (one Beaver round), then L2
 *       normalisation when the model normalises (mean and sum give the same unit vector, so the secret
 *       token count is never divided by);
 *   <li>the classifier head x W + b with a masked weight.
 * </ol>
 * Public: B, T, the model's shapes and kind. Secret: token ids, which tokens are padding (so the true
 * lengths), every intermediate value and the weights. The rounds do not depend on B.
 */
public final class SecureBert implements Computation {
  private final BertConfig cfg;
  private final String modelKey;
  private final Function<String, RingTensor> weights;
  private final SecureBertParams params;
  private final List<SecureEncoderLayer> layers = new ArrayList<>();
  private MaskedWeight word;
  private MaskedWeight classifier;
  private RingTensor positions;
  private RingTensor tokenType0;

  /**
   * @param modelId the model id (names the weights' mask streams)
   * @param weights this party's share of each canonical tensor
   */
  public SecureBert(BertConfig cfg, String modelId, Function<String, RingTensor> weights, SecureBertParams params) {
    if (cfg.pooling() == Pooling.MEAN && !cfg.normalize()) {
      throw new IllegalArgumentException("secure BERT supports mean pooling only with L2 normalisation"
          + " (sentence-transformers); use CLS pooling or a normalising model");
    }
    this.cfg = cfg;
    this.modelKey = modelId;
    this.weights = weights;
    this.params = params;
    for (int i = 0; i < cfg.layers(); i++) {
      layers.add(new SecureEncoderLayer(cfg, i, modelId, weights, params));
    }
  }

  @Override
  public RingTensor apply(MpcContext ctx, RingTensor inputShare) {
    SecureBertInput.Parts in = SecureBertInput.split(inputShare, cfg.vocab());
    int t = in.seqLen();
    if (t > cfg.maxPositions() || t > params.maxSeqLen()) {
      throw new IllegalArgumentException("padded length " + t + " exceeds the model's limit of "
          + Math.min(cfg.maxPositions(), params.maxSeqLen()) + " tokens (position table " + cfg.maxPositions()
          + ", declared ranges " + params.maxSeqLen() + ")");
    }
    try (CommStats.Scope s = ctx.enter(Phase.WEIGHT_MASKS)) {
      openMasks(ctx);
    }
    RingTensor x;
    try (CommStats.Scope s = ctx.enter(Phase.EMBEDDING)) {
      x = embed(ctx, in);
    }
    RingTensor scoreMask = Blocks.scoreMask(in.mask(), cfg.heads());
    for (SecureEncoderLayer layer : layers) {
      x = layer.forward(ctx, x, t, scoreMask);
    }
    RingTensor pooled;
    try (CommStats.Scope s = ctx.enter(Phase.POOLING)) {
      pooled = pool(ctx, x, in);
    }
    if (cfg.numLabels() == 0) {
      return pooled;
    }
    try (CommStats.Scope s = ctx.enter(Phase.HEAD)) {
      return Blocks.addToRows(FxpMul.matmul(ctx, pooled, classifier), weights.apply(BertNames.CLASSIFIER_BIAS));
    }
  }

  private void openMasks(MpcContext ctx) {
    if (word == null) {
      word = MaskedWeight.open(ctx, modelKey + "/" + BertNames.WORD, weights.apply(BertNames.WORD));
      if (cfg.numLabels() > 0) {
        classifier = MaskedWeight.open(ctx, modelKey + "/" + BertNames.CLASSIFIER_WEIGHT,
            weights.apply(BertNames.CLASSIFIER_WEIGHT));
      }
      positions = weights.apply(BertNames.POSITION);
      RingTensor types = weights.apply(BertNames.TOKEN_TYPE);
      tokenType0 = Blocks.block(types, 0, 1, 0, cfg.hidden()).reshape(cfg.hidden());
    }
  }

  private RingTensor embed(MpcContext ctx, SecureBertInput.Parts in) {
    int t = in.seqLen(), h = cfg.hidden();
    RingTensor x = word.leftMultiply(ctx, in.oneHot());
    long[] xd = x.data(), pos = positions.data(), type = tokenType0.data();
    for (int r = 0; r < in.batch() * t; r++) {
      int p = (r % t) * h;
      for (int c = 0; c < h; c++) {
        xd[r * h + c] += pos[p + c] + type[c];
      }
    }
    try (CommStats.Scope s = ctx.enter(Phase.LAYER_NORM)) {
      return LayerNorm.apply(ctx, x, weights.apply(BertNames.EMB_LN_GAMMA),
          weights.apply(BertNames.EMB_LN_BETA), params.layerNorm());
    }
  }

  private RingTensor pool(MpcContext ctx, RingTensor x, SecureBertInput.Parts in) {
    int t = in.seqLen(), h = cfg.hidden();
    if (cfg.pooling() == Pooling.CLS) {
      RingTensor cls = RingTensor.zeros(in.batch(), h);
      for (int b = 0; b < in.batch(); b++) {
        Blocks.put(cls, Blocks.block(x, b * t, 1, 0, h), b, 0);
      }
      return cfg.normalize() ? L2Normalize.apply(ctx, cls, l2(1, 1, params.hiddenAbsMax())) : cls;
    }
    RingTensor sum = Blocks.sumPerSequence(BeaverMul.mul(ctx, x, Blocks.tokenMask(in.mask(), h)), t);
    int shift = poolShift(t, ctx.fracBits());
    if (shift > 0) {
      sum = Truncation.truncate(ctx, sum, shift);
    }
    double scale = Math.scalb(1.0, -shift);
    return L2Normalize.apply(ctx, sum, l2(scale, t * scale, params.hiddenAbsMax() * t * scale));
  }

  /**
   * Power of two the token sum is divided by before normalising: the smallest keeping H (T |h|max)^2
   * 2^(2f) below 2^62 (L2Normalize's ring bound), so short sequences keep as many bits as possible.
   */
  private int poolShift(int t, int fracBits) {
    int k = 0;
    while (!(cfg.hidden() * Math.pow(params.hiddenAbsMax() * t * Math.scalb(1.0, -k), 2)
        * Math.scalb(1.0, 2 * fracBits) < 0x1p61)) {
      k++;
    }
    return k;
  }

  /** L2 parameters for a vector that is the mean times a factor in [lo, hi]. */
  private L2Normalize.Params l2(double factorLo, double factorHi, double xMax) {
    return L2Normalize.Params.of(params.pooledNormSqMin() * factorLo * factorLo,
        params.pooledNormSqMax() * factorHi * factorHi).withXMax(xMax);
  }
}
