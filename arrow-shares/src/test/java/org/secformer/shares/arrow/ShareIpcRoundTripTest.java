package org.secformer.shares.arrow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.secformer.shares.ring.RingTensor;

class ShareIpcRoundTripTest extends AllocatorTestBase {

  static Stream<Arguments> shapes() {
    return Stream.of(
        Arguments.of(1, new int[0]), // rank 1: one scalar per row
        Arguments.of(37, new int[0]),
        Arguments.of(5, new int[] {3}), // rank 2
        Arguments.of(3, new int[] {7, 11}), // rank 3, odd sizes exercise the validity-bit tail
        Arguments.of(2, new int[] {4, 128, 6}), // rank 4
        Arguments.of(0, new int[0]), // zero rows
        Arguments.of(0, new int[] {128, 384}));
  }

  @ParameterizedTest(name = "{0} rows of {1}")
  @MethodSource("shapes")
  void roundTripIsBitExact(int rows, int[] rowShape) {
    for (int party = 0; party <= 1; party++) {
      ShareBatch batch = Batches.random(rows * 31L + party, party, rows, rowShape);
      byte[] bytes = ipc.toBytes(batch);
      assertTrue(bytes.length <= ShareIpc.sizeEstimate(batch), "output buffer had to grow");
      ShareBatch back = ipc.fromBytes(bytes);
      assertEquals(batch, back);
      assertArrayEquals(batch.payload().data(), back.payload().data());
      assertArrayEquals(batch.payload().shape(), back.payload().shape());
      assertArrayEquals(rowShape, back.rowShape());
    }
  }

  @Test
  void keepsModelPartyAndFracBits() {
    ShareBatch batch =
        new ShareBatch("a model, with \"odd\" chars: é", 1, 40, new long[] {3, 1, 2},
            RingTensor.of(new long[] {-1, 0, Long.MIN_VALUE}, 3));
    ShareBatch back = ipc.fromBytes(ipc.toBytes(batch));
    assertEquals("a model, with \"odd\" chars: é", back.modelId());
    assertEquals(1, back.partyId());
    assertEquals(40, back.fracBits());
    assertArrayEquals(new long[] {3, 1, 2}, back.rowIds()); // order kept, not sorted
  }

  @Test
  void writesTheDocumentedSchema() throws IOException {
    byte[] bytes = ipc.toBytes(Batches.random(1, 0, 2, 128, 384));
    try (ArrowStreamReader reader = new ArrowStreamReader(new ByteArrayInputStream(bytes), allocator)) {
      Schema schema = reader.getVectorSchemaRoot().getSchema();
      assertTrue(schema.toString().startsWith("Schema<row_id: Int(64, true) not null, payload: "
          + "FixedSizeList(49152)<item: Int(64, true) not null> not null>"), schema.toString());
      assertEquals("1", schema.getCustomMetadata().get("secformer.format.version"));
      assertEquals("128,384", schema.getCustomMetadata().get("secformer.row_shape"));
      assertEquals("0", schema.getCustomMetadata().get("secformer.party"));
      assertEquals("16", schema.getCustomMetadata().get("secformer.frac_bits"));
      assertEquals("minilm-l6-v2", schema.getCustomMetadata().get("secformer.model_id"));
      assertTrue(reader.loadNextBatch());
      assertEquals(2, reader.getVectorSchemaRoot().getRowCount());
      assertFalse(reader.loadNextBatch());
    }
  }

  @Test
  void streamSizeIsPayloadPlusValidityBitsPlusSmallHeader() {
    ShareBatch batch = Batches.random(2, 0, 32, 128, 8);
    long payloadBytes = 8L * batch.payload().size();
    // Arrow Java always writes validity bitmaps, even for not-null fields: 1 bit per 64-bit value.
    long validityBytes = payloadBytes / 64;
    int size = ipc.toBytes(batch).length;
    assertTrue(size > payloadBytes + validityBytes && size < payloadBytes + validityBytes + 2048,
        "stream of " + size + " bytes");
  }

  @Test
  void rowsWithoutElementsCannotBeEncoded() {
    // Arrow's FixedSizeList needs a positive list size, so a zero in the row shape has no encoding.
    ShareBatch empty = new ShareBatch("m", 0, 16, new long[] {1, 2}, RingTensor.zeros(2, 3, 0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ipc.toBytes(empty));
    assertTrue(e.getMessage().contains("[3, 0]"), e.getMessage());
  }

  @Test
  void writeAllThenReadAllKeepsEveryChunkInOrder() {
    List<ShareBatch> chunks =
        List.of(
            Batches.random(10, 1, 4, 2, 3),
            withIds(Batches.random(11, 1, 0, 2, 3), new long[0]),
            withIds(Batches.random(12, 1, 7, 2, 3), new long[] {100, 101, 102, 103, 104, 105, 106}));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ipc.writeAll(chunks, out);
    List<ShareBatch> back = ipc.readAll(new ByteArrayInputStream(out.toByteArray()));
    assertEquals(chunks, back);
  }

  @Test
  void writeAndReadLeaveCallerStreamsOpenAndPositioned() throws IOException {
    ShareBatch first = Batches.random(20, 0, 3, 5);
    ShareBatch second = Batches.random(21, 1, 2, 1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ipc.write(first, out);
    ipc.write(second, out); // still open: a second stream follows the first
    out.write(42);
    ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
    assertEquals(List.of(first), ipc.readAll(in));
    assertEquals(List.of(second), ipc.readAll(in)); // the first read stopped at its end marker
    assertEquals(42, in.read());
  }

  @Test
  void writeAllRejectsChunksThatNeedAnotherSchema() {
    ShareBatch a = Batches.random(30, 0, 2, 3);
    ShareBatch otherParty = Batches.random(31, 1, 2, 3);
    ShareBatch otherShape = Batches.random(32, 0, 2, 4);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ipc.writeAll(List.of(a, otherParty), out));
    assertTrue(e.getMessage().contains("batch 1") && e.getMessage().contains("schema"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ipc.writeAll(List.of(a, otherShape), out));
    e = assertThrows(IllegalArgumentException.class, () -> ipc.writeAll(List.of(), out));
    assertTrue(e.getMessage().contains("at least one batch"), e.getMessage());
  }

  @Test
  void constructorRejectsNullAllocator() {
    assertThrows(NullPointerException.class, () -> new ShareIpc(null));
  }

  @Test
  void largeBatchRoundTrips() {
    ShareBatch batch = Batches.random(40, 1, 32, 128, 96);
    assertEquals(batch, ipc.fromBytes(ipc.toBytes(batch)));
  }

  private static ShareBatch withIds(ShareBatch b, long[] ids) {
    return new ShareBatch(b.modelId(), b.partyId(), b.fracBits(), ids, b.payload());
  }
}
