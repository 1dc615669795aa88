package org.secformer.engine.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.secformer.engine.MpcException;
import org.secformer.shares.control.ErrorCode;

/**
 * Splits a tagged {@code long[]} into TENSOR / TENSOR_CHUNK frames of at most a given size, and puts it
 * back together on receipt (payload layout in {@link Wire#TENSOR_PAYLOAD_LAYOUT}). Elements travel as raw
 * little-endian longs.
 */
public final class TensorChunks {
  private TensorChunks() {}

  /** How many elements fit in one frame of at most {@code frameBytes} for this job id and tag. */
  public static int elementsPerFrame(int frameBytes, String jobId, String tag) {
    int overhead = Wire.FIXED_HEADER_BYTES + ByteBufUtil.utf8Bytes(jobId) + Wire.TENSOR_FIXED_BYTES
        + ByteBufUtil.utf8Bytes(tag);
    int n = (frameBytes - overhead) / 8;
    if (n < 1) {
      throw new IllegalArgumentException(
          "a frame of " + frameBytes + " bytes has no room for elements of tag '" + tag + "'");
    }
    return n;
  }

  /** How many frames {@link #split} makes (1 for a tensor that fits in one frame, including length 0). */
  public static int frameCount(int length, int perFrame) {
    return length <= perFrame ? 1 : (length + perFrame - 1) / perFrame;
  }

  /**
   * Frame {@code index} of {@code values} split into frames of {@code perFrame} elements: TENSOR if the
   * whole tensor fits in one, else TENSOR_CHUNK. The caller owns the returned frame.
   */
  public static Frame frame(
      ByteBufAllocator alloc, String jobId, long seq, String tag, long[] values, int perFrame, int index) {
    byte[] tagBytes = tag.getBytes(StandardCharsets.UTF_8);
    boolean whole = values.length <= perFrame;
    int offset = whole ? 0 : index * perFrame;
    int n = whole ? values.length : Math.min(perFrame, values.length - offset);
    if (offset < 0 || n < 0 || (!whole && n <= 0)) {
      throw new IndexOutOfBoundsException("chunk " + index + " of a tensor of " + values.length + " elements");
    }
    ByteBuf p = alloc.heapBuffer(Wire.TENSOR_FIXED_BYTES + tagBytes.length + 8 * n);
    try {
      Wire.writeTensorHeader(p, tagBytes, values.length, offset);
      Wire.writeElements(p, values, offset, n);
      return new Frame(whole ? FrameType.TENSOR : FrameType.TENSOR_CHUNK, jobId, seq, p);
    } catch (RuntimeException e) {
      p.release();
      throw e;
    }
  }

  /** All frames of {@code values}, each at most {@code frameBytes} on the wire. The caller owns them. */
  public static List<Frame> split(
      ByteBufAllocator alloc, String jobId, long seq, String tag, long[] values, int frameBytes) {
    int per = elementsPerFrame(frameBytes, jobId, tag);
    int count = frameCount(values.length, per);
    List<Frame> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(frame(alloc, jobId, seq, tag, values, per, i));
    }
    return out;
  }

  /**
   * Reassembles tensors from the frames of one link, in arrival order. Not thread-safe (use it on the
   * channel's event loop). A tensor larger than {@code maxElements}, a chunk out of order, or a chunk of a
   * different exchange before the current one is complete are errors.
   */
  public static final class Assembler {
    private static final int INITIAL_ELEMENTS = 1 << 16;
    private final long maxElements;
    private int total;
    private long seq;
    private String tag;
    private long[] values;
    private int filled;

    public Assembler(long maxElements) {
      this.maxElements = maxElements;
    }

    /** True while a chunked tensor is partly received. */
    public boolean inProgress() {
      return values != null;
    }

    /**
     * Takes one TENSOR or TENSOR_CHUNK frame (reads its payload; does not release it). Returns the whole
     * tensor once its last part is in, else null.
     */
    public TensorMessage accept(Frame f) {
      ByteBuf p = f.payload();
      Wire.TensorHeader h = Wire.readTensorHeader(p);
      if (h.total() > maxElements) {
        throw new MpcException(
            ErrorCode.FRAME_TOO_LARGE,
            "tensor '" + h.tag() + "' of " + h.total() + " elements exceeds the limit of " + maxElements);
      }
      if (f.type() == FrameType.TENSOR) {
        if (values != null) {
          throw outOfOrder("a whole tensor '" + h.tag() + "' (seq " + f.seq() + ") arrived inside chunked '" + tag
              + "' (seq " + seq + ")");
        }
        if (h.offset() != 0 || h.count() != h.total()) {
          throw outOfOrder("TENSOR frame '" + h.tag() + "' holds [" + h.offset() + ", +" + h.count()
              + ") of " + h.total() + " elements");
        }
        long[] v = new long[h.total()];
        Wire.readElements(p, v, 0, h.count());
        return new TensorMessage(f.seq(), h.tag(), v);
      }
      if (f.type() != FrameType.TENSOR_CHUNK) {
        throw new IllegalArgumentException("not a tensor frame: " + f);
      }
      if (values == null) {
        if (h.offset() != 0) {
          throw outOfOrder("chunked tensor '" + h.tag() + "' starts at offset " + h.offset());
        }
        seq = f.seq();
        tag = h.tag();
        total = h.total();
        // grown as chunks arrive: a peer's first chunk may announce a total it never sends, and must not
        // make this side allocate it
        values = new long[Math.min(total, Math.max(h.count(), INITIAL_ELEMENTS))];
        filled = 0;
      } else if (f.seq() != seq || !h.tag().equals(tag) || h.total() != total || h.offset() != filled) {
        throw outOfOrder("chunk of '" + h.tag() + "' (seq " + f.seq() + ", offset " + h.offset() + " of "
            + h.total() + ") does not continue '" + tag + "' (seq " + seq + ", " + filled + " of "
            + total + " received)");
      }
      if (h.count() == 0) {
        throw outOfOrder("empty chunk of tensor '" + h.tag() + "'");
      }
      if (filled + h.count() > values.length) {
        values = java.util.Arrays.copyOf(values, (int) Math.min(total, Math.max(2L * values.length, filled + h.count())));
      }
      Wire.readElements(p, values, filled, h.count());
      filled += h.count();
      if (filled < total) {
        return null;
      }
      TensorMessage m = new TensorMessage(seq, tag, values);
      values = null;
      tag = null;
      return m;
    }

    private static MpcException outOfOrder(String message) {
      return new MpcException(ErrorCode.MALFORMED_FRAME, message);
    }
  }
}
