package org.secformer.engine.net;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.secformer.engine.MpcException;
import org.secformer.engine.tls.PeerRoleVerifier;
import org.secformer.engine.tls.Role;
import org.secformer.engine.tls.SslContexts;
import org.secformer.engine.tls.TlsConfig;
import org.secformer.shares.control.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listening end of the P0&lt;-&gt;P1 links (normally P0's peer port). Every connection goes through
 * mutual TLS and the role check (only the other computing party is admitted), then must send a HELLO
 * frame naming its job within the connect timeout; the server answers HELLO and hands the channel to
 * {@link #accept}, which may be called before or after the peer connects.
 *
 * <p>The event loop group belongs to the caller. A job's link that is never accepted stays open until
 * {@link #close()}.
 */
public final class PeerServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PeerServer.class);
  private static final String SETUP = "setup";

  private final int party;
  private final NetOptions options;
  private final String link;
  private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final ConcurrentMap<String, CompletableFuture<NettyPeerChannel>> links = new ConcurrentHashMap<>();
  private Channel serverChannel;

  private PeerServer(int party, NetOptions options, String link) {
    this.party = party;
    this.options = options;
    this.link = link;
  }

  /** Listens as the computing party named by {@code tls.role()}, admitting only the other party. */
  public static PeerServer start(EventLoopGroup group, TlsConfig tls, String bindHost, int port, NetOptions options) {
    int party = tls.role().party();
    Role peer = party == 0 ? Role.P1 : Role.P0;
    return start(group, SslContexts.server(tls), party, Set.of(peer), bindHost, port, options);
  }

  /** Listens with an explicit TLS context and set of admitted roles; port 0 picks a free port. */
  public static PeerServer start(
      EventLoopGroup group,
      SslContext ssl,
      int party,
      Set<Role> admitted,
      String bindHost,
      int port,
      NetOptions options) {
    PeerServer s = new PeerServer(party, options, "p" + party + " peer port");
    ServerBootstrap b =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(
                ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(options.writeLowWaterMark(), options.writeHighWaterMark()))
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    s.channels.add(ch);
                    FramePipeline.installTls(ch.pipeline(), ssl.newHandler(ch.alloc()), s.link, admitted, options);
                    FramePipeline.addNetworkEmulation(ch.pipeline(), options.emulation());
                    s.attach(ch);
                  }
                });
    ChannelFuture bound = b.bind(bindHost, port).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      throw new MpcException(
          ErrorCode.INTERNAL, "cannot listen on " + bindHost + ":" + port + ": " + bound.cause(), bound.cause());
    }
    s.serverChannel = bound.channel();
    s.channels.add(s.serverChannel);
    LOG.info("{} listening on {}, admitting {}", s.link, s.serverChannel.localAddress(), admitted);
    return s;
  }

  /** The port bound (useful after binding port 0). */
  public int port() {
    return ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  /**
   * Adds what follows TLS and the role check on one accepted connection: framing and the HELLO set-up
   * (with its deadline). The listener calls it for every connection; tests call it on an EmbeddedChannel
   * to drive the same inbound path without sockets.
   */
  public void attach(Channel ch) {
    FramePipeline.addFraming(ch.pipeline(), options);
    ch.pipeline().addLast(SETUP, new Setup());
    ch.eventLoop().schedule(() -> expireSetup(ch), options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Waits up to {@code timeout} for the peer's link of {@code jobId}. */
  public NettyPeerChannel accept(String jobId, Duration timeout) {
    CompletableFuture<NettyPeerChannel> f = links.computeIfAbsent(jobId, k -> new CompletableFuture<>());
    try {
      return f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      links.remove(jobId, f);
      throw new MpcException(
          ErrorCode.TIMEOUT, link + ": no peer link for job '" + jobId + "' within " + timeout);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof MpcException m
          ? new MpcException(m.code(), m.getMessage(), m)
          : new MpcException(ErrorCode.INTERNAL, link + ": " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MpcException(ErrorCode.INTERNAL, link + ": interrupted while waiting for job '" + jobId + "'", e);
    }
  }

  /** Peer links set up or awaited and not yet closed (one per running job). */
  public int openLinks() {
    return links.size();
  }

  /** Stops listening and closes every link it accepted. */
  @Override
  public void close() {
    links.values().forEach(f -> f.completeExceptionally(
        new MpcException(ErrorCode.PEER_UNAVAILABLE, link + " is closed")));
    channels.close().awaitUninterruptibly(options.connectTimeout().toMillis());
  }

  private void expireSetup(Channel ch) {
    if (ch.isActive() && ch.pipeline().get(SETUP) != null) {
      LOG.warn("{}: {} sent no HELLO within {}; closing", link, ch.remoteAddress(), options.connectTimeout());
      ch.close();
    }
  }

  /** Waits for the peer's HELLO, then turns the channel into a {@link NettyPeerChannel}. */
  private final class Setup extends SimpleChannelInboundHandler<Frame> {
    Setup() {
      super(Frame.class);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Frame f) {
      String job = f.jobId();
      if (f.type() == FrameType.ERROR) {
        MpcException e = Wire.readError(f);
        LOG.warn("{}: {} gave up the link: {} {}", link, ctx.channel().remoteAddress(), e.code(), e.getMessage());
        ctx.close();
        return;
      }
      if (f.type() != FrameType.HELLO) {
        refuse(ctx, ErrorCode.MALFORMED_FRAME, "expected HELLO, got " + f.type());
        return;
      }
      if (job.isEmpty()) {
        refuse(ctx, ErrorCode.BAD_REQUEST, "HELLO without a job id");
        return;
      }
      CompletableFuture<NettyPeerChannel> fut = links.computeIfAbsent(job, k -> new CompletableFuture<>());
      synchronized (fut) {
        if (fut.isDone()) {
          refuse(ctx, ErrorCode.BAD_REQUEST, "a peer link for job '" + job + "' exists already");
          return;
        }
        NettyPeerChannel pc = new NettyPeerChannel(party, job, ctx.channel(), options, SETUP);
        ctx.channel().writeAndFlush(Frame.empty(FrameType.HELLO, job, 0));
        fut.complete(pc);
        // a long-running server sees one link per job: forget each once it closes, claimed or not
        ctx.channel().closeFuture().addListener(x -> links.remove(job, fut));
      }
      LOG.info("{}: {} ({}) joined job {}", link, ctx.channel().remoteAddress(),
          ctx.channel().attr(PeerRoleVerifier.PEER_ROLE).get(), job);
    }

    private void refuse(ChannelHandlerContext ctx, ErrorCode code, String message) {
      LOG.warn("{}: refusing {}: {} {}", link, ctx.channel().remoteAddress(), code, message);
      ctx.writeAndFlush(Wire.errorFrame("", -1, code, message)).addListener(x -> ctx.channel().close());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.warn("{}: set-up with {} failed: {}", link, ctx.channel().remoteAddress(), cause.toString());
      ctx.close();
    }
  }
}
