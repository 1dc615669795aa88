package org.secformer.shares.arrow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.secformer.shares.ring.RingTensor;

class ShareBatchTest {
  private static final RingTensor TWO_ROWS = RingTensor.of(new long[] {1, 2, 3, 4, 5, 6}, 2, 3);

  @Test
  void rowsAndRowShapeDropTheLeadingDimension() {
    ShareBatch b = new ShareBatch("m", 1, 16, new long[] {7, 9}, TWO_ROWS);
    assertEquals(2, b.rows());
    assertArrayEquals(new int[] {3}, b.rowShape());
    ShareBatch scalarRows = new ShareBatch("m", 0, 16, new long[] {1, 2, 3}, RingTensor.of(new long[3], 3));
    assertArrayEquals(new int[0], scalarRows.rowShape());
  }

  @Test
  void rejectsBadArgumentsNamingTheValue() {
    long[] ids = {7, 9};
    assertMessage("modelId", () -> new ShareBatch(null, 0, 16, ids, TWO_ROWS));
    assertMessage("partyId must be 0 or 1, got 2", () -> new ShareBatch("m", 2, 16, ids, TWO_ROWS));
    assertMessage("fracBits must be in [0, 40], got 41", () -> new ShareBatch("m", 0, 41, ids, TWO_ROWS));
    assertMessage("fracBits must be in [0, 40], got -1", () -> new ShareBatch("m", 0, -1, ids, TWO_ROWS));
    assertMessage("rowIds is null", () -> new ShareBatch("m", 0, 16, null, TWO_ROWS));
    assertMessage("payload is null", () -> new ShareBatch("m", 0, 16, ids, null));
    assertMessage("has 2 rows but rowIds has 3", () -> new ShareBatch("m", 0, 16, new long[] {1, 2, 3}, TWO_ROWS));
    assertMessage("duplicate row id 7", () -> new ShareBatch("m", 0, 16, new long[] {7, 7}, TWO_ROWS));
  }

  @Test
  void rowIdsAreCopiedInAndOut() {
    long[] ids = {7, 9};
    ShareBatch b = new ShareBatch("m", 0, 16, ids, TWO_ROWS);
    ids[0] = 9; // would be a duplicate if the batch shared the array
    b.rowIds()[1] = 7;
    assertArrayEquals(new long[] {7, 9}, b.rowIds());
  }

  @Test
  void equalityComparesContents() {
    ShareBatch a = new ShareBatch("m", 0, 16, new long[] {7, 9}, TWO_ROWS.copy());
    ShareBatch b = new ShareBatch("m", 0, 16, new long[] {7, 9}, TWO_ROWS.copy());
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, new ShareBatch("m", 1, 16, new long[] {7, 9}, TWO_ROWS.copy()));
    assertNotEquals(a, new ShareBatch("m", 0, 16, new long[] {9, 7}, TWO_ROWS.copy()));
  }

  @Test
  void toStringShowsShapeButNoShareValues() {
    long secret = 0x1234_5678_9ABC_DEF0L;
    ShareBatch b =
        new ShareBatch("bert", 1, 16, new long[] {5}, RingTensor.of(new long[] {secret, secret}, 1, 2));
    String s = b.toString();
    assertTrue(s.contains("bert") && s.contains("party=1") && s.contains("[2]"), s);
    assertFalse(s.contains(Long.toString(secret)) || s.contains(Long.toHexString(secret)), s);
  }

  private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains(expected), () -> "message '" + e.getMessage() + "' lacks '" + expected + "'");
  }
}
