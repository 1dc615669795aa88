package org.secformer.spark.source;

import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.secformer.shares.arrow.ShareBatch;

/**
 * Walks one committed task's output: the rows of its share batches in written order, then its null
 * rows. Subclasses say what a share row and a null row become.
 */
abstract class OutputReader implements PartitionReader<InternalRow> {
  private final long[] nullIds;
  private List<ShareBatch> batches;
  private int batch = -1;
  private long[] ids;
  private int row = -1;
  private int nullAt = -1;
  private InternalRow current;

  OutputReader(long[] nullIds) {
    this.nullIds = nullIds;
  }

  /** The share batches to walk (loaded on the first {@link #next}); empty when the task has no file. */
  abstract List<ShareBatch> load();

  /** Called once before the rows of batch {@code b}. */
  abstract void enter(int b);

  abstract InternalRow shareRow(long id, int r);

  abstract InternalRow nullRow(long id);

  @Override
  public boolean next() {
    if (batches == null) {
      batches = load();
    }
    while (true) {
      if (ids != null && ++row < ids.length) {
        current = shareRow(ids[row], row);
        return true;
      }
      if (batch + 1 >= batches.size()) {
        break;
      }
      batch++;
      ids = batches.get(batch).rowIds();
      row = -1;
      enter(batch);
    }
    if (++nullAt < nullIds.length) {
      current = nullRow(nullIds[nullAt]);
      return true;
    }
    return false;
  }

  @Override
  public InternalRow get() {
    return current;
  }

  @Override
  public void close() {
    batches = List.of();
  }
}
