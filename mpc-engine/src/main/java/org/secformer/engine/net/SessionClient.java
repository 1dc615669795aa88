package org.secformer.engine.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.secformer.engine.MpcException;
import org.secformer.engine.tls.PeerRoleVerifier;
import org.secformer.engine.tls.Role;
import org.secformer.shares.control.ErrorCode;

/** Opens a {@link Session} to a {@link SessionServer}, checking that the server presents an expected role. */
public final class SessionClient {
  private SessionClient() {}

  public static Session connect(
      EventLoopGroup group,
      SslContext ssl,
      String host,
      int port,
      Set<Role> serverRoles,
      String link,
      NetOptions options,
      SessionHandler handler) {
    String where = host + ":" + port;
    CompletableFuture<Session> ready = new CompletableFuture<>();
    SessionInbound inbound = new SessionInbound(handler, options);
    Bootstrap b = new Bootstrap()
        .group(group)
        .channel(NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis()))
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.WRITE_BUFFER_WATER_MARK,
            new WriteBufferWaterMark(options.writeLowWaterMark(), options.writeHighWaterMark()))
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            FramePipeline.install(ch.pipeline(), ssl.newHandler(ch.alloc(), host, port), link, serverRoles, options);
            ch.pipeline().addLast(inbound);
            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
              @Override
              public void channelInactive(ChannelHandlerContext ctx) {
                MpcException reason = ctx.channel().attr(FrameErrorHandler.CLOSE_REASON).get();
                ready.completeExceptionally(reason != null ? reason
                    : new MpcException(ErrorCode.PEER_UNAVAILABLE, link + ": " + where + " closed the connection during set-up"));
                ctx.fireChannelInactive();
              }
            });
            ch.pipeline().addBefore(FramePipeline.LENGTH, "ready", new ChannelInboundHandlerAdapter() {
              @Override
              public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
                if (evt instanceof PeerRoleVerifier.Verified) {
                  ready.complete(inbound.session(ch.pipeline().context(inbound)));
                }
                ctx.fireUserEventTriggered(evt);
              }
            });
          }
        });
    ChannelFuture cf = b.connect(host, port);
    if (!cf.awaitUninterruptibly(options.connectTimeout().toMillis()) || !cf.isSuccess()) {
      cf.channel().close();
      Throwable cause = cf.cause();
      throw new MpcException(ErrorCode.PEER_UNAVAILABLE,
          link + ": cannot connect to " + where + (cause == null ? " within " + options.connectTimeout() : ": " + cause.getMessage()), cause);
    }
    try {
      return ready.get(options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      cf.channel().close();
      throw new MpcException(ErrorCode.TIMEOUT, link + ": TLS set-up with " + where + " did not finish within " + options.connectTimeout());
    } catch (ExecutionException e) {
      cf.channel().close();
      throw e.getCause() instanceof MpcException m ? new MpcException(m.code(), link + ": " + m.getMessage(), m)
          : new MpcException(ErrorCode.PEER_UNAVAILABLE, link + ": " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cf.channel().close();
      throw new MpcException(ErrorCode.INTERNAL, "interrupted while connecting to " + where, e);
    }
  }
}
