package org.secformer.shares.arrow;

import org.apache.arrow.flatbuf.Buffer;
import org.apache.arrow.flatbuf.FieldNode;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.RecordBatch;

/**
 * Sanity checks on a message header before Arrow acts on it.
 *
 * <p>Why: Arrow's loader trusts the declared value counts. When a field node says "no nulls" it ignores
 * the validity buffer in the body and allocates and fills a new one sized by the declared count, so one
 * corrupted count can make it fill a quarter of a gigabyte per vector before any validation runs. In
 * our format every value is at least one 8-byte Int64 in the body, so a count above bodyLength / 8 is
 * impossible and is rejected here; that bounds Arrow's allocations by the bytes actually sent.
 */
final class MessageCheck {
  private MessageCheck() {}

  /** Throws a {@link ShareFormatException} (message prefixed by {@code where}) if the header is bad. */
  static void check(Message message, long bodyLength, String where) {
    byte type = message.headerType();
    if (type == MessageHeader.Schema) {
      return;
    }
    if (type != MessageHeader.RecordBatch) {
      throw new ShareFormatException(
          "corrupted stream: " + where + " has type " + typeName(type)
              + "; a share stream holds only a schema and record batches");
    }
    RecordBatch batch = (RecordBatch) message.header(new RecordBatch());
    if (batch == null) {
      throw new ShareFormatException("corrupted stream: " + where + " has no record batch header");
    }
    if (batch.compression() != null) {
      throw new ShareFormatException(
          "corrupted stream: " + where + " is compressed; share streams are written uncompressed");
    }
    long maxValues = bodyLength / Long.BYTES;
    checkCount(batch.length(), maxValues, bodyLength, where + ": row count");
    for (int i = 0; i < batch.nodesLength(); i++) {
      FieldNode node = batch.nodes(i);
      checkCount(node.length(), maxValues, bodyLength, where + ": field node " + i);
      if (node.nullCount() < 0 || node.nullCount() > node.length()) {
        throw new ShareFormatException(
            "corrupted stream: " + where + ": field node " + i + " declares " + node.nullCount()
                + " nulls among " + node.length() + " values");
      }
    }
    for (int i = 0; i < batch.buffersLength(); i++) {
      Buffer b = batch.buffers(i);
      if (b.offset() < 0 || b.length() < 0 || b.offset() > bodyLength - b.length()) {
        throw new ShareFormatException(
            "corrupted stream: " + where + ": buffer " + i + " at offset " + b.offset() + " of length "
                + b.length() + " lies outside the body of " + bodyLength + " bytes");
      }
    }
  }

  private static void checkCount(long count, long maxValues, long bodyLength, String what) {
    if (count < 0 || count > maxValues) {
      throw new ShareFormatException(
          "corrupted stream: " + what + " declares " + count + " values but a body of " + bodyLength
              + " bytes holds at most " + maxValues);
    }
  }

  private static String typeName(byte type) {
    return type >= 0 && type < MessageHeader.names.length ? MessageHeader.name(type) : "#" + type;
  }
}
