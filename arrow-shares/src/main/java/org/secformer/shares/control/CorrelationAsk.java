package org.secformer.shares.control;

import java.util.Arrays;

/**
 * A computing party asks the dealer for its corrections of one correlation: position {@code seq} in the
 * job, {@code kind} (the engine's correlation kind name), its parameters and key. The answer is a
 * tensor frame with the same job and sequence number.
 */
public record CorrelationAsk(String jobId, long seq, String kind, int[] dims, String key)
    implements ControlMessage {
  public CorrelationAsk {
    Checks.requireText("jobId", jobId);
    Checks.requireText("kind", kind);
    if (dims == null || key == null) {
      throw new IllegalArgumentException("dims and key must not be null");
    }
    dims = dims.clone();
  }

  @Override
  public int[] dims() {
    return dims.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CorrelationAsk c && c.jobId.equals(jobId) && c.seq == seq && c.kind.equals(kind)
        && Arrays.equals(c.dims, dims) && c.key.equals(key);
  }

  @Override
  public int hashCode() {
    return jobId.hashCode() * 31 + Long.hashCode(seq) + kind.hashCode() + Arrays.hashCode(dims);
  }

  @Override
  public String toString() {
    return "CorrelationAsk[" + jobId + " #" + seq + " " + kind + Arrays.toString(dims) + " " + key + "]";
  }
}
