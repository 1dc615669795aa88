package org.secformer.spark.source;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.secformer.shares.arrow.ShareBatch;

/**
 * One party's raw shares, rows (id, share): what that party's storage holds. Each share is uniformly
 * random on its own; only the sum with the other party's gives the outputs.
 */
final class PartyShareReader extends OutputReader {
  private final SecformerInputPartition part;
  private final PartyFiles files;
  private final int party;
  private List<ShareBatch> batches;
  private long[] data;
  private int width;

  PartyShareReader(SecformerInputPartition part, PartyFiles files, int party) {
    super(part.nullIds());
    this.part = part;
    this.files = files;
    this.party = party;
  }

  @Override
  List<ShareBatch> load() {
    batches = part.file() == null ? List.of() : files.read(party, part.file(), part.shareRows());
    return batches;
  }

  @Override
  void enter(int b) {
    data = batches.get(b).payload().data();
    width = batches.get(b).rowShape()[0];
  }

  @Override
  InternalRow shareRow(long id, int r) {
    return new GenericInternalRow(new Object[] {id, UnsafeArrayData.fromPrimitiveArray(Arrays.copyOfRange(data,
        r * width, (r + 1) * width))});
  }

  @Override
  InternalRow nullRow(long id) {
    return new GenericInternalRow(new Object[] {id, null});
  }
}
