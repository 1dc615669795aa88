package org.secformer.shares.arrow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Writing a stream one batch at a time gives the same bytes as writing the list at once. */
class ShareStreamWriterTest extends AllocatorTestBase {

  @Test
  void batchByBatchEqualsWriteAllAndReadsBackInOrder() {
    List<ShareBatch> chunks =
        List.of(Batches.random(1, 0, 4, 2), Batches.random(2, 0, 1, 2), Batches.random(3, 0, 6, 2));
    ByteArrayOutputStream streamed = new ByteArrayOutputStream();
    try (ShareStreamWriter w = ipc.openStream(streamed)) {
      for (ShareBatch b : chunks) {
        w.write(b);
      }
      assertEquals(3, w.batches());
    }
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    ipc.writeAll(chunks, all);
    assertEquals(chunks, ipc.readAll(new ByteArrayInputStream(streamed.toByteArray())));
    assertArrayEquals(all.toByteArray(), streamed.toByteArray(), "same bytes as writeAll");
  }

  @Test
  void aBatchOfAnotherSchemaIsRejectedAndTheStreamStillEnds() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ShareBatch first = Batches.random(4, 1, 2, 3);
    try (ShareStreamWriter w = ipc.openStream(out)) {
      w.write(first);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> w.write(Batches.random(5, 0, 2, 3)));
      assertTrue(e.getMessage().contains("batch 1") && e.getMessage().contains("schema"), e.getMessage());
    }
    assertEquals(List.of(first), ipc.readAll(new ByteArrayInputStream(out.toByteArray())));
  }

  @Test
  void noBatchWritesNothingAndAClosedWriterRefuses() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ShareStreamWriter w = ipc.openStream(out);
    w.close();
    assertEquals(0, out.size(), "no schema without a batch");
    assertThrows(IllegalStateException.class, () -> w.write(Batches.random(6, 0, 1, 1)));
  }
}
