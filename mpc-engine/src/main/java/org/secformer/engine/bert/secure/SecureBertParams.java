package org.secformer.engine.bert.secure;

import org.secformer.engine.bert.BertConfig;
import org.secformer.engine.bert.ModelRanges;
import org.secformer.engine.protocol.LayerNorm;
import org.secformer.engine.protocol.QuadAttention;
import org.secformer.engine.protocol.Softmax;

/**
 * The protocol parameters of a secure forward pass, all planned from the model's declared input ranges
 * ({@link ModelRanges}): they are public, fixed per model, and independent of the data.
 *
 * @param layerNorm every LayerNorm (variance range, eps, |x| bound)
 * @param softmax exact attention softmax (score range), used masked
 * @param quad 2Quad attention (row-sum range), used masked
 * @param geluCompareBits comparison width of the GeLU segments
 * @param qkvAbsMax bound on |Q|, |K|, |V| (sets the headroom of the scaled projection)
 * @param hiddenAbsMax bound on |hidden state| (sets the pooling shift)
 * @param pooledNormSqMin lowest squared norm of the mean-pooled vector
 * @param pooledNormSqMax highest squared norm of the mean-pooled vector
 * @param maxSeqLen longest padded length the ranges were measured for
 */
public record SecureBertParams(
    LayerNorm.Params layerNorm,
    Softmax.Params softmax,
    QuadAttention.Params quad,
    int geluCompareBits,
    double qkvAbsMax,
    double hiddenAbsMax,
    double pooledNormSqMin,
    double pooledNormSqMax,
    int maxSeqLen) {

  public static SecureBertParams of(BertConfig cfg, ModelRanges r) {
    LayerNorm.Params ln = LayerNorm.Params.of(r.layerNormVarianceMin(), r.layerNormVarianceMax())
        .withEps(cfg.layerNormEps()).withXMax(r.layerNormInputAbsMax());
    return new SecureBertParams(ln, Softmax.Params.of(r.scoreMin(), r.scoreMax()),
        QuadAttention.Params.of(r.quad2RowSumMin(), r.quad2RowSumMax()), r.geluCompareBits(), r.qkvAbsMax(),
        r.hiddenAbsMax(), r.pooledNormSqMin(), r.pooledNormSqMax(), r.maxSeqLen());
  }
}
