package org.secformer.shares.arrow;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The Arrow schema of a share batch stream, format version 1.
 *
 * <pre>
 *   row_id   Int64 not null
 *   payload  FixedSizeList&lt;Int64 not null&gt;(product of row_shape) not null
 *   custom metadata: secformer.format.version = "1", secformer.row_shape = "128,384" ("" for scalar
 *   rows), secformer.party = "0"|"1", secformer.frac_bits = "16", secformer.model_id = free text
 * </pre>
 *
 * Everything that is constant for a stream lives in the schema, so chunks of one stream cannot
 * disagree about model, party, fixed-point scale or row shape.
 */
final class ShareSchema {
  static final String ROW_ID = "row_id";
  static final String PAYLOAD = "payload";
  static final String PAYLOAD_ITEM = "item";

  static final String KEY_VERSION = "secformer.format.version";
  static final String KEY_ROW_SHAPE = "secformer.row_shape";
  static final String KEY_PARTY = "secformer.party";
  static final String KEY_FRAC_BITS = "secformer.frac_bits";
  static final String KEY_MODEL_ID = "secformer.model_id";
  static final String FORMAT_VERSION = "1";

  private static final ArrowType.Int INT64 = new ArrowType.Int(64, true);

  private ShareSchema() {}

  /** What a stream's schema says about every batch in it. */
  record Header(String modelId, int partyId, int fracBits, int[] rowShape) {
    static Header of(ShareBatch batch) {
      return new Header(batch.modelId(), batch.partyId(), batch.fracBits(), batch.rowShape());
    }

    /** Elements per row: the FixedSizeList size. Empty shape = one element. */
    int rowElements() {
      return elementCount(rowShape);
    }

    boolean matches(ShareBatch batch) {
      return modelId.equals(batch.modelId())
          && partyId == batch.partyId()
          && fracBits == batch.fracBits()
          && Arrays.equals(rowShape, batch.rowShape());
    }

    @Override
    public String toString() {
      return "model=" + modelId + ", party=" + partyId + ", fracBits=" + fracBits
          + ", rowShape=" + Arrays.toString(rowShape);
    }
  }

  static Schema build(Header h) {
    Field item = new Field(PAYLOAD_ITEM, FieldType.notNullable(INT64), null);
    Field payload =
        new Field(
            PAYLOAD,
            FieldType.notNullable(new ArrowType.FixedSizeList(h.rowElements())),
            List.of(item));
    Field rowId = new Field(ROW_ID, FieldType.notNullable(INT64), null);
    Map<String, String> meta = new HashMap<>();
    meta.put(KEY_VERSION, FORMAT_VERSION);
    meta.put(KEY_ROW_SHAPE, formatShape(h.rowShape()));
    meta.put(KEY_PARTY, Integer.toString(h.partyId()));
    meta.put(KEY_FRAC_BITS, Integer.toString(h.fracBits()));
    meta.put(KEY_MODEL_ID, h.modelId());
    return new Schema(List.of(rowId, payload), meta);
  }

  /** Checks a schema read from a stream and extracts its header; anything unexpected is rejected. */
  static Header validate(Schema schema) {
    Map<String, String> meta = schema.getCustomMetadata();
    if (meta == null) {
      meta = Map.of();
    }
    // The version decides how everything else is read, so it is checked first.
    String version = require(meta, KEY_VERSION);
    if (!FORMAT_VERSION.equals(version)) {
      throw new ShareFormatException(
          "unknown format version '" + version + "' in metadata " + KEY_VERSION
              + "; this reader understands version " + FORMAT_VERSION);
    }
    List<Field> fields = schema.getFields();
    if (fields.size() != 2) {
      throw new ShareFormatException(
          "expected 2 fields (" + ROW_ID + ", " + PAYLOAD + ") but the schema has "
              + fields.size() + ": " + names(fields));
    }
    Field rowId = fields.get(0);
    requireField(rowId, ROW_ID, 0);
    requireInt64(rowId, ROW_ID);
    if (!rowId.getChildren().isEmpty()) {
      throw new ShareFormatException("field '" + ROW_ID + "' must have no children");
    }
    int listSize = requirePayload(fields.get(1));

    int[] rowShape = parseShape(require(meta, KEY_ROW_SHAPE));
    long expected = elementCount(rowShape);
    if (expected != listSize) {
      throw new ShareFormatException(
          "metadata " + KEY_ROW_SHAPE + "='" + meta.get(KEY_ROW_SHAPE) + "' has " + expected
              + " elements per row but the payload list size is " + listSize);
    }
    int party = parseInt(meta, KEY_PARTY);
    if (party != 0 && party != 1) {
      throw new ShareFormatException("metadata " + KEY_PARTY + " must be 0 or 1, got " + party);
    }
    int fracBits = parseInt(meta, KEY_FRAC_BITS);
    if (fracBits < 0 || fracBits > 40) {
      throw new ShareFormatException(
          "metadata " + KEY_FRAC_BITS + " must be in [0, 40], got " + fracBits);
    }
    return new Header(require(meta, KEY_MODEL_ID), party, fracBits, rowShape);
  }

