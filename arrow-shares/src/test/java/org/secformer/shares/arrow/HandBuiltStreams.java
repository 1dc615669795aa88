package org.secformer.shares.arrow;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Streams written with Arrow's own writer, bypassing {@link ShareIpc}, so tests can produce what our
 * writer never would: foreign schemas, nulls, duplicate row ids, batch counts of 0 or 2.
 */
final class HandBuiltStreams {
  private HandBuiltStreams() {}

  /** The schema our writer would use for {@code rows x rowShape} batches of party 0. */
  static Schema validSchema(int... rowShape) {
    return ShareSchema.build(new ShareSchema.Header("hand", 0, 16, rowShape));
  }

  static Schema withMetadata(Schema s, String key, String valueOrNullToRemove) {
    Map<String, String> meta = new HashMap<>(s.getCustomMetadata());
    if (valueOrNullToRemove == null) {
      meta.remove(key);
    } else {
      meta.put(key, valueOrNullToRemove);
    }
    return new Schema(s.getFields(), meta);
  }

  static Schema withFields(Schema s, List<Field> fields) {
    return new Schema(fields, s.getCustomMetadata());
  }

  /** Writes one record batch per filler; each filler sets the root's vectors and row count. */
  @SafeVarargs
  static byte[] write(BufferAllocator allocator, Schema schema, Consumer<VectorSchemaRoot>... batches) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
        ArrowStreamWriter writer = new ArrowStreamWriter(root, null, out)) {
      writer.start();
      for (Consumer<VectorSchemaRoot> fill : batches) {
        fill.accept(root);
        writer.writeBatch();
      }
      writer.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Fills row ids and a payload of {@code values.length / ids.length} elements per row, using
   * whatever integer vector types the schema has; {@code null} entries become nulls.
   */
  static Consumer<VectorSchemaRoot> rows(Long[] ids, Long[] values) {
    return root -> {
      root.clear();
      BigIntVector rowId = (BigIntVector) root.getVector(0);
      rowId.allocateNew(ids.length);
      for (int i = 0; i < ids.length; i++) {
        if (ids[i] != null) {
          rowId.set(i, ids[i]);
        }
      }
      rowId.setValueCount(ids.length);
      FixedSizeListVector payload = (FixedSizeListVector) root.getVector(1);
      payload.allocateNew();
      BaseFixedWidthVector items = (BaseFixedWidthVector) payload.getDataVector();
      for (int i = 0; i < values.length; i++) {
        if (values[i] == null) {
          continue;
        }
        if (items instanceof BigIntVector big) {
          big.setSafe(i, values[i]);
        } else {
          ((IntVector) items).setSafe(i, values[i].intValue());
        }
      }
      for (int r = 0; r < ids.length; r++) {
        payload.setNotNull(r);
      }
      payload.setValueCount(ids.length);
      root.setRowCount(ids.length);
    };
  }

  static Long[] boxed(long... v) {
    List<Long> out = new ArrayList<>();
    for (long x : v) {
      out.add(x);
    }
    return out.toArray(new Long[0]);
  }
}
