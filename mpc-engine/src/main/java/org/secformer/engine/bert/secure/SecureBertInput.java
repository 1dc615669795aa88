package org.secformer.engine.bert.secure;

import org.secformer.engine.bert.BertInput;
import org.secformer.shares.ring.RingTensor;

/**
 * What the data owner secret-shares for one batch of a secure BERT job: a ring tensor [B, T, V + 1] of
 * integers (not fixed point). Columns 0..V-1 of token (b, t) are the one-hot row of its token id; column
 * V is its attention-mask bit (1 = real token, 0 = padding). Both parts are shared, so the parties learn
 * neither the ids nor which tokens are padding: only B and the padded length T are public.
 *
 * <p>Token types must all be 0 (one segment, {@code [CLS] A [SEP]}), which keeps the type embedding a
 * public choice of row.
 */
public final class SecureBertInput {
  private SecureBertInput() {}

  /** The plaintext tensor the data owner splits into shares. */
  public static RingTensor encode(BertInput in, int vocab) {
    int b = in.batch(), t = in.seqLen(), width = vocab + 1;
    long[] v = new long[Math.multiplyExact(Math.multiplyExact(b, t), width)];
    for (int s = 0; s < b; s++) {
      for (int i = 0; i < t; i++) {
        int id = in.inputIds()[s][i];
        if (id < 0 || id >= vocab) {
          throw new IllegalArgumentException("token id " + id + " at sequence " + s + ", position " + i
              + " is outside the vocabulary [0, " + vocab + ")");
        }
        if (in.tokenTypeIds()[s][i] != 0) {
          throw new IllegalArgumentException("secure BERT takes single-segment input (token type 0), sequence "
              + s + " has type " + in.tokenTypeIds()[s][i] + " at position " + i);
        }
        int row = (s * t + i) * width;
        v[row + id] = 1;
        v[row + vocab] = in.attentionMask()[s][i];
      }
    }
    return RingTensor.of(v, b, t, width);
  }

  /** One party's share of a batch, split into its one-hot rows and its mask. */
  public record Parts(int batch, int seqLen, RingTensor oneHot, RingTensor mask) {}

  /** Splits a share [B, T, V + 1] into the one-hot share [B T, V] and the mask share [B, T]. */
  public static Parts split(RingTensor share, int vocab) {
    if (share.rank() != 3 || share.dim(2) != vocab + 1) {
      throw new IllegalArgumentException("secure BERT input must be [batch, seqLen, vocab + 1 = " + (vocab + 1)
          + "] (one-hot token ids and the mask bit), got " + share);
    }
    int b = share.dim(0), t = share.dim(1), width = vocab + 1, rows = b * t;
    long[] src = share.data();
    long[] oneHot = new long[Math.multiplyExact(rows, vocab)];
    long[] mask = new long[rows];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(src, r * width, oneHot, r * vocab, vocab);
      mask[r] = src[r * width + vocab];
    }
    return new Parts(b, t, RingTensor.of(oneHot, rows, vocab), RingTensor.of(mask, b, t));
  }
}
