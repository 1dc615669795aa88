package org.secformer.engine.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageCodec;
import java.util.List;

/**
 * {@link Frame} to bytes and back, per {@link Wire}. Sits after {@link FrameLengthDecoder}.
 *
 * <p>Encoding writes the header (length field included) into a small buffer and passes the payload on
 * as a second buffer without copying it; a frame over the maximum is refused with FRAME_TOO_LARGE rather
 * than sent. Decoding expects one whole frame without its length field and yields a Frame whose payload
 * is a retained slice of it. Both directions release their input (MessageToMessageCodec does so).
 */
public final class FrameCodec extends MessageToMessageCodec<ByteBuf, Frame> {
  private final int maxFrameBytes;

  public FrameCodec(int maxFrameBytes) {
    super(ByteBuf.class, Frame.class);
    this.maxFrameBytes = maxFrameBytes;
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, Frame frame, List<Object> out) {
    out.add(Wire.encodeHeader(ctx.alloc(), frame, maxFrameBytes));
    if (frame.payload().isReadable()) {
      out.add(frame.payload().retain());
    }
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    out.add(Wire.decode(in));
  }
}
