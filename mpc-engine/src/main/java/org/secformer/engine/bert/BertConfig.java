package org.secformer.engine.bert;

import java.util.Objects;

/**
 * Hyper-parameters of a BERT-family encoder and what is done with its output.
 *
 * @param layers number of transformer layers
 * @param hidden hidden size H
 * @param heads attention heads; must divide {@code hidden}
 * @param intermediate feed-forward inner size
 * @param vocab word-piece vocabulary size
 * @param maxPositions longest sequence the position table covers
 * @param typeVocab number of token types (segments)
 * @param layerNormEps epsilon added to the variance in every LayerNorm
 * @param activation feed-forward activation
 * @param attention how attention scores become weights
 * @param pooling how a sentence vector is taken from the last hidden state
 * @param normalize whether the pooled vector is L2-normalised (sentence-transformers)
 * @param numLabels classifier outputs; 0 when the model has no classifier head
 */
public record BertConfig(
    int layers,
    int hidden,
    int heads,
    int intermediate,
    int vocab,
    int maxPositions,
    int typeVocab,
    double layerNormEps,
    Activation activation,
    AttentionKind attention,
    Pooling pooling,
    boolean normalize,
    int numLabels) {

  /** Feed-forward activation. */
  public enum Activation {
    /** Exact GeLU: 0.5 x (1 + erf(x / sqrt 2)). */
    GELU
  }

  /** Attention normalisation. */
  public enum AttentionKind {
    /** exp(s - max) / sum, over unmasked keys. */
    SOFTMAX,
    /** MPCFormer's 2Quad: (s + 5)^2 over unmasked keys (0 where masked), divided by the row sum. */
    QUAD2
  }

  /** Sentence vector from the last hidden state. */
  public enum Pooling {
    /** Mask-weighted mean over tokens (sentence-transformers). */
    MEAN,
    /** The first token ([CLS]). */
    CLS
  }

  public BertConfig {
    Objects.requireNonNull(activation, "activation");
    Objects.requireNonNull(attention, "attention");
    Objects.requireNonNull(pooling, "pooling");
    positive("layers", layers);
    positive("hidden", hidden);
    positive("heads", heads);
    positive("intermediate", intermediate);
    positive("vocab", vocab);
    positive("maxPositions", maxPositions);
    positive("typeVocab", typeVocab);
    if (hidden % heads != 0) {
      throw new IllegalArgumentException("heads (" + heads + ") must divide hidden (" + hidden + ")");
    }
    if (!(layerNormEps > 0) || !Double.isFinite(layerNormEps)) {
      throw new IllegalArgumentException("layerNormEps must be positive and finite, got " + layerNormEps);
    }
    if (numLabels < 0) {
      throw new IllegalArgumentException("numLabels must be >= 0, got " + numLabels);
    }
  }

  /** sentence-transformers/all-MiniLM-L6-v2: 6 layers, 384 hidden, 12 heads, mean pooling, normalised. */
  public static BertConfig miniLmL6() {
    return new BertConfig(6, 384, 12, 1536, 30522, 512, 2, 1e-12, Activation.GELU, AttentionKind.SOFTMAX,
        Pooling.MEAN, true, 0);
  }

  /** BERT-base (uncased): 12 layers, 768 hidden, 12 heads, CLS pooling, not normalised. */
  public static BertConfig bertBase() {
    return new BertConfig(12, 768, 12, 3072, 30522, 512, 2, 1e-12, Activation.GELU, AttentionKind.SOFTMAX,
        Pooling.CLS, false, 0);
  }

  public int headDim() {
    return hidden / heads;
  }

  public BertConfig withAttention(AttentionKind kind) {
    return new BertConfig(layers, hidden, heads, intermediate, vocab, maxPositions, typeVocab, layerNormEps,
        activation, kind, pooling, normalize, numLabels);
  }

  public BertConfig withPooling(Pooling p, boolean l2Normalize) {
    return new BertConfig(layers, hidden, heads, intermediate, vocab, maxPositions, typeVocab, layerNormEps,
        activation, attention, p, l2Normalize, numLabels);
  }

  public BertConfig withNumLabels(int labels) {
    return new BertConfig(layers, hidden, heads, intermediate, vocab, maxPositions, typeVocab, layerNormEps,
        activation, attention, pooling, normalize, labels);
  }

  private static void positive(String name, int v) {
    if (v <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + v);
    }
  }
}
