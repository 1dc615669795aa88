package org.secformer.shares.arrow;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;

/**
 * Writes share batches one at a time into one Arrow IPC stream, for a producer that cannot hold the
 * whole stream in memory (a Spark task writing its output shares). The schema is taken from the first
 * batch; every later batch must agree with it on model, party, fracBits and row shape. {@link #close}
 * writes the end-of-stream marker and frees the Arrow memory; the output stream stays open (the caller
 * owns it). A stream with no batch is not written at all: it would have no schema. Not thread-safe.
 */
public final class ShareStreamWriter implements AutoCloseable {
  private final BufferAllocator allocator;
  private final OutputStream out;
  private ShareSchema.Header header;
  private VectorSchemaRoot root;
  private ArrowStreamWriter writer;
  private long batches;
  private boolean closed;

  ShareStreamWriter(BufferAllocator allocator, OutputStream out) {
    this.allocator = Objects.requireNonNull(allocator, "allocator");
    this.out = Objects.requireNonNull(out, "out");
  }

  /** Appends one record batch; the first one also writes the stream's schema. */
  public void write(ShareBatch batch) {
    Objects.requireNonNull(batch, "batch");
    if (closed) {
      throw new IllegalStateException("share stream writer is closed");
    }
    try {
      if (header == null) {
        start(batch);
      } else if (!header.matches(batch)) {
        throw new IllegalArgumentException(
            "batch " + batches + " (" + batch + ") does not match batch 0 (" + header
                + "): one stream has one schema");
      }
      ShareVectors.fill(root, batch);
      writer.writeBatch();
      batches++;
    } catch (IOException e) {
      throw new UncheckedIOException("writing share batch " + batches + " failed", e);
    }
  }

  private void start(ShareBatch first) throws IOException {
    ShareSchema.Header h = ShareSchema.Header.of(first);
    if (h.rowElements() == 0) {
      throw new IllegalArgumentException(
          "row shape " + Arrays.toString(h.rowShape())
              + " has no elements; Arrow's FixedSizeList needs a positive list size");
    }
    root = VectorSchemaRoot.create(ShareSchema.build(h), allocator);
    writer = new ArrowStreamWriter(root, null, new ShareIpc.KeepOpen(out));
    writer.start();
    header = h;
  }

  /** Record batches written so far. */
  public long batches() {
    return batches;
  }

  /** Ends the stream (end-of-stream marker) if one was started, and frees its Arrow memory. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (writer == null) {
      return;
    }
    try (VectorSchemaRoot r = root;
        ArrowStreamWriter w = writer) {
      w.end();
    } catch (IOException e) {
      throw new UncheckedIOException("ending the share batch stream failed", e);
    }
  }
}
