package org.secformer.spark.source;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.unsafe.types.UTF8String;
import org.secformer.shares.Share;
import org.secformer.shares.Sharing;
import org.secformer.shares.arrow.ShareBatch;
import org.secformer.shares.fxp.FixedPoint;

/**
 * The result receiver's read: adds party 0's and party 1's shares of each batch (checked to cover the
 * same rows in the same order) and decodes the fixed-point outputs; rows are (id, label, probability,
 * logits), label and probability from the softmax of the logits (null for an embedding model).
 */
final class ReconstructingReader extends OutputReader {
  private final SecformerInputPartition part;
  private final PartyFiles files;
  private final OutputFacts facts;
  private final FixedPoint fxp;
  private final List<ShareBatch[]> pairs = new ArrayList<>();
  private double[] values;

  ReconstructingReader(SecformerInputPartition part, PartyFiles files, OutputFacts facts) {
    super(part.nullIds());
    this.part = part;
    this.files = files;
    this.facts = facts;
    this.fxp = new FixedPoint(facts.fracBits());
  }

  @Override
  List<ShareBatch> load() {
    if (part.file() == null) {
      return List.of();
    }
    List<ShareBatch> p0 = files.read(0, part.file(), part.shareRows());
    List<ShareBatch> p1 = files.read(1, part.file(), part.shareRows());
    if (p0.size() != p1.size()) {
      throw new IllegalStateException(part.file() + ": party 0's copy has " + p0.size() + " batches, party 1's "
          + p1.size() + "; they are not shares of the same output");
    }
    for (int b = 0; b < p0.size(); b++) {
      if (!Arrays.equals(p0.get(b).rowIds(), p1.get(b).rowIds())) {
        throw new IllegalStateException(part.file() + ": batch " + b + " covers other rows in party 0's copy than in "
            + "party 1's; they are not shares of the same output");
      }
      pairs.add(new ShareBatch[] {p0.get(b), p1.get(b)});
    }
    return p0;
  }

  @Override
  void enter(int b) {
    ShareBatch[] pair = pairs.get(b);
    values = fxp.decode(Sharing.reconstruct(new Share(0, pair[0].payload()), new Share(1, pair[1].payload())));
  }

  @Override
  InternalRow shareRow(long id, int r) {
    int width = facts.width();
    double[] logits = Arrays.copyOfRange(values, r * width, (r + 1) * width);
    if (facts.labels().isEmpty()) {
      return new GenericInternalRow(new Object[] {id, null, null, UnsafeArrayData.fromPrimitiveArray(logits)});
    }
    int best = 0;
    for (int k = 1; k < width; k++) {
      if (logits[k] > logits[best]) {
        best = k;
      }
    }
    double sum = 0;
    for (double z : logits) {
      sum += Math.exp(z - logits[best]);
    }
    return new GenericInternalRow(new Object[] {id, UTF8String.fromString(facts.labels().get(best)), 1 / sum,
        UnsafeArrayData.fromPrimitiveArray(logits)});
  }

  @Override
  InternalRow nullRow(long id) {
    return new GenericInternalRow(new Object[] {id, null, null, null});
  }
}
