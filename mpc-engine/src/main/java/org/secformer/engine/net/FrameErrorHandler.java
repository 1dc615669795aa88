package org.secformer.engine.net;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.io.IOException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.secformer.engine.MpcException;
import org.secformer.shares.control.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a failure below the application handler into a clean close: it classifies the exception (a
 * {@link FrameException} keeps its code; TLS failures are UNAUTHORIZED, I/O errors PEER_UNAVAILABLE, the
 * rest INTERNAL), stores it in {@link #CLOSE_REASON}, logs one WARN line, tells the peer with an ERROR
 * frame when the fault is the peer's frame, and closes the channel. Place it right after {@link
 * FrameCodec}; the application handler after it reads the reason in {@code channelInactive}.
 */
public final class FrameErrorHandler extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(FrameErrorHandler.class);

  /** Why this side closed the link, if it did so because of an error. */
  public static final AttributeKey<MpcException> CLOSE_REASON = AttributeKey.valueOf("secformer.closeReason");

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    MpcException reason = classify(cause);
    ctx.channel().attr(CLOSE_REASON).setIfAbsent(reason);
    boolean handshake = find(cause, SSLHandshakeException.class) != null;
    if (handshake) {
      // PeerRoleVerifier has logged the handshake failure already
      LOG.debug("closing link to {}: {}", ctx.channel().remoteAddress(), reason.getMessage());
    } else {
      LOG.warn("closing link to {}: {} {}", ctx.channel().remoteAddress(), reason.code(), reason.getMessage());
    }
    if (find(cause, FrameException.class) != null && ctx.channel().isActive()) {
      ctx.writeAndFlush(Wire.errorFrame("", -1, reason.code(), reason.getMessage()))
          .addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.close();
    }
  }

  /** The wire error for {@code cause}. */
  public static MpcException classify(Throwable cause) {
    FrameException fe = find(cause, FrameException.class);
    if (fe != null) {
      return new MpcException(fe.code(), fe.getMessage(), fe);
    }
    MpcException me = find(cause, MpcException.class);
    if (me != null) {
      return me;
    }
    SSLException ssl = find(cause, SSLException.class);
    if (ssl != null) {
      return new MpcException(ErrorCode.UNAUTHORIZED, "TLS failure: " + ssl.getMessage(), ssl);
    }
    IOException io = find(cause, IOException.class);
    if (io != null) {
      return new MpcException(ErrorCode.PEER_UNAVAILABLE, "connection error: " + io.getMessage(), io);
    }
    return new MpcException(ErrorCode.INTERNAL, "link failure: " + cause, cause);
  }

  static <T extends Throwable> T find(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return null;
  }
}
