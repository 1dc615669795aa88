package org.secformer.shares.arrow;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.OptionalLong;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.util.ValueVectorUtility;
import org.secformer.shares.ring.RingTensor;

/**
 * Moves a {@link ShareBatch} into and out of the vectors of a {@link VectorSchemaRoot}.
 *
 * <p>Longs are copied in bulk through a little-endian {@code LongBuffer} view of the Arrow buffer
 * (Arrow's byte order), which the JDK turns into a memory copy on little-endian machines; a per-element
 * {@code setLong} with bounds checks would be several times slower on 3 M-element batches.
 */
final class ShareVectors {
  // nioBuffer takes an int length; copy in chunks so >2 GiB buffers never overflow it.
  private static final int CHUNK_LONGS = 1 << 24;

  private ShareVectors() {}

  /** Replaces the root's contents with {@code batch}; the root must have the batch's schema. */
  static void fill(VectorSchemaRoot root, ShareBatch batch) {
    int rows = batch.rows();
    long[] values = batch.payload().data();

    BigIntVector rowIds = (BigIntVector) root.getVector(ShareSchema.ROW_ID);
    rowIds.allocateNew(rows);
    copyIn(batch.rowIds(), rowIds.getDataBuffer());
    markAllValid(rowIds.getValidityBuffer(), rows);
    rowIds.setValueCount(rows);

    FixedSizeListVector payload = (FixedSizeListVector) root.getVector(ShareSchema.PAYLOAD);
    payload.setInitialCapacity(rows);
    payload.allocateNew();
    BigIntVector items = (BigIntVector) payload.getDataVector();
    if (items.getValueCapacity() < values.length) {
      // setInitialCapacity sizes the child as rows * listSize; a mismatch means a schema bug.
      throw new IllegalStateException(
          "payload child holds " + items.getValueCapacity() + " values, need " + values.length);
    }
    copyIn(values, items.getDataBuffer());
    markAllValid(items.getValidityBuffer(), values.length);
    markAllValid(payload.getValidityBuffer(), rows);
    payload.setValueCount(rows); // also sets the child's count to rows * listSize

    root.setRowCount(rows);
  }

  /** Reads the batch the reader just loaded into {@code root}, checking every row-level invariant. */
  static ShareBatch read(VectorSchemaRoot root, ShareSchema.Header header, int batchIndex) {
    int rows = root.getRowCount();
    String where = "record batch " + batchIndex;
    try {
      // Checks declared lengths against real buffer sizes, so the bulk copies below stay in bounds.
      ValueVectorUtility.validate(root);
    } catch (RuntimeException e) {
      throw new ShareFormatException(where + " is corrupted: " + e.getMessage(), e);
    }
    BigIntVector rowIds = (BigIntVector) root.getVector(ShareSchema.ROW_ID);
    FixedSizeListVector payload = (FixedSizeListVector) root.getVector(ShareSchema.PAYLOAD);
    BigIntVector items = (BigIntVector) payload.getDataVector();
    int rowElements = header.rowElements();
    long total = (long) rows * rowElements;
    if (total > Integer.MAX_VALUE - 8) {
      throw new ShareFormatException(
          where + " has " + rows + " rows of " + rowElements + " elements: too large for one tensor");
    }
    if (rowIds.getValueCount() != rows || payload.getValueCount() != rows) {
      throw new ShareFormatException(
          where + " is corrupted: row count " + rows + " but row_id has " + rowIds.getValueCount()
              + " and payload " + payload.getValueCount() + " values");
    }
    if (items.getValueCount() != total) {
      throw new ShareFormatException(
          where + " is corrupted: payload holds " + items.getValueCount() + " values, expected "
              + total + " (" + rows + " rows x " + rowElements + ")");
    }
    requireNoNulls(rowIds.getNullCount(), ShareSchema.ROW_ID, where);
    requireNoNulls(payload.getNullCount(), ShareSchema.PAYLOAD + " rows", where);
    requireNoNulls(items.getNullCount(), ShareSchema.PAYLOAD + " values", where);

    long[] ids = new long[rows];
    copyOut(rowIds.getDataBuffer(), ids);
    OptionalLong dup = ShareBatch.firstDuplicate(ids);
    if (dup.isPresent()) {
      throw new ShareFormatException(
          where + " has duplicate row id " + dup.getAsLong() + "; each row must appear exactly once");
    }
    long[] values = new long[(int) total];
    copyOut(items.getDataBuffer(), values);

    int[] rowShape = header.rowShape();
    int[] shape = new int[rowShape.length + 1];
    shape[0] = rows;
    System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
    try {
      return new ShareBatch(
          header.modelId(), header.partyId(), header.fracBits(), ids, RingTensor.of(values, shape));
    } catch (IllegalArgumentException e) {
      throw new ShareFormatException(where + " is not a valid share batch: " + e.getMessage(), e);
    }
  }

  private static void requireNoNulls(int nullCount, String what, String where) {
    if (nullCount != 0) {
      throw new ShareFormatException(
          where + " has " + nullCount + " null " + what + "; shares have no nulls");
    }
  }

  /** Sets the first {@code count} validity bits: whole bytes at once, the tail bit by bit. */
  private static void markAllValid(ArrowBuf validity, int count) {
    int fullBytes = count >>> 3;
    validity.setOne(0L, (long) fullBytes);
    for (long i = (long) fullBytes << 3; i < count; i++) {
      BitVectorHelper.setBit(validity, i);
    }
  }

  private static void copyIn(long[] src, ArrowBuf dst) {
    for (int from = 0; from < src.length; from += CHUNK_LONGS) {
      int n = Math.min(CHUNK_LONGS, src.length - from);
      view(dst, from, n).asLongBuffer().put(src, from, n);
    }
  }

  private static void copyOut(ArrowBuf src, long[] dst) {
    for (int from = 0; from < dst.length; from += CHUNK_LONGS) {
      int n = Math.min(CHUNK_LONGS, dst.length - from);
      view(src, from, n).asLongBuffer().get(dst, from, n);
    }
  }

  private static ByteBuffer view(ArrowBuf buf, int fromLong, int longs) {
    return buf.nioBuffer((long) fromLong * Long.BYTES, longs * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
  }
}
