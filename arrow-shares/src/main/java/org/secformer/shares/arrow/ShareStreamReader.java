package org.secformer.shares.arrow;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.MessageChannelReader;
import org.apache.arrow.vector.ipc.message.MessageResult;

/**
 * Reads the share batches of one Arrow IPC stream and turns every way that can fail into a
 * {@link ShareFormatException} that says what was wrong and where.
 */
final class ShareStreamReader {
  private final BufferAllocator allocator;

  ShareStreamReader(BufferAllocator allocator) {
    this.allocator = allocator;
  }

  /**
   * Reads batches until the end-of-stream marker.
   *
   * @param maxBatches fail as soon as the stream holds more than this many batches
   * @param streamLength total input length when known (then declared lengths are checked against it
   *     and trailing bytes are an error), else -1
   */
  List<ShareBatch> read(InputStream in, int maxBatches, long streamLength) {
    IpcFrameGuard guard = new IpcFrameGuard(in, streamLength);
    BodyTrackingReader messages =
        new BodyTrackingReader(new ReadChannel(Channels.newChannel(guard)), allocator);
    List<ShareBatch> batches = new ArrayList<>();
    try (ArrowStreamReader reader = new ArrowStreamReader(messages, allocator)) {
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      ShareSchema.Header header = ShareSchema.validate(root.getSchema());
      while (reader.loadNextBatch()) {
        if (batches.size() == maxBatches) {
          throw new ShareFormatException(
              "expected exactly " + maxBatches + " record batch but the stream holds more");
        }
        batches.add(ShareVectors.read(root, header, batches.size()));
      }
    } catch (IOException | RuntimeException e) {
      messages.releaseOrphanedBody(); // the reader is closed by now, so nothing else holds it
      throw translate(e, guard);
    }
    if (!guard.sawEndOfStream()) {
      // Arrow takes input that stops between messages for a clean end; for us it is lost rows.
      throw new ShareFormatException(
          "truncated stream: input ended after " + guard.position()
              + " bytes without the end-of-stream marker (" + batches.size() + " batches read)");
    }
    if (streamLength >= 0 && guard.position() != streamLength) {
      throw new ShareFormatException(
          "corrupted stream: " + (streamLength - guard.position())
              + " trailing bytes after the end-of-stream marker at byte " + guard.position());
    }
    return batches;
  }

  /** Our own exceptions pass through; Arrow's get context, and "truncated" when input ran out. */
  private static ShareFormatException translate(Exception e, IpcFrameGuard guard) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ShareFormatException own) {
        return own;
      }
    }
    if (guard.inputEnded()) {
      return new ShareFormatException(
          (guard.position() == 0 ? "truncated stream: input is empty" : "truncated stream: input ended")
              + " at " + guard.describePosition() + " (" + e + ")",
          e);
    }
    return new ShareFormatException(
        "corrupted stream: Arrow could not read it at " + guard.describePosition() + " (" + e + ")", e);
  }

  /**
   * Arrow 19's ArrowStreamReader.loadNextBatch leaks the message body buffer when the record batch
   * header is malformed (deserializeRecordBatch throws before handing the body on). Remembering the
   * last body lets us release it once the reader, its only legitimate holder, has been closed.
   */
  private static final class BodyTrackingReader extends MessageChannelReader {
    private ArrowBuf lastBody;

    BodyTrackingReader(ReadChannel in, BufferAllocator allocator) {
      super(in, allocator);
    }

    @Override
    public MessageResult readNext() throws IOException {
      MessageResult result = super.readNext();
      lastBody = result == null ? null : result.getBodyBuffer();
      return result;
    }

    void releaseOrphanedBody() {
      if (lastBody != null && lastBody.refCnt() > 0) {
        lastBody.getReferenceManager().release(lastBody.refCnt());
      }
      lastBody = null;
    }
  }
}
