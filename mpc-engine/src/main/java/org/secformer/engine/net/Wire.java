package org.secformer.engine.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.secformer.engine.MpcException;
import org.secformer.shares.control.ErrorCode;

/**
 * The wire protocol of every engine link, in one place. All header integers are big-endian (network
 * order); tensor elements are little-endian 64-bit ring elements.
 *
 * <pre>
 * Frame (inside TLS):
 *   offset  size  field
 *   0       4     length     int32, bytes that follow this field (= 16 + J + P); the whole frame,
 *                            length field included, must be at most maxFrameBytes (default 64 MiB)
 *   4       1     magic      0x53 ('S')
 *   5       1     version    1
 *   6       1     type       {@link FrameType} code
 *   7       1     J          job id length in bytes, 0..255
 *   8       J     job id     UTF-8
 *   8+J     8     seq        int64
 *   16+J    4     P          payload length in bytes; must equal length - 16 - J
 *   20+J    P     payload
 * </pre>
 *
 * A frame longer than the maximum is refused as FRAME_TOO_LARGE before any of it is buffered; a wrong
 * magic, an unknown version or type, or inconsistent lengths are MALFORMED_FRAME. Either way the receiver
 * answers with an ERROR frame and closes the link.
 */
public final class Wire {
  /** First byte after the length field. */
  public static final byte MAGIC = 0x53;
  /** The only version this code speaks. */
  public static final byte VERSION = 1;
  /** Size of the leading length field. */
  public static final int LENGTH_FIELD_BYTES = 4;
  /** Bytes of a frame besides its job id and payload (length, magic, version, type, J, seq, P). */
  public static final int FIXED_HEADER_BYTES = 4 + 1 + 1 + 1 + 1 + 8 + 4;
  /** Bytes after the length field besides job id and payload. */
  static final int HEADER_AFTER_LENGTH = FIXED_HEADER_BYTES - LENGTH_FIELD_BYTES;
  public static final int MAX_JOB_ID_BYTES = 255;
  /** Default bound on one frame, length field included. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 64 << 20;

  /**
   * Payload of TENSOR and TENSOR_CHUNK frames:
   *
   * <pre>
   *   2      T      tag length in bytes (uint16)
   *   T             tag, UTF-8 (the exchange's tag, checked by the receiver)
   *   4             total elements of the whole tensor (int32, &ge; 0)
   *   4             element offset of this part (int32; 0 for TENSOR)
   *   8 * n         n elements, int64 little-endian; n = (payload length - 10 - T) / 8
   * </pre>
   *
   * A TENSOR frame holds the whole tensor (offset 0, n = total). A tensor too large for one frame goes
   * as consecutive TENSOR_CHUNK frames with the same seq and tag and increasing offsets covering
   * [0, total) exactly, in order; nothing else is interleaved on the link meanwhile.
   */
  public static final String TENSOR_PAYLOAD_LAYOUT = "u16 tagLen, tag, i32 total, i32 offset, i64le[n]";
  /** Bytes of a tensor payload besides tag and elements. */
  public static final int TENSOR_FIXED_BYTES = 2 + 4 + 4;

  /**
   * Payload of ERROR frames: {@code u8 codeLen, code name (ASCII ErrorCode name), message (UTF-8, rest of
   * the payload)}. The name, not the ordinal, so codes survive reordering; an unknown name reads as
   * INTERNAL. Messages never contain payload values or key material.
   */
  public static final String ERROR_PAYLOAD_LAYOUT = "u8 codeLen, code name, utf8 message";

  private Wire() {}

  /** Total bytes of {@code f} on the wire, length field included (TLS overhead excluded). */
  public static int frameBytes(Frame f) {
    return FIXED_HEADER_BYTES + ByteBufUtil.utf8Bytes(f.jobId()) + f.payload().readableBytes();
  }

  /** Writes everything before the payload (length field included) into a new buffer. */
  static ByteBuf encodeHeader(ByteBufAllocator alloc, Frame f, int maxFrameBytes) {
    byte[] job = f.jobId().getBytes(StandardCharsets.UTF_8);
    int payloadBytes = f.payload().readableBytes();
    long total = (long) FIXED_HEADER_BYTES + job.length + payloadBytes;
    if (total > maxFrameBytes) {
      throw new FrameException(
          ErrorCode.FRAME_TOO_LARGE,
          "refusing to send a " + f.type() + " frame of " + total + " bytes: the maximum is " + maxFrameBytes);
    }
    ByteBuf h = alloc.buffer(FIXED_HEADER_BYTES + job.length);
    h.writeInt((int) total - LENGTH_FIELD_BYTES);
    h.writeByte(MAGIC);
    h.writeByte(VERSION);
    h.writeByte(f.type().code());
    h.writeByte(job.length);
    h.writeBytes(job);
    h.writeLong(f.seq());
    h.writeInt(payloadBytes);
    return h;
  }

