package org.secformer.spark.source;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.secformer.shares.arrow.ShareBatch;
import org.secformer.shares.arrow.ShareFormatException;
import org.secformer.shares.arrow.ShareIpc;

/**
 * Reads one party's file of a committed task and checks it against the manifest: the party, the model,
 * the fixed-point scale and the output width, and the row count. A file that does not fit is an error
 * naming it, never a silent wrong reconstruction.
 */
final class PartyFiles {
  private final OutputLayout layout;
  private final OutputFacts facts;
  private final Configuration hadoopConf;

  PartyFiles(OutputLayout layout, OutputFacts facts, Configuration hadoopConf) {
    this.layout = layout;
    this.facts = facts;
    this.hadoopConf = hadoopConf;
  }

  /** Every share batch of {@code party}'s copy of {@code file}, in written order. */
  List<ShareBatch> read(int party, String file, long expectedRows) {
    Path path = layout.committedFile(party, file);
    List<ShareBatch> batches;
    try (BufferAllocator allocator = new RootAllocator();
        InputStream in = layout.fs(hadoopConf).open(path)) {
      batches = new ShareIpc(allocator).readAll(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
    } catch (ShareFormatException e) {
      throw new IllegalStateException(path + " is not a readable share file: " + e.getMessage(), e);
    }
    long rows = 0;
    for (ShareBatch b : batches) {
      if (b.partyId() != party || !b.modelId().equals(facts.modelId()) || b.fracBits() != facts.fracBits()
          || !Arrays.equals(b.rowShape(), new int[] {facts.width()})) {
        throw new IllegalStateException(path + " holds " + b + " but the manifest says party " + party + ", model "
            + facts.modelId() + ", " + facts.fracBits() + " fractional bits, width " + facts.width());
      }
      rows += b.rows();
    }
    if (rows != expectedRows) {
      throw new IllegalStateException(path + " holds " + rows + " rows but the manifest says " + expectedRows);
    }
    return batches;
  }
}
