package org.secformer.shares.arrow;

import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalLong;
import org.secformer.shares.ring.RingTensor;

/**
 * One party's share of a batch of rows: payload shape is [rows, rowShape...].
 *
 * <p>{@code rowIds} is copied on the way in and out (it is small, and a row id that changes after
 * validation could lose or duplicate a row); {@code payload} is not copied because it is the bulk of the
 * data and copying it would halve encoding throughput.
 *
 * @param modelId the model whose inputs these are (free text, may be empty)
 * @param partyId 0 or 1: which computing party this share belongs to
 * @param fracBits fixed-point fractional bits the payload was encoded with, in [0, 40]
 * @param rowIds one unique id per row, in payload order
 * @param payload this party's additive share, rank at least 1, dim(0) == rowIds.length
 */
public record ShareBatch(String modelId, int partyId, int fracBits, long[] rowIds, RingTensor payload) {
  public ShareBatch {
    if (modelId == null) {
      throw new IllegalArgumentException("modelId is null");
    }
    if (partyId != 0 && partyId != 1) {
      throw new IllegalArgumentException("partyId must be 0 or 1, got " + partyId);
    }
    if (fracBits < 0 || fracBits > 40) {
      throw new IllegalArgumentException("fracBits must be in [0, 40], got " + fracBits);
    }
    if (rowIds == null) {
      throw new IllegalArgumentException("rowIds is null");
    }
    if (payload == null) {
      throw new IllegalArgumentException("payload is null");
    }
    if (payload.rank() < 1) {
      throw new IllegalArgumentException("payload needs rank >= 1 (rows first), got " + payload);
    }
    if (payload.dim(0) != rowIds.length) {
      throw new IllegalArgumentException(
          "payload " + payload + " has " + payload.dim(0) + " rows but rowIds has " + rowIds.length);
    }
    rowIds = rowIds.clone();
    OptionalLong dup = firstDuplicate(rowIds);
    if (dup.isPresent()) {
      throw new IllegalArgumentException("duplicate row id " + dup.getAsLong() + " in batch");
    }
  }

  /** A copy of the row ids. */
  @Override
  public long[] rowIds() {
    return rowIds.clone();
  }

  public int rows() {
    return rowIds.length;
  }

  /** Payload shape without the leading rows dimension; empty when each row is a single element. */
  public int[] rowShape() {
    int[] shape = payload.shape();
    return Arrays.copyOfRange(shape, 1, shape.length);
  }

  /** A row id that occurs more than once, if any. Sorts a copy: no boxing for large batches. */
  static OptionalLong firstDuplicate(long[] ids) {
    long[] sorted = ids.clone();
    Arrays.sort(sorted);
    for (int i = 1; i < sorted.length; i++) {
      if (sorted[i] == sorted[i - 1]) {
        return OptionalLong.of(sorted[i]);
      }
    }
    return OptionalLong.empty();
  }

  // Records compare arrays by reference; batches are equal when their contents are.
  @Override
  public boolean equals(Object o) {
    return o instanceof ShareBatch b
        && partyId == b.partyId
        && fracBits == b.fracBits
        && modelId.equals(b.modelId)
        && Arrays.equals(rowIds, b.rowIds)
        && payload.equals(b.payload);
  }

  @Override
  public int hashCode() {
    return Objects.hash(modelId, partyId, fracBits, Arrays.hashCode(rowIds), payload);
  }

  /** Shape, model and party only: the payload holds secret shares and must never reach a log. */
  @Override
  public String toString() {
    return "ShareBatch[model=" + modelId + ", party=" + partyId + ", fracBits=" + fracBits
        + ", rows=" + rows() + ", rowShape=" + Arrays.toString(rowShape()) + "]";
  }
}
