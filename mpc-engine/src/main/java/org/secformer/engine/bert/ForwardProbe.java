package org.secformer.engine.bert;

/**
 * Observer of the intermediate values of a {@link PlainBert} forward pass: the inputs of every
 * nonlinear protocol the secure forward pass runs (GeLU, LayerNorm's inverse square root, softmax's
 * exp and reciprocal, 2Quad's reciprocal, L2 normalisation) and the magnitudes in between.
 *
 * <p>Pass one to {@link PlainBert#lastHiddenState(BertInput, ForwardProbe)} or
 * {@link PlainBert#embed(BertInput, ForwardProbe)}; the plain overloads pass none and pay nothing. All
 * callbacks come from the calling thread, in forward order (with a probe the attention loop runs
 * sequentially). Arrays are PlainBert's working buffers: read them during the call only, never modify
 * them. Flat tensors are row-major [rows, cols] with row r = b T + j (sequence b, position j, T =
 * {@code in.seqLen()}); padding rows (attention mask 0) are included, as the secure pass computes them
 * too; {@link #begin} gives the mask to tell them apart.
 *
 * <p>Layers are numbered 0 .. L-1; -1 is the embedding block.
 */
public interface ForwardProbe {
  /** Which LayerNorm: after the embeddings, after attention (+ residual), after the FFN (+ residual). */
  enum LayerNormSite {
    EMBEDDINGS,
    ATTENTION,
    FFN
  }

  /** Start of one forward pass over {@code in}. */
  default void begin(BertInput in, BertConfig cfg) {}

  /**
   * A LayerNorm about to run: its input x [rows, h] (before normalisation) and per row the mean and the
   * biased variance before eps; the inverse square root's argument is var + eps (the secure protocol
   * takes h (var + eps), the sum of squares of the centred row).
   */
  default void layerNorm(int layer, LayerNormSite site, double[] x, int rows, int h, double[] mean, double[] var,
      double eps) {}

  /** The projections Q, K, V [rows, h] of a layer (bias included, before the 1/sqrt(d) scaling). */
  default void qkv(int layer, double[] q, double[] k, double[] v, int rows, int h) {}

  /**
   * One attention score row: query {@code query} of sequence {@code batch}, head {@code head}.
   * {@code scores[j]} = q k_j / sqrt(d) for keys with {@code keyMask[j] != 0}, and -infinity for masked
   * keys (whose score takes no part anywhere). {@code max} is the row maximum over unmasked keys,
   * {@code softmaxDenominator} = sum exp(s_j - max) and {@code quadRowSum} = sum (s_j + 5)^2 (what
   * 2Quad would divide by), both over unmasked keys, whichever normalisation the model uses.
   */
  default void attentionRow(int layer, int batch, int head, int query, double[] scores, int[] keyMask, double max,
      double softmaxDenominator, double quadRowSum) {}

  /** The GeLU input (FFN intermediate before the activation) [rows, f]. */
  default void geluInput(int layer, double[] x, int rows, int f) {}

  /** The hidden state [rows, h] after a layer (layer -1: after the embedding LayerNorm). */
  default void hidden(int layer, double[] x, int rows, int h) {}

  /**
   * The pooled sentence vector of sequence {@code batch} before L2 normalisation and its squared norm
   * (only from {@link PlainBert#embed(BertInput, ForwardProbe)}).
   */
  default void pooled(int batch, double[] pooled, double normSq) {}

  /** End of the forward pass begun by the last {@link #begin}. */
  default void end() {}
}
