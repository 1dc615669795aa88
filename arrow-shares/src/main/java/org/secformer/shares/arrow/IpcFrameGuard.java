package org.secformer.shares.arrow;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.arrow.flatbuf.Message;

/**
 * Sits between the caller's stream and Arrow's reader and follows the IPC stream framing (optional
 * continuation token 0xFFFFFFFF, int32 metadata length, flatbuffer Message, body of
 * Message.bodyLength bytes; length 0 ends the stream).
 *
 * <p>Why: Arrow allocates a heap buffer of the declared metadata length and a direct buffer of the
 * declared body length before reading either, so one flipped length byte could make it allocate
 * gigabytes; and it treats input that stops at a message boundary as a clean end of stream, which would
 * silently drop the last batches of a truncated stream. The guard rejects out-of-range lengths, and
 * through {@link MessageCheck} impossible value counts, before Arrow sees them (a header is handed on
 * only after its last byte has been checked); when the input length is known it also rejects bodies
 * longer than the bytes that remain. It records whether the end-of-stream marker arrived and never
 * reads past it (the caller's stream may carry more data). {@link #close()} leaves the caller's stream
 * open.
 */
final class IpcFrameGuard extends InputStream {
  /** Schema and record batch headers of our format are a few hundred bytes; 16 MiB is generous. */
  static final int MAX_METADATA_BYTES = 16 << 20;
  /** Arrow Java refuses record batch bodies of 2 GiB or more. */
  static final long MAX_BODY_BYTES = Integer.MAX_VALUE;

  private static final int CONTINUATION = 0xFFFFFFFF;

  private enum State { PREFIX, METADATA, BODY, END }

  private final InputStream in;
  private final long knownLength;

  private State state = State.PREFIX;
  private final byte[] prefix = new byte[8];
  private int prefixFill;
  private int prefixNeeded = 4;
  private byte[] metadata;
  private int metadataFill;
  private long bodyRemaining;

  private long position;
  private long messageStart;
  private long previousStart;
  private int messages;
  private boolean inputEnded;

  /** {@code knownLength}: total input bytes when known (a byte array), else -1. */
  IpcFrameGuard(InputStream in, long knownLength) {
    this.in = in;
    this.knownLength = knownLength;
  }

  /** True once the end-of-stream marker has passed through. */
  boolean sawEndOfStream() {
    return state == State.END;
  }

  /** True if the caller's stream reported end of input while Arrow still wanted bytes. */
  boolean inputEnded() {
    return inputEnded;
  }

  /** Bytes handed to the reader so far. */
  long position() {
    return position;
  }

  /** Where in the framing the reader stands, for error messages. */
  String describePosition() {
    if (state == State.PREFIX && prefixFill == 0 && messages > 0) {
      // Arrow parses a message only once it has all of it, so errors land here.
      return "message " + (messages - 1) + " (bytes " + previousStart + " to " + (position - 1) + ")";
    }
    String part =
        switch (state) {
          case PREFIX -> "length prefix";
          case METADATA -> "header (" + metadataFill + " of " + metadata.length + " bytes)";
          case BODY -> "body (" + bodyRemaining + " bytes still expected)";
          case END -> "end-of-stream marker";
        };
    return "byte " + position + ", message " + messages + " starting at byte " + messageStart
        + ", in its " + part;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (state == State.END) {
      return -1; // the Arrow stream is over; whatever follows belongs to the caller
    }
    if (len == 0) {
      return 0;
    }
    int n = in.read(b, off, len);
    if (n < 0) {
      inputEnded = true;
      return n;
    }
    consume(b, off, n);
    return n;
  }

  private void consume(byte[] b, int off, int n) {
    int i = 0;
    while (i < n) {
      if (state == State.BODY) {
        // Bodies are the bulk of the bytes: skip them in one step rather than byte by byte.
        int take = (int) Math.min(bodyRemaining, n - i);
        bodyRemaining -= take;
        i += take;
        position += take;
        if (bodyRemaining == 0) {
          nextMessage();
        }
        continue;
      }
      byte v = b[off + i++];
      if (state == State.PREFIX) {
        acceptPrefix(v);
      } else if (state == State.METADATA) {
        metadata[metadataFill++] = v;
        if (metadataFill == metadata.length) {
          position++;
          startBody();
          continue;
        }
      } else {
        return; // past the end-of-stream marker: not ours to count
      }
      position++;
    }
  }

  private void acceptPrefix(byte b) {
    prefix[prefixFill++] = b;
    if (prefixFill < prefixNeeded) {
      return;
    }
    int value = littleEndianInt(prefixNeeded - 4);
    if (prefixNeeded == 4 && value == CONTINUATION) {
      prefixNeeded = 8;
      return;
    }
    if (value == 0) {
      state = State.END;
      return;
    }
    if (value < 0 || value > MAX_METADATA_BYTES) {
      throw new ShareFormatException(
          "corrupted stream: message " + messages + " at byte " + messageStart
              + " declares a header of " + Integer.toUnsignedString(value)
              + " bytes (at most " + MAX_METADATA_BYTES + " allowed)");
    }
    metadata = new byte[value];
    metadataFill = 0;
    state = State.METADATA;
  }

  private void startBody() {
    String where = "message " + messages + " at byte " + messageStart;
    long bodyLength;
    try {
      Message message =
          Message.getRootAsMessage(ByteBuffer.wrap(metadata).order(ByteOrder.LITTLE_ENDIAN));
      bodyLength = message.bodyLength();
      long available = knownLength < 0 ? Long.MAX_VALUE : knownLength - position;
      if (bodyLength > available) {
        throw new ShareFormatException(
            "truncated stream: " + where + " declares a body of " + bodyLength + " bytes but only "
                + available + " bytes follow");
      }
      if (bodyLength < 0 || bodyLength > MAX_BODY_BYTES) {
        throw new ShareFormatException(
            "corrupted stream: " + where + " declares a body of " + bodyLength
                + " bytes (Arrow reads at most " + MAX_BODY_BYTES + ")");
      }
      MessageCheck.check(message, bodyLength, where);
    } catch (ShareFormatException e) {
      throw e;
    } catch (RuntimeException e) {
      // Garbage flatbuffers fail with IndexOutOfBounds and similar from generated accessors.
      throw new ShareFormatException(
          "corrupted stream: header of " + where + " is not a valid Arrow flatbuffer (" + e + ")", e);
    }
    bodyRemaining = bodyLength;
    metadata = null;
    state = State.BODY;
    if (bodyLength == 0) {
      nextMessage();
    }
  }

  private void nextMessage() {
    messages++;
    previousStart = messageStart;
    messageStart = position;
    prefixFill = 0;
    prefixNeeded = 4;
    state = State.PREFIX;
  }

  private int littleEndianInt(int at) {
    return (prefix[at] & 0xFF)
        | (prefix[at + 1] & 0xFF) << 8
        | (prefix[at + 2] & 0xFF) << 16
        | (prefix[at + 3] & 0xFF) << 24;
  }

  /** Leaves the caller's stream open: the caller owns it. */
  @Override
  public void close() {}
}
