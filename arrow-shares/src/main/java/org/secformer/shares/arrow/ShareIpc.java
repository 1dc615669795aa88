package org.secformer.shares.arrow;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Writes and reads share batches as Arrow IPC streams (schema in {@link ShareSchema}).
 *
 * <p>A stream holds one schema (model, party, fixed-point scale and row shape are fixed for the whole
 * stream) followed by one or more record batches. Arrow memory is only borrowed while a call runs:
 * results are plain heap {@link ShareBatch}es, so nothing needs closing afterwards. The caller owns the
 * allocator and the streams passed in; this class closes neither. Thread-safe if the allocator is.
 */
public final class ShareIpc {
  // Schema message plus per-batch header and padding: an over-estimate is fine, it only sizes a buffer.
  private static final int HEADER_ALLOWANCE = 4096;

  private final BufferAllocator allocator;
  private final ShareStreamReader reader;

  /**
   * The caller owns {@code allocator} and closes it; this class only borrows buffers from it.
   *
   * @throws IllegalStateException if the JVM does not let Arrow view its buffers as NIO buffers
   */
  public ShareIpc(BufferAllocator allocator) {
    this.allocator = Objects.requireNonNull(allocator, "allocator");
    this.reader = new ShareStreamReader(allocator);
    requireNioAccess(allocator);
  }

  /**
   * Arrow's IPC reader and writer (and our bulk copies) view Arrow memory as NIO buffers, which needs
   * java.nio opened to Arrow. Without it every read would fail deep inside Arrow and look like corrupt
   * input, so check once here and say what is missing.
   */
  private static void requireNioAccess(BufferAllocator allocator) {
    try (ArrowBuf probe = allocator.buffer(Long.BYTES)) {
      probe.nioBuffer(0, Long.BYTES);
    } catch (UnsupportedOperationException e) {
      throw new IllegalStateException(
          "Arrow cannot create NIO views of its memory in this JVM; start it with "
              + "--add-opens=java.base/java.nio=ALL-UNNAMED (" + e.getMessage() + ")", e);
    }
  }

  /** One Arrow IPC stream holding one record batch. */
  public byte[] toBytes(ShareBatch batch) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(sizeEstimate(batch));
    write(batch, out);
    return out.toByteArray();
  }

  /**
   * A slight over-estimate of the stream size, so the output buffer never grows (growing doubles it and
   * copies 25 MB batches once more): values and row ids at 8 bytes, a validity bit per value, row and
   * row id, 8-byte padding per buffer, plus headers.
   */
  static int sizeEstimate(ShareBatch batch) {
    long values = batch.payload().size();
    long rows = batch.rows();
    long body = 8 * values + values / 8 + 8 * rows + 2 * (rows / 8) + 5 * 8;
    return (int) Math.min(HEADER_ALLOWANCE + body, Integer.MAX_VALUE - 8);
  }

  /** Same as {@link #toBytes}, streamed to {@code out} (which stays open). */
  public void write(ShareBatch batch, OutputStream out) {
    writeAll(List.of(Objects.requireNonNull(batch, "batch")), out);
  }

  /**
   * One stream with one record batch per element. All batches must agree on model, party, fracBits
   * and row shape, because a stream has a single schema.
   */
  public void writeAll(List<ShareBatch> batches, OutputStream out) {
    Objects.requireNonNull(batches, "batches");
    Objects.requireNonNull(out, "out");
    if (batches.isEmpty()) {
      throw new IllegalArgumentException("writeAll needs at least one batch: the schema comes from it");
    }
    // checked before anything is written, so a list that cannot be one stream leaves no partial output
    ShareSchema.Header header = ShareSchema.Header.of(batches.get(0));
    for (int i = 1; i < batches.size(); i++) {
      if (!header.matches(batches.get(i))) {
        throw new IllegalArgumentException(
            "batch " + i + " (" + batches.get(i) + ") does not match batch 0 (" + header
                + "): one stream has one schema");
      }
    }
    try (ShareStreamWriter writer = openStream(out)) {
      for (ShareBatch batch : batches) {
        writer.write(batch);
      }
    }
  }

  /**
   * A writer that appends batches to one stream on {@code out} one at a time (which stays open), for
   * output too large to hold as a list; close it to end the stream.
   */
  public ShareStreamWriter openStream(OutputStream out) {
    return new ShareStreamWriter(allocator, out);
  }

  /** The single record batch of {@code ipcStream}; none, several or any damage is an error. */
  public ShareBatch fromBytes(byte[] ipcStream) {
    Objects.requireNonNull(ipcStream, "ipcStream");
    List<ShareBatch> batches =
        reader.read(new ByteArrayInputStream(ipcStream), 1, ipcStream.length);
    if (batches.isEmpty()) {
      throw new ShareFormatException(
          "expected exactly 1 record batch but the stream holds none (empty stream: schema only)");
    }
    return batches.get(0);
  }

  /**
   * Every record batch of the stream, in order. Reads up to the end-of-stream marker and no further;
   * {@code in} stays open.
   *
   * <p>The stream's length is unknown here, so a corrupted body length can make Arrow reserve up to
   * 2 GiB (untouched, so mostly virtual) before the read fails as truncated. The allocator's limit caps
   * this; for untrusted input, give the allocator a limit or read whole messages with
   * {@link #fromBytes}, which checks every declared length against the bytes present.
   */
  public List<ShareBatch> readAll(InputStream in) {
    Objects.requireNonNull(in, "in");
    return reader.read(in, Integer.MAX_VALUE, -1);
  }

  /** Arrow's writer closes its output on close; the caller's stream must stay open, only flushed. */
  static final class KeepOpen extends FilterOutputStream {
    KeepOpen(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len); // FilterOutputStream would write byte by byte
    }

    @Override
    public void close() throws IOException {
      out.flush();
    }
  }
}
