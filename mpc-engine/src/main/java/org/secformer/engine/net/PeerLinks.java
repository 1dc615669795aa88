package org.secformer.engine.net;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.secformer.engine.tls.Role;
import org.secformer.engine.tls.TlsConfig;

/**
 * A P0&lt;-&gt;P1 link pair on loopback in one JVM, for tests and benchmarks: P0 listens on
 * 127.0.0.1 port 0, P1 connects, both with mutual TLS and role checks from the certificates in {@code
 * certDir} (as written by {@link org.secformer.engine.tls.CertTool}). Owns its event loop group; {@link
 * #close()} releases everything.
 */
public final class PeerLinks implements AutoCloseable {
  private final EventLoopGroup group;
  private final PeerServer server;
  private final NettyPeerChannel[] parties;

  private PeerLinks(EventLoopGroup group, PeerServer server, NettyPeerChannel p0, NettyPeerChannel p1) {
    this.group = group;
    this.server = server;
    this.parties = new NettyPeerChannel[] {p0, p1};
  }

  /** An event loop group for engine links: NIO, daemon threads named {@code secformer-net-*}. */
  public static EventLoopGroup newEventLoopGroup(int threads) {
    return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("secformer-net", true),
        NioIoHandler.newFactory());
  }

  /** Opens the pair for {@code jobId}. */
  public static PeerLinks loopback(Path certDir, String jobId, NetOptions options) {
    EventLoopGroup group = newEventLoopGroup(2);
    PeerServer server = null;
    try {
      server = PeerServer.start(group, TlsConfig.forRole(certDir, Role.P0), "127.0.0.1", 0, options);
      NettyPeerChannel p1 =
          PeerConnector.connect(group, TlsConfig.forRole(certDir, Role.P1), "127.0.0.1", server.port(), jobId, options);
      NettyPeerChannel p0 = server.accept(jobId, options.connectTimeout());
      return new PeerLinks(group, server, p0, p1);
    } catch (RuntimeException e) {
      if (server != null) {
        server.close();
      }
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
      throw e;
    }
  }

  public NettyPeerChannel party(int p) {
    return parties[p];
  }

  public NettyPeerChannel p0() {
    return parties[0];
  }

  public NettyPeerChannel p1() {
    return parties[1];
  }

  public PeerServer server() {
    return server;
  }

  public EventLoopGroup group() {
    return group;
  }

  @Override
  public void close() {
    for (NettyPeerChannel c : parties) {
      c.close();
    }
    server.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}
