package org.secformer.engine.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.secformer.engine.MpcException;
import org.secformer.engine.tls.PeerRoleVerifier;
import org.secformer.engine.tls.Role;
import org.secformer.engine.tls.SslContexts;
import org.secformer.engine.tls.TlsConfig;
import org.secformer.shares.control.ErrorCode;

/**
 * The connecting end of a P0&lt;-&gt;P1 link (normally P1): TCP connect, mutual TLS, check that the
 * server's certificate names the other party, send HELLO(job), and wait for the server's HELLO. Every
 * step counts against {@link NetOptions#connectTimeout()}. A refusal by the server (its ERROR frame, or a
 * TLS alert because it rejected this party's certificate) fails with UNAUTHORIZED, a close without reason
 * with PEER_UNAVAILABLE.
 */
public final class PeerConnector {
  private static final String SETUP = "setup";

  private PeerConnector() {}

  /** Connects as the computing party named by {@code tls.role()} to the other party at host:port. */
  public static NettyPeerChannel connect(
      EventLoopGroup group, TlsConfig tls, String host, int port, String jobId, NetOptions options) {
    int party = tls.role().party();
    Role peer = party == 0 ? Role.P1 : Role.P0;
    return connect(group, SslContexts.client(tls), host, port, Set.of(peer), party, jobId, options);
  }

  /** Connects with an explicit TLS context; the server must present one of {@code serverRoles}. */
  public static NettyPeerChannel connect(
      EventLoopGroup group,
      SslContext ssl,
      String host,
      int port,
      Set<Role> serverRoles,
      int party,
      String jobId,
      NetOptions options) {
    if (jobId.isEmpty()) {
      throw new IllegalArgumentException("job id must not be empty");
    }
    String where = host + ":" + port;
    long deadline = System.nanoTime() + options.connectTimeout().toNanos();
    CompletableFuture<NettyPeerChannel> ready = new CompletableFuture<>();
    Bootstrap b =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                options.connectTimeout().toMillis()))
            .option(ChannelOption.TCP_NODELAY, true)
            .option(
                ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(options.writeLowWaterMark(), options.writeHighWaterMark()))
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    FramePipeline.install(
                        ch.pipeline(), ssl.newHandler(ch.alloc(), host, port), "p" + party + " -> " + where,
                        serverRoles, options);
                    FramePipeline.addNetworkEmulation(ch.pipeline(), options.emulation());
                    ch.pipeline().addLast(SETUP, new Setup(ready, party, jobId, where, options));
                  }
                });
    ChannelFuture cf = b.connect(host, port);
    if (!cf.awaitUninterruptibly(options.connectTimeout().toMillis())) {
      cf.cancel(false);
      cf.channel().close();
      throw new MpcException(ErrorCode.TIMEOUT, "cannot connect to " + where + " within " + options.connectTimeout());
    }
    if (!cf.isSuccess()) {
      throw new MpcException(
          ErrorCode.PEER_UNAVAILABLE, "cannot connect to " + where + ": " + cf.cause().getMessage(), cf.cause());
    }
    try {
      return ready.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      cf.channel().close();
      throw new MpcException(
          ErrorCode.TIMEOUT, "no answer to the link set-up from " + where + " within " + options.connectTimeout());
    } catch (ExecutionException e) {
      cf.channel().close();
      throw e.getCause() instanceof MpcException m
          ? new MpcException(m.code(), m.getMessage(), m)
          : new MpcException(ErrorCode.INTERNAL, "link set-up with " + where + ": " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cf.channel().close();
      throw new MpcException(ErrorCode.INTERNAL, "interrupted while connecting to " + where, e);
    }
  }

  /** Sends HELLO once the server's role is verified and waits for its answer. */
  private static final class Setup extends SimpleChannelInboundHandler<Frame> {
    private final CompletableFuture<NettyPeerChannel> ready;
    private final int party;
    private final String jobId;
    private final String where;
    private final NetOptions options;

    Setup(CompletableFuture<NettyPeerChannel> ready, int party, String jobId, String where, NetOptions options) {
      super(Frame.class);
      this.ready = ready;
      this.party = party;
      this.jobId = jobId;
      this.where = where;
      this.options = options;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof PeerRoleVerifier.Verified) {
        ctx.writeAndFlush(Frame.empty(FrameType.HELLO, jobId, 0));
      } else if (evt instanceof SslHandshakeCompletionEvent done && !done.isSuccess()) {
        ready.completeExceptionally(new MpcException(
            ErrorCode.UNAUTHORIZED,
            "TLS handshake with " + where + " failed: " + FrameErrorHandler.classify(done.cause()).getMessage()));
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Frame f) {
      if (f.type() == FrameType.HELLO && jobId.equals(f.jobId())) {
        ready.complete(new NettyPeerChannel(party, jobId, ctx.channel(), options, SETUP));
      } else if (f.type() == FrameType.ERROR) {
        MpcException e = Wire.readError(f);
        ready.completeExceptionally(
            new MpcException(e.code(), "the peer at " + where + " refused the link: " + e.getMessage()));
        ctx.close();
      } else {
        ready.completeExceptionally(new MpcException(
            ErrorCode.MALFORMED_FRAME, "expected HELLO for job '" + jobId + "' from " + where + ", got " + f));
        ctx.close();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      MpcException reason = ctx.channel().attr(FrameErrorHandler.CLOSE_REASON).get();
      ready.completeExceptionally(
          reason != null
              ? new MpcException(reason.code(), "link set-up with " + where + " failed: " + reason.getMessage(), reason)
              : new MpcException(
                  ErrorCode.PEER_UNAVAILABLE,
                  "the peer at " + where + " closed the link during set-up (it may have refused this party's"
                      + " certificate or role; see its log)"));
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      MpcException e = FrameErrorHandler.classify(cause);
      ctx.channel().attr(FrameErrorHandler.CLOSE_REASON).setIfAbsent(e);
      ready.completeExceptionally(new MpcException(e.code(), "link set-up with " + where + ": " + e.getMessage(), e));
      ctx.close();
    }
  }
}
