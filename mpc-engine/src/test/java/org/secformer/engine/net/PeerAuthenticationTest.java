package org.secformer.engine.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secformer.engine.MpcException;
import org.secformer.engine.tls.CertTool;
import org.secformer.engine.tls.LogCapture;
import org.secformer.engine.tls.PeerRoleVerifier;
import org.secformer.engine.tls.Role;
import org.secformer.engine.tls.SslContexts;
import org.secformer.engine.tls.TlsConfig;
import org.secformer.shares.control.ErrorCode;

/** Who may open a P0&lt;-&gt;P1 link: only P1, with a certificate of the project CA. */
class PeerAuthenticationTest {
  @TempDir static Path tmp;
  static Path certs;
  static Path rogue;

  private static final NetOptions OPTIONS = NetOptions.defaults().withConnectTimeout(Duration.ofSeconds(5));

  private EventLoopGroup group;
  private PeerServer p0;
  private LogCapture log;

  @BeforeAll
  static void makeCertificates() {
    certs = tmp.resolve("project");
    rogue = tmp.resolve("rogue");
    CertTool.generate(certs, Duration.ofDays(1));
    CertTool.generate(rogue, Duration.ofDays(1)); // same roles, another CA
  }

  @BeforeEach
  void startP0() {
    log = LogCapture.of(PeerRoleVerifier.class, FrameErrorHandler.class);
    group = PeerLinks.newEventLoopGroup(2);
    p0 = PeerServer.start(group, TlsConfig.forRole(certs, Role.P0), "127.0.0.1", 0, OPTIONS);
  }

  @AfterEach
  void stop() {
    p0.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    log.close();
  }

  private NettyPeerChannel connectAsP1(SslContext ssl, String job) {
    return PeerConnector.connect(group, ssl, "127.0.0.1", p0.port(), Set.of(Role.P0), 1, job, OPTIONS);
  }

  private void assertNoLinkFor(String job) {
    assertEquals(ErrorCode.TIMEOUT,
        assertThrows(MpcException.class, () -> p0.accept(job, Duration.ofMillis(300))).code());
  }

  @Test
  void p1WithAProjectCertificateGetsALinkAlsoByHostName() throws Exception {
    TlsConfig p1 = TlsConfig.forRole(certs, Role.P1);
    try (NettyPeerChannel c1 = PeerConnector.connect(group, p1, "localhost", p0.port(), "job-ok", OPTIONS);
        NettyPeerChannel c0 = p0.accept("job-ok", Duration.ofSeconds(5))) {
      CompletableFuture<long[]> at1 = CompletableFuture.supplyAsync(() -> c1.exchange("hi", new long[] {1, 2}));
      assertArrayEquals(new long[] {1, 2}, c0.exchange("hi", new long[] {3, 4}));
      assertArrayEquals(new long[] {3, 4}, at1.get(5, TimeUnit.SECONDS));
    }
    assertTrue(log.lines().stream().noneMatch(s -> s.startsWith("WARN")), log.lines().toString());
  }

  @Test
  void aCertificateOfAnotherCaIsRefused() throws Exception {
    // trusts the project CA (so it accepts P0), but presents a P1 certificate signed by the rogue CA
    TlsConfig mixed = new TlsConfig(certs.resolve("ca.crt"), rogue.resolve("p1.crt"), rogue.resolve("p1.key"),
        Role.P1, true);
    MpcException e = assertThrows(MpcException.class, () -> connectAsP1(SslContexts.client(mixed), "job-rogue"));
    assertTrue(e.code() == ErrorCode.UNAUTHORIZED || e.code() == ErrorCode.PEER_UNAVAILABLE, e.toString());
    List<String> warn = log.awaitWarn("TLS handshake with", "p0 peer port", "failed");
    assertEquals(1, warn.size(), log.lines().toString());
    assertNoLinkFor("job-rogue");
  }

  @Test
  void aClientWithoutCertificateIsRefused() throws Exception {
    SslContext noCert = SslContextBuilder.forClient()
        .sslProvider(SslProvider.JDK)
        .protocols(SslContexts.PROTOCOL)
        .trustManager(certs.resolve("ca.crt").toFile())
        .build();
    MpcException e = assertThrows(MpcException.class, () -> connectAsP1(noCert, "job-anon"));
    assertTrue(e.code() == ErrorCode.UNAUTHORIZED || e.code() == ErrorCode.PEER_UNAVAILABLE, e.toString());
    List<String> warn = log.awaitWarn("TLS handshake with", "p0 peer port", "failed");
    assertEquals(1, warn.size(), log.lines().toString());
    assertTrue(warn.get(0).toLowerCase().contains("certificate"), warn.get(0));
    assertNoLinkFor("job-anon");
  }

  @Test
  void aValidCertificateOfTheWrongRoleIsRefusedAndLoggedClearly() throws Exception {
    for (Role wrong : List.of(Role.CLIENT, Role.DEALER, Role.P0)) {
      SslContext ssl = SslContexts.client(TlsConfig.forRole(certs, wrong));
      MpcException e = assertThrows(MpcException.class, () -> connectAsP1(ssl, "job-" + wrong));
      assertEquals(ErrorCode.UNAUTHORIZED, e.code(), e.toString());
      assertTrue(e.getMessage().contains("role '" + wrong + "' is not allowed on link 'p0 peer port'"),
          e.getMessage());
      List<String> warn = log.awaitWarn("refusing peer", "presented role '" + wrong + "'", "accepts only [p1]");
      assertEquals(1, warn.size(), log.lines().toString());
      assertFalse(warn.get(0).contains("PRIVATE"), "no key material in logs");
      assertNoLinkFor("job-" + wrong);
    }
  }

  @Test
  void p1RefusesAServerThatIsNotP0() throws Exception {
    PeerServer dealerPosingAsP0 = PeerServer.start(group, SslContexts.server(TlsConfig.forRole(certs, Role.DEALER)),
        0, Set.of(Role.P1), "127.0.0.1", 0, OPTIONS);
    try {
      MpcException e = assertThrows(MpcException.class, () -> PeerConnector.connect(group,
          TlsConfig.forRole(certs, Role.P1), "127.0.0.1", dealerPosingAsP0.port(), "job-x", OPTIONS));
      assertTrue(e.code() == ErrorCode.UNAUTHORIZED || e.code() == ErrorCode.PEER_UNAVAILABLE, e.toString());
      assertEquals(1, log.awaitWarn("refusing peer", "presented role 'dealer'", "accepts only [p0]").size(),
          log.lines().toString());
    } finally {
      dealerPosingAsP0.close();
    }
  }

  @Test
  void aServerCertificateWithoutTheDialledHostNameIsRefusedWhenHostnamesAreVerified() {
    // 127.0.0.2 is loopback too, but not in the certificate's SAN
    MpcException e = assertThrows(MpcException.class, () -> PeerConnector.connect(group,
        TlsConfig.forRole(certs, Role.P1), "127.0.0.2", p0.port(), "job-host", OPTIONS));
    assertTrue(e.code() == ErrorCode.UNAUTHORIZED || e.code() == ErrorCode.PEER_UNAVAILABLE, e.toString());
  }
}
