package org.secformer.engine.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import org.secformer.shares.control.ErrorCode;

/**
 * Splits the byte stream into frames by the leading 4-byte length ({@link Wire}) and strips that field.
 * A frame announced longer than {@code maxFrameBytes} (length field included) is refused as soon as its
 * length is read, before any of its body is buffered: a {@link FrameException} with FRAME_TOO_LARGE, after
 * which this decoder discards everything (the link is being closed).
 */
public final class FrameLengthDecoder extends LengthFieldBasedFrameDecoder {
  private final int maxFrameBytes;
  private boolean refused;

  public FrameLengthDecoder(int maxFrameBytes) {
    super(maxFrameBytes, 0, Wire.LENGTH_FIELD_BYTES, 0, Wire.LENGTH_FIELD_BYTES, true);
    this.maxFrameBytes = maxFrameBytes;
  }

  @Override
  protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
    if (refused) {
      in.skipBytes(in.readableBytes());
      return null;
    }
    if (in.readableBytes() >= Wire.LENGTH_FIELD_BYTES) {
      long frameBytes = in.getUnsignedInt(in.readerIndex()) + Wire.LENGTH_FIELD_BYTES;
      if (frameBytes > maxFrameBytes) {
        refused = true;
        in.skipBytes(in.readableBytes());
        throw new FrameException(
            ErrorCode.FRAME_TOO_LARGE,
            "frame of " + frameBytes + " bytes exceeds the maximum of " + maxFrameBytes + " bytes");
      }
    }
    return super.decode(ctx, in);
  }
}
