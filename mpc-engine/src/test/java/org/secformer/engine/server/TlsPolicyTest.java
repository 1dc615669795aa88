package org.secformer.engine.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secformer.engine.net.PeerLinks;
import org.secformer.engine.tls.CertTool;
import org.secformer.engine.tls.CertificateAuthority;
import org.secformer.engine.tls.LogCapture;
import org.secformer.engine.tls.PeerRoleVerifier;
import org.secformer.engine.tls.Role;
import org.secformer.engine.tls.SslContexts;
import org.secformer.engine.tls.TlsConfig;

/**
 * What the engine's three listening ports (a party's client port, P0's peer port, the dealer's port)
 * accept at the TLS level: an expired certificate of the project CA is refused, and so is a client that
 * offers only TLS 1.2. A valid certificate over TLS 1.3 gets through, so the refusals cannot pass by
 * accident.
 */
class TlsPolicyTest {
  @TempDir static Path dir;
  static Path certs;
  static Path expired;
  static LocalCluster cluster;
  static EventLoopGroup group;
  static LogCapture log;

  @BeforeAll
  static void start() throws Exception {
    certs = dir.resolve("certs");
    CertTool.generate(certs, Duration.ofDays(1));
    expired = dir.resolve("expired");
    Files.createDirectories(expired);
    CertificateAuthority ca = CertificateAuthority.load(certs.resolve("ca.crt"), certs.resolve("ca.key"));
    Instant now = Instant.now();
    for (Role r : List.of(Role.CLIENT, Role.P0, Role.P1)) {
      // signed by the project CA, with the right role: only the dates are wrong
      CertificateAuthority.write(expired, r, ca.issue(r, now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)), List.of()));
    }
    log = LogCapture.of(PeerRoleVerifier.class);
    cluster = LocalCluster.start(certs, dir.resolve("models"), 1, Duration.ofSeconds(5));
    group = PeerLinks.newEventLoopGroup(1);
  }

  @AfterAll
  static void stop() {
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    if (cluster != null) {
      cluster.close();
    }
    if (log != null) {
      log.close();
    }
  }

  /** Each port with a role it admits. */
  private static Map<String, Object[]> ports() {
    PartyServer p0 = cluster.parties().stream().filter(p -> p.role() == Role.P0).findFirst().orElseThrow();
    return Map.of(
        "p0 client port", new Object[] {p0.clientPort(), Role.CLIENT},
        "p0 peer port", new Object[] {p0.peerPort(), Role.P1},
        "dealer port", new Object[] {cluster.dealers().get(0).port(), Role.P0});
  }

  /** "open" if the link is up after a while, else how it was refused; and the local port used. */
  private record Attempt(String result, int localPort) {}

  private static Attempt connect(SslContext ssl, int port) throws Exception {
    CompletableFuture<Throwable> handshake = new CompletableFuture<>();
    Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel c) {
            SslHandler h = ssl.newHandler(c.alloc(), "127.0.0.1", port);
            c.pipeline().addLast(h, new ChannelInboundHandlerAdapter() {
              @Override
              public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                if (evt instanceof SslHandshakeCompletionEvent e) {
                  handshake.complete(e.isSuccess() ? null : e.cause());
                }
              }

              @Override
              public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close();
              }
            });
          }
        }).connect("127.0.0.1", port).syncUninterruptibly().channel();
    int local = ((InetSocketAddress) ch.localAddress()).getPort();
    try {
      Throwable failed = handshake.get(5, TimeUnit.SECONDS);
      if (failed != null) {
        return new Attempt("handshake failed: " + failed, local);
      }
      // TLS 1.3: the client may finish before the server has judged its certificate
      return new Attempt(ch.closeFuture().await(400) ? "closed by the server" : "open", local);
    } finally {
      ch.close().awaitUninterruptibly(2_000);
    }
  }

  private static SslContext withExpired(Role role) {
    return SslContexts.client(new TlsConfig(certs.resolve("ca.crt"), expired.resolve(role.commonName() + ".crt"),
        expired.resolve(role.commonName() + ".key"), role, true));
  }

  @Test
  void anExpiredCertificateIsRefusedOnEveryPortAndTheRefusalIsLogged() throws Exception {
    for (Map.Entry<String, Object[]> e : ports().entrySet()) {
      int port = (int) e.getValue()[0];
      Role role = (Role) e.getValue()[1];
      Attempt valid = connect(SslContexts.client(TlsConfig.forRole(certs, role)), port);
      assertEquals("open", valid.result(), e.getKey() + " must admit a valid " + role + " certificate");
      Attempt a = connect(withExpired(role), port);
      assertFalse(a.result().equals("open"), e.getKey() + " admitted an expired " + role + " certificate");
      List<String> warn = log.awaitWarn("TLS handshake with", ":" + a.localPort(), "failed");
      assertEquals(1, warn.size(), e.getKey() + ": " + log.lines());
      assertTrue(warn.get(0).contains("certificate is outside its validity period") && warn.get(0).contains("expired"),
          warn.get(0));
    }
  }

  @Test
  void aClientOfferingOnlyTls12IsRefusedOnEveryPort() throws Exception {
    for (Map.Entry<String, Object[]> e : ports().entrySet()) {
      int port = (int) e.getValue()[0];
      Role role = (Role) e.getValue()[1];
      TlsConfig tls = TlsConfig.forRole(certs, role);
      SslContext tls12 = SslContextBuilder.forClient()
          .sslProvider(SslProvider.JDK)
          .protocols("TLSv1.2")
          .keyManager(tls.certChain().toFile(), tls.privateKey().toFile())
          .trustManager(tls.caCert().toFile())
          .build();
      Attempt a = connect(tls12, port);
      assertTrue(a.result().startsWith("handshake failed"), e.getKey() + " with TLS 1.2 only: " + a.result());
    }
    // and what the engine's own contexts enable, server and client side
    for (Role r : List.of(Role.P0, Role.P1, Role.DEALER)) {
      javax.net.ssl.SSLEngine server = SslContexts.server(TlsConfig.forRole(certs, r)).newEngine(io.netty.buffer.ByteBufAllocator.DEFAULT);
      assertEquals(List.of("TLSv1.3"), List.of(server.getEnabledProtocols()), r + " server");
    }
    javax.net.ssl.SSLEngine client = SslContexts.client(TlsConfig.forRole(certs, Role.CLIENT)).newEngine(io.netty.buffer.ByteBufAllocator.DEFAULT);
    assertEquals(List.of("TLSv1.3"), List.of(client.getEnabledProtocols()), "client");
  }
}
