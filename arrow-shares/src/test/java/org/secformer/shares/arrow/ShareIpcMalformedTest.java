package org.secformer.shares.arrow;

import static org.apache.arrow.vector.types.pojo.FieldType.notNullable;
import static org.apache.arrow.vector.types.pojo.FieldType.nullable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.secformer.shares.arrow.HandBuiltStreams.boxed;
import static org.secformer.shares.arrow.HandBuiltStreams.rows;
import static org.secformer.shares.arrow.HandBuiltStreams.validSchema;
import static org.secformer.shares.arrow.HandBuiltStreams.withFields;
import static org.secformer.shares.arrow.HandBuiltStreams.withMetadata;
import static org.secformer.shares.arrow.HandBuiltStreams.write;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every kind of bad input gives a ShareFormatException whose message names the problem, and no leak. */
class ShareIpcMalformedTest extends AllocatorTestBase {
  private static final ArrowType INT64 = new ArrowType.Int(64, true);

  // ---------------------------------------------------------------- truncation

  @Test
  void truncationAtEveryOffsetIsReportedAsTruncated() {
    byte[] whole = ipc.toBytes(Batches.random(1, 0, 3, 2, 3));
    for (int cut = 0; cut < whole.length; cut++) {
      byte[] part = Arrays.copyOf(whole, cut);
      assertFormatError("truncated", () -> ipc.fromBytes(part), "cut at " + cut);
      assertFormatError("truncated", () -> ipc.readAll(new ByteArrayInputStream(part)), "cut at " + cut);
    }
  }

  @Test
  void truncationOfAMultiBatchStreamAtABatchBoundaryIsNotACleanEnd() {
    ByteArrayOutputStream one = new ByteArrayOutputStream();
    ByteArrayOutputStream two = new ByteArrayOutputStream();
    ShareBatch a = Batches.random(2, 1, 4, 8);
    ShareBatch b = Batches.random(3, 1, 4, 8);
    ipc.writeAll(List.of(a), one);
    ipc.writeAll(List.of(a, b), two);
    // Without its 8-byte end marker, the one-batch stream is a prefix of the two-batch stream that
    // ends exactly between messages: Arrow alone would call that a complete stream.
    byte[] cut = Arrays.copyOf(two.toByteArray(), one.size() - 8);
    assertFormatError("without the end-of-stream marker", () -> ipc.readAll(new ByteArrayInputStream(cut)), "");
  }

  @Test
  void emptyInputIsTruncated() {
    assertFormatError("input is empty", () -> ipc.fromBytes(new byte[0]), "");
  }

  // ---------------------------------------------------------------- corruption

