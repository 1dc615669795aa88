package org.secformer.engine.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One message on a link: a type, the job it belongs to, a sequence number and an opaque payload.
 *
 * <p><b>Job id:</b> a short UTF-8 string of at most {@value Wire#MAX_JOB_ID_BYTES} bytes (a UUID fits),
 * the same string the dealer and the control layer use; empty only for link-level frames that belong to
 * no job (such as an ERROR sent before set-up).
 *
 * <p><b>Seq:</b> for tensors, the number of the exchange within the job (0, 1, 2, ...); all chunks of one
 * tensor carry the same seq. Other types use it as their protocol defines (0 if unused).
 *
 * <p><b>Ownership:</b> a Frame holds one reference to its payload and is {@link ByteBufHolder}, so
 * Netty's usual rules apply: writing a frame to a channel hands that reference to Netty (the encoder
 * releases it); whoever reads a frame from a channel must {@link #release()} it (a
 * SimpleChannelInboundHandler does so after {@code channelRead0}). Frames made with {@link #of(FrameType,
 * String, long, byte[])} wrap the array without copying. Being a ByteBufHolder also lets Netty's default
 * size estimator count a queued frame's payload bytes towards the channel's write-buffer water marks.
 */
public record Frame(FrameType type, String jobId, long seq, ByteBuf payload) implements ByteBufHolder {
  public Frame {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(payload, "payload");
    if (jobId.length() > Wire.MAX_JOB_ID_BYTES
        || jobId.getBytes(StandardCharsets.UTF_8).length > Wire.MAX_JOB_ID_BYTES) {
      throw new IllegalArgumentException(
          "job id longer than " + Wire.MAX_JOB_ID_BYTES + " UTF-8 bytes: '" + jobId + "'");
    }
  }

  /** A frame wrapping {@code payload} (not copied: do not change the array afterwards). */
  public static Frame of(FrameType type, String jobId, long seq, byte[] payload) {
    return new Frame(type, jobId, seq, Unpooled.wrappedBuffer(payload));
  }

  /** A frame with an empty payload. */
  public static Frame empty(FrameType type, String jobId, long seq) {
    return new Frame(type, jobId, seq, Unpooled.EMPTY_BUFFER);
  }

  /** A copy of the readable payload bytes (the frame is not released). */
  public byte[] payloadBytes() {
    byte[] b = new byte[payload.readableBytes()];
    payload.getBytes(payload.readerIndex(), b);
    return b;
  }

  @Override
  public ByteBuf content() {
    return payload;
  }

  @Override
  public Frame copy() {
    return replace(payload.copy());
  }

  @Override
  public Frame duplicate() {
    return replace(payload.duplicate());
  }

  @Override
  public Frame retainedDuplicate() {
    return replace(payload.retainedDuplicate());
  }

  @Override
  public Frame replace(ByteBuf content) {
    return new Frame(type, jobId, seq, content);
  }

  @Override
  public int refCnt() {
    return payload.refCnt();
  }

  @Override
  public Frame retain() {
    payload.retain();
    return this;
  }

  @Override
  public Frame retain(int increment) {
    payload.retain(increment);
    return this;
  }

  @Override
  public Frame touch() {
    payload.touch();
    return this;
  }

  @Override
  public Frame touch(Object hint) {
    payload.touch(hint);
    return this;
  }

  @Override
  public boolean release() {
    return payload.release();
  }

  @Override
  public boolean release(int decrement) {
    return payload.release(decrement);
  }

  /** Never prints payload contents. */
  @Override
  public String toString() {
    return "Frame[" + type + ", job=" + jobId + ", seq=" + seq + ", payload=" + payload.readableBytes() + " B]";
  }
}