  private static int requirePayload(Field payload) {
    requireField(payload, PAYLOAD, 1);
    if (!(payload.getType() instanceof ArrowType.FixedSizeList list)) {
      throw new ShareFormatException(
          "field '" + PAYLOAD + "' must be FixedSizeList<Int64>, got type " + payload.getType());
    }
    if (payload.getChildren().size() != 1) {
      throw new ShareFormatException(
          "field '" + PAYLOAD + "' must have one child field, got " + payload.getChildren().size());
    }
    requireInt64(payload.getChildren().get(0), PAYLOAD + " item");
    return list.getListSize();
  }

  private static void requireField(Field f, String name, int index) {
    if (!name.equals(f.getName())) {
      throw new ShareFormatException(
          "field " + index + " must be '" + name + "', got '" + f.getName() + "'");
    }
    if (f.isNullable()) {
      throw new ShareFormatException("field '" + name + "' must be declared not null");
    }
    if (f.getDictionary() != null) {
      throw new ShareFormatException("field '" + name + "' must not be dictionary-encoded");
    }
  }

  private static void requireInt64(Field f, String what) {
    if (!INT64.equals(f.getType())) {
      throw new ShareFormatException(
          "field '" + what + "' must have type Int64 (signed), got type " + f.getType());
    }
    if (f.isNullable()) {
      throw new ShareFormatException("field '" + what + "' must be declared not null");
    }
  }

  private static String require(Map<String, String> meta, String key) {
    String v = meta.get(key);
    if (v == null) {
      throw new ShareFormatException(
          "missing metadata key " + key + " (schema metadata keys: " + meta.keySet() + ")");
    }
    return v;
  }

  private static int parseInt(Map<String, String> meta, String key) {
    String v = require(meta, key);
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new ShareFormatException("malformed metadata " + key + "='" + v + "': not an integer", e);
    }
  }

  static String formatShape(int[] shape) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < shape.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(shape[i]);
    }
    return sb.toString();
  }

  /** Inverse of {@link #formatShape}: "" is a scalar row, otherwise comma-separated dimensions. */
  static int[] parseShape(String s) {
    if (s.isEmpty()) {
      return new int[0];
    }
    String[] parts = s.split(",", -1);
    int[] shape = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      // Digits only: parseInt alone would also accept "+5" and "-0".
      if (parts[i].isEmpty() || !parts[i].chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw malformedShape(s);
      }
      try {
        shape[i] = Integer.parseInt(parts[i]);
      } catch (NumberFormatException e) {
        throw malformedShape(s);
      }
      if (shape[i] == 0) {
        throw malformedShape(s); // a FixedSizeList cannot have size 0
      }
    }
    if (elementCountOrNegative(shape) < 0) {
      throw new ShareFormatException(
          "metadata " + KEY_ROW_SHAPE + "='" + s + "' describes a row too large for one tensor");
    }
    return shape;
  }

  private static ShareFormatException malformedShape(String s) {
    return new ShareFormatException(
        "malformed metadata " + KEY_ROW_SHAPE + "='" + s
            + "': expected comma-separated positive integers such as 128,384");
  }

  static int elementCount(int[] shape) {
    long n = elementCountOrNegative(shape);
    if (n < 0) {
      throw new IllegalArgumentException("row shape " + Arrays.toString(shape) + " is too large");
    }
    return (int) n;
  }

  // -1 when the product leaves int range: a row must fit in one RingTensor.
  private static long elementCountOrNegative(int[] shape) {
    long n = 1;
    for (int d : shape) {
      n *= d;
      if (n > Integer.MAX_VALUE - 8) {
        return -1;
      }
    }
    return n;
  }

  private static String names(List<Field> fields) {
    return fields.stream().map(Field::getName).toList().toString();
  }
}