  @Test
  void everySingleByteFlipIsRejectedOrDecodesWithoutLeaking() {
    ShareBatch batch = Batches.random(4, 1, 3, 2, 3);
    byte[] good = ipc.toBytes(batch);
    int rejected = 0;
    for (int i = 0; i < good.length; i++) {
      for (int mask : new int[] {0x01, 0x80, 0xFF}) {
        byte[] bad = good.clone();
        bad[i] ^= (byte) mask;
        try {
          ipc.fromBytes(bad);
        } catch (ShareFormatException e) {
          rejected++;
          assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "empty message at byte " + i);
        } catch (RuntimeException | Error e) {
          fail("flip 0x" + Integer.toHexString(mask) + " at byte " + i + " escaped as " + e, e);
        }
        assertEquals(0, allocator.getAllocatedMemory(), "leak after flip at byte " + i);
      }
    }
    // Payload values, padding and free-text metadata have no redundancy (Arrow IPC has no checksum),
    // so some flips decode; everything structural must not.
    assertTrue(rejected > good.length, rejected + " of " + 3 * good.length + " flips rejected");
  }

  @Test
  void randomMultiByteCorruptionOfAStreamNeverEscapesOrLeaks() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ipc.writeAll(List.of(Batches.random(12, 1, 3, 2, 3), Batches.random(13, 1, 2, 2, 3)), out);
    byte[] good = out.toByteArray();
    Random rnd = new Random(14);
    // A limit, as recommended for untrusted streams: a corrupted body length then fails fast.
    try (BufferAllocator limited = allocator.newChildAllocator("fuzz", 0, 64 << 20)) {
      ShareIpc limitedIpc = new ShareIpc(limited);
      for (int trial = 0; trial < 3000; trial++) {
        byte[] bad = good.clone();
        for (int k = 1 + rnd.nextInt(4); k > 0; k--) {
          bad[rnd.nextInt(bad.length)] ^= (byte) (1 + rnd.nextInt(255));
        }
        try {
          limitedIpc.readAll(new ByteArrayInputStream(bad));
        } catch (ShareFormatException expected) {
          // the point: nothing else may come out
        } catch (RuntimeException | Error e) {
          fail("trial " + trial + " escaped as " + e, e);
        }
        assertEquals(0, limited.getAllocatedMemory(), "leak in trial " + trial);
      }
    }
  }

  @Test
  void hugeDeclaredHeaderLengthIsRejectedBeforeAllocating() {
    byte[] bad = ipc.toBytes(Batches.random(5, 0, 2, 2));
    bad[7] = 0x7F; // the schema message's int32 length, after the 0xFFFFFFFF continuation token
    assertFormatError("corrupted", () -> ipc.fromBytes(bad), "");
  }

  @Test
  void garbageHeaderFlatbufferIsCorrupted() {
    byte[] bad = ipc.toBytes(Batches.random(6, 0, 2, 2));
    // Bytes 8..11 are the flatbuffer's root table offset: point it far outside the header.
    ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 0x7FFF_FFF0);
    assertFormatError("corrupted", () -> ipc.fromBytes(bad), "");
  }

  @Test
  void randomGarbageIsCorrupted() {
    Random rnd = new Random(7);
    for (int n : new int[] {1, 7, 8, 64, 1000}) {
      byte[] garbage = new byte[n];
      rnd.nextBytes(garbage);
      garbage[0] = 0x10; // a plausible small first length, so the reader goes on to parse a header
      assertFormatError("stream", () -> ipc.fromBytes(garbage), n + " bytes");
    }
  }

  @Test
  void flippedValidityBitInTheBodyIsANull() {
    ShareBatch batch = Batches.random(8, 0, 2, 2);
    byte[] good = ipc.toBytes(batch);
    // Body layout: row_id validity, row_id data, payload validity, item validity, item data, each
    // padded to 8 bytes. Clear the first item's validity bit, found as the byte holding 0x0F (4 items).
    int bodyStart = bodyStartOfFirstBatch(good);
    int itemValidity = bodyStart + 8 + 16 + 8;
    assertEquals(0x0F, good[itemValidity]);
    byte[] bad = good.clone();
    bad[itemValidity] = 0x0E;
    assertFormatError("null payload values", () -> ipc.fromBytes(bad), "");
  }

  @Test
  void trailingBytesAfterTheEndMarkerAreRejected() {
    byte[] good = ipc.toBytes(Batches.random(9, 0, 2, 2));
    byte[] longer = Arrays.copyOf(good, good.length + 3);
    assertFormatError("trailing", () -> ipc.fromBytes(longer), "");
  }

  // ---------------------------------------------------------------- wrong schema or metadata

  @Test
  void int32PayloadIsAWrongType() {
    Field item = new Field("item", notNullable(new ArrowType.Int(32, true)), null);
    Schema s = withFields(validSchema(2), List.of(
        new Field("row_id", notNullable(INT64), null),
        new Field("payload", notNullable(new ArrowType.FixedSizeList(2)), List.of(item))));
    byte[] bytes = write(allocator, s, rows(boxed(1, 2), boxed(1, 2, 3, 4)));
    assertFormatError("must have type Int64", () -> ipc.fromBytes(bytes), "");
  }

  @Test
  void missingOrRenamedOrExtraFieldsAreRejected() {
    Schema base = validSchema(2);
    Field rowId = base.getFields().get(0);
    Field payload = base.getFields().get(1);
    Schema onlyRowId = withFields(base, List.of(rowId));
    assertFormatError("expected 2 fields", () -> ipc.fromBytes(write(allocator, onlyRowId)), "");
    Schema renamed = withFields(base, List.of(new Field("id", notNullable(INT64), null), payload));
    assertFormatError("field 0 must be 'row_id'", () -> ipc.fromBytes(write(allocator, renamed)), "");
    Schema nullableIds = withFields(base, List.of(new Field("row_id", nullable(INT64), null), payload));
    assertFormatError("must be declared not null", () -> ipc.fromBytes(write(allocator, nullableIds)), "");
    Schema plainList = withFields(base, List.of(rowId,
        new Field("payload", notNullable(ArrowType.List.INSTANCE), payload.getChildren())));
    assertFormatError("must be FixedSizeList", () -> ipc.fromBytes(write(allocator, plainList)), "");
  }

  @Test
  void missingMetadataIsRejected() {
    Schema noMeta = new Schema(validSchema(2).getFields());
    assertFormatError("missing metadata key secformer.format.version",
        () -> ipc.fromBytes(write(allocator, noMeta, rows(boxed(1), boxed(5, 6)))), "");
    for (String key : new String[] {ShareSchema.KEY_ROW_SHAPE, ShareSchema.KEY_PARTY,
        ShareSchema.KEY_FRAC_BITS, ShareSchema.KEY_MODEL_ID}) {
      Schema s = withMetadata(validSchema(2), key, null);
      assertFormatError("missing metadata key " + key,
          () -> ipc.fromBytes(write(allocator, s, rows(boxed(1), boxed(5, 6)))), key);
    }
  }

  @Test
  void malformedMetadataIsRejected() {
    assertMetadataError(ShareSchema.KEY_VERSION, "2", "unknown format version '2'");
    assertMetadataError(ShareSchema.KEY_PARTY, "2", "secformer.party must be 0 or 1, got 2");
    assertMetadataError(ShareSchema.KEY_PARTY, "zero", "malformed metadata secformer.party='zero'");
    assertMetadataError(ShareSchema.KEY_FRAC_BITS, "41", "secformer.frac_bits must be in [0, 40], got 41");
    assertMetadataError(ShareSchema.KEY_ROW_SHAPE, "1,x", "malformed metadata secformer.row_shape='1,x'");
    assertMetadataError(ShareSchema.KEY_ROW_SHAPE, "2,", "malformed metadata secformer.row_shape='2,'");
    assertMetadataError(ShareSchema.KEY_ROW_SHAPE, "-2", "malformed metadata secformer.row_shape='-2'");
    assertMetadataError(ShareSchema.KEY_ROW_SHAPE, "2,0", "malformed metadata secformer.row_shape='2,0'");
  }

  @Test
  void rowShapeThatDoesNotMatchTheListSizeIsRejected() {
    Schema s = withMetadata(validSchema(2, 3), ShareSchema.KEY_ROW_SHAPE, "3,3");
    byte[] bytes = write(allocator, s, rows(boxed(1), boxed(1, 2, 3, 4, 5, 6)));
    assertFormatError("secformer.row_shape='3,3' has 9 elements per row but the payload list size is 6",
        () -> ipc.fromBytes(bytes), "");
  }

  // ---------------------------------------------------------------- row invariants

  @Test
  void nullsAreRejected() {
    Schema s = validSchema(2);
    Long[] ids = boxed(1, 2);
    Long[] withNullValue = {1L, 2L, null, 4L};
    assertFormatError("1 null payload values",
        () -> ipc.fromBytes(write(allocator, s, rows(ids, withNullValue))), "");
    assertFormatError("1 null row_id",
        () -> ipc.fromBytes(write(allocator, s, rows(new Long[] {1L, null}, boxed(1, 2, 3, 4)))), "");
    assertFormatError("1 null payload rows",
        () -> ipc.fromBytes(write(allocator, s, rows(ids, boxed(1, 2, 3, 4))
            .andThen(root -> ((FixedSizeListVector) root.getVector(1)).setNull(1)))), "");
  }

  @Test
  void duplicateRowIdsAreRejected() {
    byte[] bytes = write(allocator, validSchema(1), rows(boxed(4, 9, 4), boxed(1, 2, 3)));
    assertFormatError("duplicate row id 4", () -> ipc.fromBytes(bytes), "");
    assertFormatError("duplicate row id 4", () -> ipc.readAll(new ByteArrayInputStream(bytes)), "");
  }

  @Test
  void schemaOnlyStreamHasNoBatchForFromBytes() {
    byte[] bytes = write(allocator, validSchema(2));
    assertFormatError("holds none", () -> ipc.fromBytes(bytes), "");
    assertEquals(List.of(), ipc.readAll(new ByteArrayInputStream(bytes)));
  }

  @Test
  void twoBatchesAreTooManyForFromBytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ipc.writeAll(List.of(Batches.random(10, 0, 1, 2), Batches.random(11, 0, 1, 2)), out);
    assertFormatError("expected exactly 1 record batch", () -> ipc.fromBytes(out.toByteArray()), "");
  }

  // ---------------------------------------------------------------- helpers

  private void assertMetadataError(String key, String value, String expected) {
    Schema s = withMetadata(validSchema(2), key, value);
    byte[] bytes = write(allocator, s, rows(boxed(1), boxed(5, 6)));
    assertFormatError(expected, () -> ipc.fromBytes(bytes), key + "=" + value);
  }

  private static void assertFormatError(String expected, Executable call, String context) {
    ShareFormatException e = assertThrows(ShareFormatException.class, call, context);
    assertTrue(e.getMessage().contains(expected),
        () -> context + ": message '" + e.getMessage() + "' lacks '" + expected + "'");
  }

  /** Skips the schema message and the first batch's header: continuation, length, padded header. */
  private static int bodyStartOfFirstBatch(byte[] stream) {
    ByteBuffer b = ByteBuffer.wrap(stream).order(ByteOrder.LITTLE_ENDIAN);
    int schemaEnd = 8 + b.getInt(4);
    return schemaEnd + 8 + b.getInt(schemaEnd + 4);
  }
}
