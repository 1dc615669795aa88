package org.secformer.shares.control;

import java.util.Arrays;

/**
 * Announces a batch of shared rows that follows in {@code chunks} data frames.
 *
 * @param rowShape shape of one row (may be empty for scalars); copied in and out, compared by content
 */
public record BatchHeader(String jobId, long batchSeq, int rows, int[] rowShape, int chunks)
    implements ControlMessage {

  public BatchHeader {
    Checks.requireText("jobId", jobId);
    Checks.requireNonNegative("batchSeq", batchSeq);
    Checks.requireNonNegative("rows", rows);
    rowShape = Checks.requireNonNull("rowShape", rowShape).clone();
    for (int d : rowShape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in rowShape " + Arrays.toString(rowShape));
      }
    }
    Checks.requireNonNegative("chunks", chunks);
  }

  @Override
  public int[] rowShape() {
    return rowShape.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BatchHeader b
        && batchSeq == b.batchSeq
        && rows == b.rows
        && chunks == b.chunks
        && jobId.equals(b.jobId)
        && Arrays.equals(rowShape, b.rowShape);
  }

  @Override
  public int hashCode() {
    int h = jobId.hashCode();
    h = 31 * h + Long.hashCode(batchSeq);
    h = 31 * h + rows;
    h = 31 * h + Arrays.hashCode(rowShape);
    return 31 * h + chunks;
  }

  @Override
  public String toString() {
    return "BatchHeader[jobId=" + jobId + ", batchSeq=" + batchSeq + ", rows=" + rows
        + ", rowShape=" + Arrays.toString(rowShape) + ", chunks=" + chunks + "]";
  }
}
