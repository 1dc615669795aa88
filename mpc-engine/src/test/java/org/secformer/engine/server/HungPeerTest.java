package org.secformer.engine.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.secformer.engine.MpcException;
import org.secformer.engine.client.ClientJob;
import org.secformer.engine.client.EngineClient;
import org.secformer.engine.model.ModelSharer;
import org.secformer.engine.net.FrameType;
import org.secformer.engine.net.Inbound;
import org.secformer.engine.net.NetOptions;
import org.secformer.engine.net.NettyPeerChannel;
import org.secformer.engine.net.PeerLinks;
import org.secformer.engine.net.PeerServer;
import org.secformer.engine.net.Session;
import org.secformer.engine.net.SessionHandler;
import org.secformer.engine.net.SessionServer;
import org.secformer.engine.tls.CertTool;
import org.secformer.engine.tls.LogCapture;
import org.secformer.engine.tls.Role;
import org.secformer.engine.tls.SslContexts;
import org.secformer.engine.tls.TlsConfig;
import org.secformer.shares.control.ErrorCode;
import org.secformer.shares.control.JobStart;
import org.secformer.shares.control.SeedGrant;
import org.secformer.shares.control.SeedRequest;
import org.secformer.shares.fxp.FixedPoint;
import org.secformer.shares.ring.RingTensor;