  /**
   * Decodes one frame whose length field was already stripped. The payload is a retained slice of {@code
   * in} (no copy); the caller still owns {@code in}.
   */
  static Frame decode(ByteBuf in) {
    int length = in.readableBytes();
    if (length < HEADER_AFTER_LENGTH) {
      throw malformed("frame of " + length + " bytes is shorter than the " + HEADER_AFTER_LENGTH + "-byte header");
    }
    byte magic = in.readByte();
    if (magic != MAGIC) {
      throw malformed(String.format("bad magic 0x%02x (expected 0x%02x)", magic & 0xFF, MAGIC));
    }
    byte version = in.readByte();
    if (version != VERSION) {
      throw malformed("unsupported wire version " + (version & 0xFF) + " (this side speaks " + VERSION + ")");
    }
    byte code = in.readByte();
    FrameType type = FrameType.fromCode(code);
    if (type == null) {
      throw malformed("unknown frame type " + (code & 0xFF));
    }
    int jobLen = in.readUnsignedByte();
    if (in.readableBytes() < jobLen + 12) {
      throw malformed("job id length " + jobLen + " overruns a frame of " + length + " bytes");
    }
    String jobId = in.readCharSequence(jobLen, StandardCharsets.UTF_8).toString();
    long seq = in.readLong();
    int payloadLen = in.readInt();
    if (payloadLen != in.readableBytes()) {
      throw malformed("payload length " + payloadLen + " disagrees with the frame length (" + in.readableBytes()
          + " bytes left)");
    }
    return new Frame(type, jobId, seq, in.readRetainedSlice(payloadLen));
  }

  // ---- tensor payloads ----

  /** Bytes of a tensor payload carrying {@code elements} elements under {@code tag}. */
  public static int tensorPayloadBytes(String tag, int elements) {
    return TENSOR_FIXED_BYTES + ByteBufUtil.utf8Bytes(tag) + 8 * elements;
  }

  /** Writes the tensor payload header; the elements follow (see {@link #writeElements}). */
  static void writeTensorHeader(ByteBuf out, byte[] tag, int total, int offset) {
    if (tag.length > 0xFFFF) {
      throw new IllegalArgumentException("tag longer than 65535 bytes");
    }
    out.writeShort(tag.length);
    out.writeBytes(tag);
    out.writeInt(total);
    out.writeInt(offset);
  }

  /** Writes {@code values[from, from + n)} as little-endian longs. */
  static void writeElements(ByteBuf out, long[] values, int from, int n) {
    int bytes = 8 * n;
    out.ensureWritable(bytes);
    int w = out.writerIndex();
    if (out.nioBufferCount() == 1) {
      out.nioBuffer(w, bytes).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().put(values, from, n);
    } else {
      for (int i = 0; i < n; i++) {
        out.setLongLE(w + 8 * i, values[from + i]);
      }
    }
    out.writerIndex(w + bytes);
  }

  /** The header of a tensor payload; {@code count} is the number of elements that follow it. */
  record TensorHeader(String tag, int total, int offset, int count) {}

  /** Reads a tensor payload header from {@code in}, leaving the reader index at the first element. */
  static TensorHeader readTensorHeader(ByteBuf in) {
    if (in.readableBytes() < TENSOR_FIXED_BYTES) {
      throw malformed("tensor payload of " + in.readableBytes() + " bytes is shorter than its header");
    }
    int tagLen = in.readUnsignedShort();
    if (in.readableBytes() < tagLen + 8) {
      throw malformed("tensor tag length " + tagLen + " overruns the payload");
    }
    String tag = in.readCharSequence(tagLen, StandardCharsets.UTF_8).toString();
    int total = in.readInt();
    int offset = in.readInt();
    int rest = in.readableBytes();
    if (rest % 8 != 0) {
      throw malformed("tensor '" + tag + "': " + rest + " element bytes is not a multiple of 8");
    }
    int count = rest / 8;
    if (total < 0 || offset < 0 || (long) offset + count > total) {
      throw malformed("tensor '" + tag + "': part [" + offset + ", +" + count + ") outside total " + total);
    }
    return new TensorHeader(tag, total, offset, count);
  }

  /** Reads {@code n} little-endian longs from {@code in} into {@code dst[at, at + n)}. */
  static void readElements(ByteBuf in, long[] dst, int at, int n) {
    int bytes = 8 * n;
    int r = in.readerIndex();
    if (in.nioBufferCount() == 1) {
      in.nioBuffer(r, bytes).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(dst, at, n);
    } else {
      for (int i = 0; i < n; i++) {
        dst[at + i] = in.getLongLE(r + 8 * i);
      }
    }
    in.readerIndex(r + bytes);
  }

  // ---- error payloads ----

  /** An ERROR frame reporting {@code code} with a human-readable message. */
  public static Frame errorFrame(String jobId, long seq, ErrorCode code, String message) {
    byte[] name = code.name().getBytes(StandardCharsets.US_ASCII);
    byte[] text = message.getBytes(StandardCharsets.UTF_8);
    byte[] p = new byte[1 + name.length + text.length];
    p[0] = (byte) name.length;
    System.arraycopy(name, 0, p, 1, name.length);
    System.arraycopy(text, 0, p, 1 + name.length, text.length);
    return Frame.of(FrameType.ERROR, jobId, seq, p);
  }

  /** The error an ERROR frame reports (the frame is not released). */
  public static MpcException readError(Frame f) {
    ByteBuf p = f.payload();
    int r = p.readerIndex();
    if (p.readableBytes() < 1 || p.readableBytes() < 1 + p.getUnsignedByte(r)) {
      return new MpcException(ErrorCode.MALFORMED_FRAME, "unreadable ERROR frame from the peer");
    }
    int nameLen = p.getUnsignedByte(r);
    String name = p.toString(r + 1, nameLen, StandardCharsets.US_ASCII);
    String message = p.toString(r + 1 + nameLen, p.readableBytes() - 1 - nameLen, StandardCharsets.UTF_8);
    ErrorCode code;
    try {
      code = ErrorCode.valueOf(name);
    } catch (IllegalArgumentException e) {
      code = ErrorCode.INTERNAL;
      message = "[" + name + "] " + message;
    }
    return new MpcException(code, message);
  }

  private static FrameException malformed(String message) {
    return new FrameException(ErrorCode.MALFORMED_FRAME, message);
  }
}
