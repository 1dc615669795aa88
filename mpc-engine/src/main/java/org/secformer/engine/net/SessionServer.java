package org.secformer.engine.net;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.function.Supplier;
import org.secformer.engine.MpcException;
import org.secformer.engine.tls.Role;
import org.secformer.shares.control.ErrorCode;

/**
 * A TLS server whose connections are {@link Session}s: mutual TLS, the peer's certificate role checked
 * against {@code admitted}, framing, then one {@link SessionHandler} per connection.
 */
public final class SessionServer implements AutoCloseable {
  private final Channel serverChannel;
  private final ChannelGroup channels;

  private SessionServer(Channel serverChannel, ChannelGroup channels) {
    this.serverChannel = serverChannel;
    this.channels = channels;
  }

  public static SessionServer start(
      EventLoopGroup group,
      SslContext ssl,
      Set<Role> admitted,
      String link,
      String bindHost,
      int port,
      NetOptions options,
      Supplier<SessionHandler> handlers) {
    ChannelGroup accepted = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    ServerBootstrap b = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
            new WriteBufferWaterMark(options.writeLowWaterMark(), options.writeHighWaterMark()))
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            accepted.add(ch);
            FramePipeline.installTls(ch.pipeline(), ssl.newHandler(ch.alloc()), link, admitted, options);
            attach(ch, options, handlers.get());
          }
        });
    // not syncUninterruptibly(): it rethrows a failed bind's checked BindException undeclared, past any
    // catch of RuntimeException, so a busy or foreign address surfaced as a bare stack trace
    io.netty.channel.ChannelFuture bound = b.bind(bindHost, port).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      Throwable e = bound.cause();
      throw new MpcException(ErrorCode.INTERNAL, link + ": cannot listen on " + bindHost + ":" + port + ": " + e.getMessage(), e);
    }
    return new SessionServer(bound.channel(), accepted);
  }

  /**
   * Adds what follows TLS and the role check on one connection: framing and a {@link SessionHandler}.
   * The listener calls it for every connection; tests call it on an EmbeddedChannel to drive the very
   * same inbound path without sockets (they set the peer's role and fire {@code Verified} themselves).
   */
  public static void attach(Channel ch, NetOptions options, SessionHandler handler) {
    FramePipeline.addFraming(ch.pipeline(), options);
    ch.pipeline().addLast(new SessionInbound(handler, options));
  }

  public int port() {
    return ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  @Override
  public void close() {
    serverChannel.close().syncUninterruptibly();
    channels.close().awaitUninterruptibly();
  }
}