/**
 * Components that authenticate properly and then stop answering: nothing waits for them forever. Each
 * wait ends at its configured timeout (kept short here) with an error that names who was late and for
 * which job.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HungPeerTest {
  private static final FixedPoint FXP = FixedPoint.defaults();
  private static final Duration SHORT = Duration.ofMillis(800);

  @TempDir static Path dir;
  static Path certs;
  static EventLoopGroup group;

  @BeforeAll
  static void setUp() throws Exception {
    certs = dir.resolve("certs");
    CertTool.generate(certs, Duration.ofDays(1));
    double[] w = new double[8 * 2];
    java.util.Arrays.fill(w, 0.25);
    ModelSharer.share("hung-linear", 16, Map.of("W", FXP.encode(w, 8, 2)), dir.resolve("models"));
    group = PeerLinks.newEventLoopGroup(2);
  }

  @AfterAll
  static void tearDown() {
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }

  /** A P1 that completes TLS and the HELLO of {@code job}, then never reads or sends again. */
  private static Channel hungP1(int port, String job) throws Exception {
    SslContext ssl = SslContexts.client(TlsConfig.forRole(certs, Role.P1));
    CompletableFuture<Void> up = new CompletableFuture<>();
    Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel c) {
            c.pipeline().addLast(ssl.newHandler(c.alloc(), "127.0.0.1", port), new ChannelInboundHandlerAdapter() {
              @Override
              public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                if (evt instanceof SslHandshakeCompletionEvent e && e.isSuccess()) {
                  up.complete(null);
                }
              }

              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ReferenceCountUtil.release(msg);
              }

              @Override
              public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close();
              }
            });
          }
        }).connect("127.0.0.1", port).syncUninterruptibly().channel();
    up.get(10, TimeUnit.SECONDS);
    ch.writeAndFlush(Unpooled.wrappedBuffer(FuzzFrames.frame(FrameType.HELLO, job, 0, new byte[0]))).sync();
    ch.config().setAutoRead(false); // stops reading: TCP buffers fill and the sender is held back
    return ch;
  }

  @Test
  void aPeerThatStopsReadingMidExchangeFailsItWithATimeoutNamingThePeerAndTheJob() throws Exception {
    NetOptions options = NetOptions.defaults().withExchangeTimeout(SHORT).withWriteWaterMarks(64 << 10, 256 << 10);
    PeerServer p0 = PeerServer.start(group, TlsConfig.forRole(certs, Role.P0), "127.0.0.1", 0, options);
    try {
      // a tensor larger than TCP and TLS buffers can swallow: the send itself stalls
      Channel stalled = hungP1(p0.port(), "job-big");
      try (NettyPeerChannel link = p0.accept("job-big", Duration.ofSeconds(5))) {
        long t0 = System.nanoTime();
        MpcException e = assertThrows(MpcException.class, () -> link.exchange("open(x)", new long[4 << 20]));
        assertTimedOutPromptly(e, t0, "job-big", "did not take 'open(x)'");
      } finally {
        stalled.close();
      }
      // a small tensor is sent; the answer never comes
      Channel silent = hungP1(p0.port(), "job-small");
      try (NettyPeerChannel link = p0.accept("job-small", Duration.ofSeconds(5))) {
        long t0 = System.nanoTime();
        MpcException e = assertThrows(MpcException.class, () -> link.exchange("open(y)", new long[] {1, 2, 3}));
        assertTimedOutPromptly(e, t0, "job-small", "no message from the peer at");
        assertEquals(ErrorCode.TIMEOUT, assertThrows(MpcException.class, () -> link.exchange("z", new long[1])).code(),
            "a timed-out link stays failed");
      } finally {
        silent.close();
      }
    } finally {
      p0.close();
    }
  }

  private static void assertTimedOutPromptly(MpcException e, long t0, String job, String what) {
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(ErrorCode.TIMEOUT, e.code(), e.getMessage());
    assertTrue(e.getMessage().contains("job " + job) && e.getMessage().contains(what)
        && e.getMessage().contains("127.0.0.1:"), e.getMessage());
    assertTrue(ms >= SHORT.toMillis() - 50 && ms < SHORT.toMillis() + 3_000, "timed out after " + ms + " ms");
  }

  /** A server speaking the engine's session protocol that answers {@code answer} and ignores the rest. */
  private static SessionServer silentServer(Role as, List<Role> admits, SessionHandler handler) {
    return SessionServer.start(group, SslContexts.server(TlsConfig.forRole(certs, as)), java.util.Set.copyOf(admits),
        "hung " + as, "127.0.0.1", 0, NetOptions.defaults(), () -> handler);
  }

  @Test
  void aDealerThatStopsAnsweringFailsTheJobAndTheClientHearsWhy() {
    // hands out seeds, then never answers a correlation request
    SessionServer dealer = silentServer(Role.DEALER, List.of(Role.P0, Role.P1), (s, in) -> {
      if (in instanceof Inbound.Control c && c.message() instanceof SeedRequest r) {
        s.sendControl(r.jobId(), c.seq(), new SeedGrant(r.jobId(), 1, 2));
      }
    });
    Map<Role, List<Endpoint>> eps = new EnumMap<>(Role.class);
    eps.put(Role.P0, List.of(new Endpoint("127.0.0.1", 0)));
    eps.put(Role.P1, List.of(new Endpoint("127.0.0.1", 0)));
    eps.put(Role.DEALER, List.of(new Endpoint("127.0.0.1", dealer.port())));
    EngineConfig base = new EngineConfig(eps, List.of(0), certs, 64 << 20, SHORT.toMillis(), dir.resolve("models"), 16);
    try (LogCapture log = LogCapture.of(ServedJob.class);
        PartyServer p0 = PartyServer.start(Role.P0, 0, base, TlsConfig.forRole(certs, Role.P0), group)) {
      eps.put(Role.P0, List.of(new Endpoint("127.0.0.1", p0.clientPort())));
      EngineConfig withP0 = base.withWorkers(eps, List.of(p0.peerPort()));
      try (PartyServer p1 = PartyServer.start(Role.P1, 0, withP0, TlsConfig.forRole(certs, Role.P1), group)) {
        eps.put(Role.P1, List.of(new Endpoint("127.0.0.1", p1.clientPort())));
        // the client waits longer than the parties, so it hears the parties' own reason
        EngineConfig forClient = new EngineConfig(eps, List.of(p0.peerPort()), certs, 64 << 20, 3_000,
            dir.resolve("models"), 16);
        try (EngineClient client = EngineClient.connect(forClient, TlsConfig.forRole(certs, Role.CLIENT));
            ClientJob job = client.startJob(new JobStart("job-dealer-hung", "hung-linear", 16, "linear", Map.of()))) {
          RingTensor x = FXP.encode(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, 1, 8);
          long t0 = System.nanoTime();
          MpcException e = assertThrows(MpcException.class, () -> job.run(new long[] {1}, x));
          long ms = (System.nanoTime() - t0) / 1_000_000;
          // P1 waits on the dealer and P0 on P1, so the client hears whichever times out first
          assertEquals(ErrorCode.TIMEOUT, e.code(), e.getMessage());
          assertTrue(e.getMessage().contains("job-dealer-hung") && (e.getMessage().contains("dealer did not answer")
              || e.getMessage().contains("no message from the peer at")), e.getMessage());
          assertTrue(ms < SHORT.toMillis() + 2_000, "failed after " + ms + " ms");
          System.out.println("hung dealer: the client heard after " + ms + " ms: " + e.getMessage());
          assertTrue(!log.awaitWarn("job job-dealer-hung", "failed at", "dealer did not answer").isEmpty(), log.lines().toString());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      dealer.close();
    }
  }

  @Test
  void aClientWaitingOnPartiesThatNeverAnswerTimesOutNamingThem() {
    SessionHandler deaf = (s, in) -> { };
    SessionServer p0 = silentServer(Role.P0, List.of(Role.CLIENT), deaf);
    SessionServer p1 = silentServer(Role.P1, List.of(Role.CLIENT), deaf);
    try {
      Map<Role, List<Endpoint>> eps = new EnumMap<>(Role.class);
      eps.put(Role.P0, List.of(new Endpoint("127.0.0.1", p0.port())));
      eps.put(Role.P1, List.of(new Endpoint("127.0.0.1", p1.port())));
      eps.put(Role.DEALER, List.of(new Endpoint("127.0.0.1", 1)));
      EngineConfig config = new EngineConfig(eps, List.of(1), certs, 64 << 20, SHORT.toMillis(), dir.resolve("models"), 16);
      try (EngineClient client = EngineClient.connect(config, TlsConfig.forRole(certs, Role.CLIENT))) {
        long t0 = System.nanoTime();
        MpcException e = assertThrows(MpcException.class,
            () -> client.startJob(new JobStart("job-deaf", "hung-linear", 16, "linear", Map.of())));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(ErrorCode.TIMEOUT, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("job-deaf") && e.getMessage().contains("p0 at 127.0.0.1:" + p0.port())
            && e.getMessage().contains("p1 at 127.0.0.1:" + p1.port()), e.getMessage());
        assertTrue(ms < SHORT.toMillis() + 2_000, "failed after " + ms + " ms");
      }
    } finally {
      p0.close();
      p1.close();
    }
  }
}
