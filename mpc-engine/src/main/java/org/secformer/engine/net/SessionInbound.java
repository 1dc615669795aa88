package org.secformer.engine.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import org.secformer.engine.MpcException;
import org.secformer.engine.tls.PeerRoleVerifier;
import org.secformer.shares.control.ControlCodec;
import org.secformer.shares.control.ControlCodecException;
import org.secformer.shares.control.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns frames into {@link Inbound} messages for a {@link SessionHandler}: reassembles chunked tensors,
 * decodes control messages, and answers a malformed one with an ERROR frame and a close. Every frame is
 * released here (SimpleChannelInboundHandler).
 */
public final class SessionInbound extends SimpleChannelInboundHandler<Frame> {
  private static final Logger LOG = LoggerFactory.getLogger(SessionInbound.class);
  private static final ControlCodec CODEC = new ControlCodec();

  private final SessionHandler handler;
  private final NetOptions options;
  private final TensorChunks.Assembler assembler;
  private Session session;
  private Throwable closeReason;

  SessionInbound(SessionHandler handler, NetOptions options) {
    super(Frame.class);
    this.handler = handler;
    this.options = options;
    this.assembler = new TensorChunks.Assembler(options.maxMessageBytes() / 8);
  }

  Session session(ChannelHandlerContext ctx) {
    if (session == null) {
      session = new Session(ctx.channel(), options);
    }
    return session;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof PeerRoleVerifier.Verified) {
      handler.onOpen(session(ctx));
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, Frame f) {
    Session s = session(ctx);
    Inbound in;
    try {
      in = switch (f.type()) {
        case CONTROL -> new Inbound.Control(f.jobId(), f.seq(), CODEC.decode(f.payloadBytes()));
        case ARROW -> new Inbound.Arrow(f.jobId(), f.seq(), f.payloadBytes());
        case TENSOR, TENSOR_CHUNK -> {
          TensorMessage t = assembler.accept(f);
          yield t == null ? null : new Inbound.Tensor(f.jobId(), t.seq(), t.tag(), t.values());
        }
        case ERROR -> new Inbound.Error(f.jobId(), f.seq(), Wire.readError(f));
        case HELLO -> throw new MpcException(ErrorCode.MALFORMED_FRAME, "unexpected HELLO on a session link");
      };
    } catch (ControlCodecException e) {
      refuse(s, f, ErrorCode.MALFORMED_FRAME, "malformed control message: " + e.getMessage());
      return;
    } catch (MpcException e) {
      refuse(s, f, e.code(), e.getMessage());
      return;
    }
    if (in != null) {
      handler.onMessage(s, in);
    }
  }

  private void refuse(Session s, Frame f, ErrorCode code, String message) {
    LOG.warn("refusing a frame from {} ({}): {}", s.remote(), s.peerRole(), message);
    closeReason = new MpcException(code, message);
    s.fail(f.jobId(), f.seq(), code, message);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    MpcException reason = FrameErrorHandler.classify(cause);
    closeReason = reason;
    LOG.warn("closing link to {}: {} {}", ctx.channel().remoteAddress(), reason.code(), reason.getMessage());
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (closeReason == null) {
      closeReason = ctx.channel().attr(FrameErrorHandler.CLOSE_REASON).get();
    }
    handler.onClose(session(ctx), closeReason);
    super.channelInactive(ctx);
  }
}
