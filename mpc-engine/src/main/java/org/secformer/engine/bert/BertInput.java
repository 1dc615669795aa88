package org.secformer.engine.bert;

import java.util.Arrays;
import java.util.List;

/**
 * A padded batch of token sequences: input ids, attention mask (1 = real token, 0 = padding) and token
 * type ids, each [batch][seq]. Position ids are 0..seq-1 (right padding, as Hugging Face does).
 */
public record BertInput(int[][] inputIds, int[][] attentionMask, int[][] tokenTypeIds) {
  public BertInput {
    if (inputIds == null || inputIds.length == 0) {
      throw new IllegalArgumentException("a batch needs at least one sequence");
    }
    int t = inputIds[0].length;
    if (t == 0) {
      throw new IllegalArgumentException("sequences must not be empty");
    }
    if (attentionMask == null) {
      attentionMask = filled(inputIds.length, t, 1);
    }
    if (tokenTypeIds == null) {
      tokenTypeIds = filled(inputIds.length, t, 0);
    }
    if (attentionMask.length != inputIds.length || tokenTypeIds.length != inputIds.length) {
      throw new IllegalArgumentException("inputIds has " + inputIds.length + " rows but attentionMask has "
          + attentionMask.length + " and tokenTypeIds " + tokenTypeIds.length);
    }
    for (int b = 0; b < inputIds.length; b++) {
      if (inputIds[b].length != t || attentionMask[b].length != t || tokenTypeIds[b].length != t) {
        throw new IllegalArgumentException("row " + b + " is not " + t + " long in all of inputIds, attentionMask and"
            + " tokenTypeIds (pad the batch, e.g. with BertInput.padded)");
      }
      for (int v : attentionMask[b]) {
        if (v != 0 && v != 1) {
          throw new IllegalArgumentException("attention mask values must be 0 or 1, row " + b + " has " + v);
        }
      }
    }
  }

  /** Right-pads sequences of different lengths with {@code padId}; mask 1 on real tokens, types all 0. */
  public static BertInput padded(List<int[]> sequences, int padId) {
    int t = 0;
    for (int[] s : sequences) {
      t = Math.max(t, s.length);
    }
    return padded(sequences, padId, t);
  }

  /** As {@link #padded(List, int)}, to a given length (a length bucket) that every sequence fits. */
  public static BertInput padded(List<int[]> sequences, int padId, int length) {
    int[][] ids = new int[sequences.size()][length];
    int[][] mask = new int[sequences.size()][length];
    for (int b = 0; b < ids.length; b++) {
      int[] s = sequences.get(b);
      if (s.length > length) {
        throw new IllegalArgumentException("sequence " + b + " has " + s.length + " tokens, more than the padded length "
            + length);
      }
      Arrays.fill(ids[b], padId);
      System.arraycopy(s, 0, ids[b], 0, s.length);
      Arrays.fill(mask[b], 0, s.length, 1);
    }
    return new BertInput(ids, mask, null);
  }

  /** One unpadded sequence. */
  public static BertInput single(int... ids) {
    return new BertInput(new int[][] {ids.clone()}, null, null);
  }

  public int batch() {
    return inputIds.length;
  }

  public int seqLen() {
    return inputIds[0].length;
  }

  /** Number of real tokens in row b. */
  public int length(int b) {
    int n = 0;
    for (int v : attentionMask[b]) {
      n += v;
    }
    return n;
  }

  private static int[][] filled(int rows, int cols, int v) {
    int[][] a = new int[rows][cols];
    for (int[] r : a) {
      Arrays.fill(r, v);
    }
    return a;
  }
}
