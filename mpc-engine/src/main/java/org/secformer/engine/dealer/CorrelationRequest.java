package org.secformer.engine.dealer;

import java.util.Arrays;

/**
 * One request for correlated randomness within a job. Both computing parties issue the same requests in
 * the same order, so {@code seq} names the same correlation at P0, P1 and the dealer, and selects the PRG
 * stream each of them expands it from.
 *
 * @param seq position of this correlation in the job (>= 0)
 * @param kind what to make
 * @param dims sizes and parameters, meaning per kind (see the recipes)
 * @param key a name for correlations that are reused, e.g. the weight a fixed matmul mask belongs to;
 *     empty otherwise
 */
public record CorrelationRequest(long seq, CorrelationKind kind, int[] dims, String key) {
  public CorrelationRequest {
    if (seq < 0 || seq >= PartyStreams.WEIGHT_STREAM_BIT) {
      throw new IllegalArgumentException("correlation sequence number out of range: " + seq);
    }
    if (kind == null || dims == null || key == null) {
      throw new IllegalArgumentException("correlation request needs kind, dims and key");
    }
    for (int d : dims) {
      if (d < 0) {
        throw new IllegalArgumentException("negative parameter in " + kind + " request: " + Arrays.toString(dims));
      }
    }
    dims = dims.clone();
  }

  public int dim(int i) {
    if (i >= dims.length) {
      throw new IllegalArgumentException(kind + " request needs at least " + (i + 1) + " parameters, got " + Arrays.toString(dims));
    }
    return dims[i];
  }

  @Override
  public int[] dims() {
    return dims.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CorrelationRequest r
        && r.seq == seq
        && r.kind == kind
        && Arrays.equals(r.dims, dims)
        && r.key.equals(key);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(seq) * 31 + kind.hashCode() * 17 + Arrays.hashCode(dims) + key.hashCode();
  }

  @Override
  public String toString() {
    return kind + "#" + seq + Arrays.toString(dims) + (key.isEmpty() ? "" : "(" + key + ")");
  }
}
