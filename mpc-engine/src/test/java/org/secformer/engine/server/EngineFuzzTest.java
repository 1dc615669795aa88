package org.secformer.engine.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.secformer.engine.MpcException;
import org.secformer.engine.client.ClientJob;
import org.secformer.engine.client.EngineClient;
import org.secformer.engine.dealer.DealerServer;
import org.secformer.engine.model.ModelSharer;
import org.secformer.engine.net.FrameType;
import org.secformer.engine.net.NetOptions;
import org.secformer.engine.net.NettyPeerChannel;
import org.secformer.engine.net.PeerLinks;
import org.secformer.engine.net.SessionServer;
import org.secformer.engine.server.FuzzFrames.Family;
import org.secformer.engine.server.FuzzFrames.Parsed;
import org.secformer.engine.tls.CertTool;
import org.secformer.engine.tls.LogCapture;
import org.secformer.engine.tls.PeerRoleVerifier;
import org.secformer.engine.tls.Role;
import org.secformer.engine.tls.SslContexts;
import org.secformer.engine.tls.TlsConfig;
import org.secformer.shares.Share;
import org.secformer.shares.Sharing;
import org.secformer.shares.arrow.ShareBatch;
import org.secformer.shares.arrow.ShareIpc;
import org.secformer.shares.control.JobStart;
import org.secformer.shares.fxp.FixedPoint;
import org.secformer.shares.ring.RingMatmul;
import org.secformer.shares.ring.RingTensor;

/**
 * Hostile frames against a running engine (P0, P1 and the dealer in this JVM, real mutual TLS between
 * them). Each case must end with the engine closing that link or refusing that message, in one WARN line
 * that names the peer, and the engine must keep serving: real secure jobs run and match the plaintext
 * product before, during and after the fuzzing. Nothing may escape as a bare exception.
 *
 * <p>A TLS 1.3 handshake with certificates on both sides costs milliseconds of CPU on each end, so ten
 * thousand of them would not fit a quick test on two cores. The bulk of the cases therefore goes through
 * the engine's own inbound path (the very handlers its listeners attach after TLS and the role check:
 * {@link SessionServer#attach}, {@link org.secformer.engine.net.PeerServer#attach}) on Netty
 * EmbeddedChannels, and a few hundred go over real TLS sockets to the three listening ports.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EngineFuzzTest {
  private static final FixedPoint FXP = FixedPoint.defaults();
  private static final int K = 16;
  private static final int N = 4;
  private static final String MODEL = "fuzz-linear";
  static final int EMBEDDED_CASES = 10_000;
  static final int SOCKET_CASES = 240;

  @TempDir static Path dir;
  static LocalCluster cluster;
  static RingTensor weight;
  static LogCapture logs;
  static NetOptions options;
  static PartyServer p0;
  static PartyServer p1;
  static DealerServer dealer;
  static final List<String> uncaught = Collections.synchronizedList(new ArrayList<>());
  static Thread.UncaughtExceptionHandler previousHandler;
  static final AtomicInteger realJobs = new AtomicInteger();

  /** The three inbound paths of the engine, each with a role its listener admits. */
  enum Target {
    CLIENT_PORT(Role.CLIENT),
    DEALER_PORT(Role.P0),
    PEER_PORT(Role.P1);

    final Role peer;

    Target(Role peer) {
      this.peer = peer;
    }

    EmbeddedChannel open() {
      EmbeddedChannel ch = new EmbeddedChannel();
      ch.attr(PeerRoleVerifier.PEER_ROLE).set(peer);
      switch (this) {
        case CLIENT_PORT -> SessionServer.attach(ch, options, p0.newClientLink());
        case DEALER_PORT -> SessionServer.attach(ch, options, dealer.newPartyLink());
        case PEER_PORT -> p0.peers().attach(ch);
      }
      ch.pipeline().fireUserEventTriggered(new PeerRoleVerifier.Verified(peer));
      return ch;
    }

    int port() {
      return switch (this) {
        case CLIENT_PORT -> p0.clientPort();
        case DEALER_PORT -> dealer.port();
        case PEER_PORT -> p0.peerPort();
      };
    }
  }

  @BeforeAll
  static void startCluster() throws Exception {
    long t0 = System.nanoTime();
    previousHandler = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((t, e) -> uncaught.add("Exception in thread " + t.getName() + ": " + e));
    logs = LogCapture.all();
    CertTool.generate(dir.resolve("certs"), Duration.ofDays(1));
    SplittableRandom rnd = new SplittableRandom(11);
    double[] w = new double[K * N];
    for (int i = 0; i < w.length; i++) {
      w[i] = rnd.nextGaussian() * 0.1;
    }
    weight = FXP.encode(w, K, N);
    ModelSharer.share(MODEL, 16, Map.of("W", weight), dir.resolve("models"));
    cluster = LocalCluster.start(dir.resolve("certs"), dir.resolve("models"), 1, Duration.ofSeconds(5));
    options = cluster.config().netOptions();
    p0 = cluster.parties().stream().filter(p -> p.role() == Role.P0).findFirst().orElseThrow();
    p1 = cluster.parties().stream().filter(p -> p.role() == Role.P1).findFirst().orElseThrow();
    dealer = cluster.dealers().get(0);
    runRealJob();
    System.out.printf("fuzz set-up: %.1f s%n", (System.nanoTime() - t0) / 1e9);
  }

  @AfterAll
  static void stop() {
    long t0 = System.nanoTime();
    try {
      if (cluster != null) {
        runRealJob();
        assertNothingEscaped();
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
      System.out.printf("fuzz tear-down: %.1f s%n", (System.nanoTime() - t0) / 1e9);
      if (logs != null) {
        logs.close();
      }
      Thread.setDefaultUncaughtExceptionHandler(previousHandler);
    }
  }

  // ---------------------------------------------------------------- embedded bulk

  private record Outcome(boolean closed, List<Parsed> answers, List<String> warnings, Throwable escaped) {
    boolean refused() {
      return closed || answers.stream().anyMatch(a -> a.type() == FrameType.ERROR.code());
    }
  }

  /** Feeds one case to a fresh link of {@code target} and reports what the engine did with it. */
  private static Outcome feed(Target target, byte[] bytes, Consumer<EmbeddedChannel> more) {
    int mark = logs.size();
    EmbeddedChannel ch = target.open();
    Throwable escaped = null;
    try {
      ch.writeInbound(Unpooled.wrappedBuffer(bytes));
      if (more != null) {
        more.accept(ch);
      }
      ch.runPendingTasks();
      ch.checkException();
    } catch (Throwable t) {
      escaped = t;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object o = ch.readOutbound(); o != null; o = ch.readOutbound()) {
      ByteBuf b = (ByteBuf) o;
      byte[] a = new byte[b.readableBytes()];
      b.readBytes(a);
      b.release();
      out.writeBytes(a);
    }
    boolean closed = !ch.isActive();
    List<String> warnings = logs.linesFrom(mark).stream()
        .filter(s -> s.startsWith("WARN") || s.startsWith("ERROR")).toList();
    ch.finishAndReleaseAll();
    return new Outcome(closed, FuzzFrames.parse(out.toByteArray()), warnings, escaped);
  }

  @Test
  @Order(1)
  void tenThousandFuzzedFramesThroughTheEnginesInboundPathsAreRefusedCleanly() {
    FuzzFrames fuzz = new FuzzFrames(20261125L, options.maxFrameBytes());
    SplittableRandom rnd = fuzz.random();
    Map<Family, AtomicInteger> perFamily = new EnumMap<>(Family.class);
    List<String> failures = new ArrayList<>();
    Target[] targets = Target.values();
    long t0 = System.nanoTime();
    int cases = 0;
    for (; cases < EMBEDDED_CASES; cases++) {
      if (cases % 5000 == 2500) {
        runRealJob(); // the engine keeps serving real parties while being fuzzed
      }
      Target target = targets[rnd.nextInt(targets.length)];
      if (target == Target.PEER_PORT && rnd.nextInt(10) == 0) {
        peerSequenceCase(rnd, cases, failures);
        continue;
      }
      Family family = fuzz.family();
      perFamily.computeIfAbsent(family, f -> new AtomicInteger()).incrementAndGet();
      String job = "fuzz-" + cases;
      byte[] bytes = fuzz.make(family, job);
      if (target == Target.PEER_PORT && rnd.nextInt(3) == 0) {
        // past the set-up: the same frames against an established peer link of that job
        bytes = FuzzFrames.concat(FuzzFrames.frame(FrameType.HELLO, job, 0, new byte[0]), bytes);
      }
      Outcome o = feed(target, bytes, null);
      String what = "case " + cases + " " + family + " at " + target + ": ";
      if (o.escaped() != null) {
        failures.add(what + "an exception escaped the pipeline: " + o.escaped());
      } else if (FuzzFrames.holdsACompleteFrame(bytes, options.maxFrameBytes()) && !o.refused()
          && o.answers().isEmpty()) {
        failures.add(what + "a complete frame was neither refused nor answered " + o.answers());
      } else if (o.refused() && o.warnings().size() != 1) {
        failures.add(what + "expected one WARN line for the refusal, got " + o.warnings());
      } else if (o.refused() && !o.warnings().get(0).contains("embedded")) {
        failures.add(what + "the refusal's log line does not name the peer: " + o.warnings().get(0));
      } else if (!o.refused() && !o.warnings().isEmpty()) {
        failures.add(what + "warnings without a refusal: " + o.warnings());
      }
      if (failures.size() > 20) {
        break;
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf("embedded fuzz: %d cases in %.1f s, families %s%n", cases, seconds, perFamily);
    assertTrue(failures.isEmpty(), failures.size() + " failing cases, first: " + String.join("\n", failures));
    assertEquals(EMBEDDED_CASES, cases);
    assertEquals(0, p0.peers().openLinks(), "every fuzzed peer link is forgotten once closed");
    assertEquals(0, p0.activeJobs());
    runRealJob();
  }

  /**
   * Replayed and out-of-order exchange numbers on an established P0&lt;-&gt;P1 link: P0's next exchange
   * fails as out of step, naming the job, and the link closes.
   */
  private static void peerSequenceCase(SplittableRandom rnd, int n, List<String> failures) {
    String job = "fuzz-seq-" + n;
    long[] order = switch (rnd.nextInt(3)) {
      case 0 -> new long[] {0, 0}; // replayed
      case 1 -> new long[] {1, 0}; // out of order
      default -> new long[] {0, 2}; // skipped
    };
    byte[] hello = FuzzFrames.frame(FrameType.HELLO, job, 0, new byte[0]);
    byte[] a = FuzzFrames.frame(FrameType.TENSOR, job, order[0], FuzzFrames.tensorPayload("x", 1, 0, new long[] {rnd.nextLong()}));
    byte[] b = FuzzFrames.frame(FrameType.TENSOR, job, order[1], FuzzFrames.tensorPayload("x", 1, 0, new long[] {rnd.nextLong()}));
    MpcException[] thrown = new MpcException[1];
    Outcome o = feed(Target.PEER_PORT, FuzzFrames.concat(hello, a, b), ch -> {
      NettyPeerChannel link = p0.peers().accept(job, Duration.ofMillis(100));
      try {
        for (int i = 0; i < 2; i++) {
          link.exchange("x", new long[] {1});
        }
      } catch (MpcException e) {
        thrown[0] = e;
      }
    });
    String what = "case " + n + " peer sequence " + order[0] + "," + order[1] + ": ";
    if (o.escaped() != null) {
      failures.add(what + "an exception escaped: " + o.escaped());
    } else if (thrown[0] == null || !thrown[0].getMessage().contains("out of step")
        || !thrown[0].getMessage().contains(job)) {
      failures.add(what + "expected an out-of-step failure naming the job, got " + thrown[0]);
    } else if (!o.closed()) {
      failures.add(what + "the link stayed open after the parties fell out of step");
    }
  }

  // ---------------------------------------------------------------- real sockets

  /** A raw TLS connection that sends whatever bytes it is given and records what comes back. */
  static final class RawLink implements AutoCloseable {
    private final Channel channel;
    private final ByteArrayOutputStream sinkRef;

    private RawLink(Channel channel, ByteArrayOutputStream received) {
      this.channel = channel;
      this.sinkRef = received;
    }

    static RawLink open(EventLoopGroup group, SslContext ssl, int port) throws Exception {
      CompletableFuture<Void> handshake = new CompletableFuture<>();
      ByteArrayOutputStream sink = new ByteArrayOutputStream();
      Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
          .handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel c) {
              c.pipeline().addLast(ssl.newHandler(c.alloc(), "127.0.0.1", port));
              c.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                  ByteBuf b = (ByteBuf) msg;
                  synchronized (sink) {
                    byte[] a = new byte[b.readableBytes()];
                    b.readBytes(a);
                    sink.writeBytes(a);
                  }
                  b.release();
                }

                @Override
                public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                  if (evt instanceof SslHandshakeCompletionEvent e) {
                    if (e.isSuccess()) {
                      handshake.complete(null);
                    } else {
                      handshake.completeExceptionally(e.cause());
                    }
                  }
                }

                @Override
                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                  ctx.close(); // this test's own side: the engine closing first is expected
                }
              });
            }
          }).connect("127.0.0.1", port).syncUninterruptibly().channel();
      handshake.get(10, TimeUnit.SECONDS);
      return new RawLink(ch, sink);
    }

    int localPort() {
      return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    void send(byte[] bytes) {
      channel.writeAndFlush(Unpooled.wrappedBuffer(bytes));
    }

    List<Parsed> frames() {
      synchronized (sinkRef) {
        return FuzzFrames.parse(sinkRef.toByteArray());
      }
    }

    /** Waits until the engine closed the link or sent {@code errors} ERROR frames. */
    boolean awaitRefusal(long millis, int errors) throws InterruptedException {
      long end = System.nanoTime() + millis * 1_000_000;
      while (System.nanoTime() < end) {
        if (!channel.isActive() || frames().stream().filter(f -> f.type() == FrameType.ERROR.code()).count() >= errors) {
          return true;
        }
        Thread.sleep(5);
      }
      return false;
    }

    boolean isOpen() {
      return channel.isActive();
    }

    @Override
    public void close() {
      channel.close().awaitUninterruptibly(2_000);
    }
  }

  @Test
  @Order(2)
  void fuzzedFramesOverRealTlsSocketsCloseOnlyTheirConnection() throws Exception {
    EventLoopGroup group = PeerLinks.newEventLoopGroup(2);
    Map<Target, SslContext> ssl = new EnumMap<>(Target.class);
    for (Target t : Target.values()) {
      ssl.put(t, SslContexts.client(TlsConfig.forRole(dir.resolve("certs"), t.peer)));
    }
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    Map<Integer, Integer> refusalsByPort = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    long t0 = System.nanoTime();
    try {
      List<Future<?>> running = new ArrayList<>();
      int perThread = SOCKET_CASES / 4;
      for (int th = 0; th < 4; th++) {
        int thread = th;
        running.add(pool.submit(() -> {
          FuzzFrames fuzz = new FuzzFrames(7_000L + thread, options.maxFrameBytes());
          for (int i = 0; i < perThread; i++) {
            if (thread == 0 && i % 30 == 15) {
              runRealJob();
            }
            Target target = Target.values()[fuzz.random().nextInt(3)];
            Family family = fuzz.family();
            byte[] bytes = fuzz.make(family, "sock-" + thread + "-" + i);
            String what = "socket case " + thread + "/" + i + " " + family + " at " + target + ": ";
            try (RawLink link = RawLink.open(group, ssl.get(target), target.port())) {
              link.send(bytes);
              boolean complete = FuzzFrames.holdsACompleteFrame(bytes, options.maxFrameBytes());
              boolean refused = link.awaitRefusal(complete ? 3_000 : 100, 1);
              if (complete && !refused && link.frames().isEmpty()) {
                failures.add(what + "neither closed nor refused; got " + link.frames());
              }
              if (refused) {
                refusalsByPort.merge(link.localPort(), 1, Integer::sum);
              }
            } catch (Exception e) {
              failures.add(what + e);
            }
          }
          return null;
        }));
      }
      for (Future<?> f : running) {
        f.get(150, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    System.out.printf("socket fuzz: %d cases in %.1f s%n", SOCKET_CASES, (System.nanoTime() - t0) / 1e9);
    assertTrue(failures.isEmpty(), String.join("\n", failures.subList(0, Math.min(20, failures.size()))));
    // each refusal left exactly one WARN line naming the connection (the engine logs the peer's address)
    Thread.sleep(200);
    Map<Integer, Integer> linesByPort = new java.util.HashMap<>();
    java.util.regex.Pattern address = java.util.regex.Pattern.compile("127\\.0\\.0\\.1:(\\d+)");
    for (String line : logs.lines()) {
      if (line.startsWith("WARN")) {
        java.util.regex.Matcher m = address.matcher(line);
        if (m.find()) {
          linesByPort.merge(Integer.parseInt(m.group(1)), 1, Integer::sum);
        }
      }
    }
    for (Map.Entry<Integer, Integer> e : refusalsByPort.entrySet()) {
      int lines = linesByPort.getOrDefault(e.getKey(), 0);
      assertEquals((int) e.getValue(), lines, "port " + e.getKey() + ": one WARN line per refusal");
    }
    assertTrue(refusalsByPort.size() > SOCKET_CASES / 2, "most cases must have been refusals: " + refusalsByPort.size());
    runRealJob();
  }

  // ---------------------------------------------------------------- share batches of a real job

  /**
   * A real job started at both parties by a raw client, then share batches the engine must refuse:
   * Arrow bytes that are garbage, cut short or altered, batches of the wrong shape, party, model or
   * precision, and replayed or out-of-order batch numbers. Each fails that job (or that batch) with an
   * ERROR naming it; the next job runs.
   */
  @Test
  @Order(3)
  void malformedAndReplayedShareBatchesAreRefusedAndOnlyTheirJobFails() throws Exception {
    EventLoopGroup group = PeerLinks.newEventLoopGroup(2);
    SslContext ssl = SslContexts.client(TlsConfig.forRole(dir.resolve("certs"), Role.CLIENT));
    SplittableRandom rnd = new SplittableRandom(99);
    List<String> failures = new ArrayList<>();
    try (RootAllocator alloc = new RootAllocator()) {
      ShareIpc ipc = new ShareIpc(alloc);
      int variants = 9;
      for (int v = 0; v < variants; v++) {
        int variant = v % variants;
        String job = "arrow-" + v;
        try (RawLink l0 = RawLink.open(group, ssl, p0.clientPort()); RawLink l1 = RawLink.open(group, ssl, p1.clientPort())) {
          byte[] start = FuzzFrames.control(new JobStart(job, MODEL, 16, "linear", Map.of()));
          l0.send(FuzzFrames.frame(FrameType.CONTROL, job, 10, start));
          l1.send(FuzzFrames.frame(FrameType.CONTROL, job, 10, start));
          awaitFrames(l0, 1);
          awaitFrames(l1, 1);
          RingTensor x = randomInput(rnd, 2);
          Share[] s = Sharing.split(x);
          byte[][] good = {ipc.toBytes(new ShareBatch(MODEL, 0, 16, new long[] {1, 2}, s[0].tensor())),
              ipc.toBytes(new ShareBatch(MODEL, 1, 16, new long[] {1, 2}, s[1].tensor()))};
          byte[][] bad = switch (variant) {
            case 0 -> new byte[][] {new FuzzFrames(v, 1 << 20).randomBytes(200), new FuzzFrames(v, 1 << 20).randomBytes(200)};
            case 1 -> new byte[][] {java.util.Arrays.copyOf(good[0], good[0].length / 2), java.util.Arrays.copyOf(good[1], good[1].length / 3)};
            case 2 -> new byte[][] {flip(good[0], rnd), flip(good[1], rnd)};
            case 3 -> { // wrong width: [2, K + 1]
              RingTensor wide = randomInput(rnd, 2, K + 1);
              Share[] w = Sharing.split(wide);
              yield new byte[][] {ipc.toBytes(new ShareBatch(MODEL, 0, 16, new long[] {1, 2}, w[0].tensor())),
                  ipc.toBytes(new ShareBatch(MODEL, 1, 16, new long[] {1, 2}, w[1].tensor()))};
            }
            case 4 -> new byte[][] {good[1], good[0]}; // each party gets the other's share
            case 5 -> new byte[][] {ipc.toBytes(new ShareBatch("other-model", 0, 16, new long[] {1, 2}, s[0].tensor())),
                ipc.toBytes(new ShareBatch("other-model", 1, 16, new long[] {1, 2}, s[1].tensor()))};
            case 6 -> new byte[][] {ipc.toBytes(new ShareBatch(MODEL, 0, 12, new long[] {1, 2}, s[0].tensor())),
                ipc.toBytes(new ShareBatch(MODEL, 1, 12, new long[] {1, 2}, s[1].tensor()))};
            default -> null; // sequence numbers: 7 replays a batch, 8 goes back to an earlier one
          };
          String what = "job " + job + " variant " + variant + ": ";
          if (bad != null) {
            l0.send(FuzzFrames.frame(FrameType.ARROW, job, 11, bad[0]));
            l1.send(FuzzFrames.frame(FrameType.ARROW, job, 11, bad[1]));
            if (!l0.awaitRefusal(5_000, 1) || !l1.awaitRefusal(5_000, 1)) {
              failures.add(what + "a bad batch was not refused: " + l0.frames() + " " + l1.frames());
            }
          } else {
            long first = 12;
            long second = variant == 7 ? 12 : 11;
            l0.send(FuzzFrames.frame(FrameType.ARROW, job, first, good[0]));
            l1.send(FuzzFrames.frame(FrameType.ARROW, job, first, good[1]));
            awaitFrames(l0, 2);
            awaitFrames(l1, 2);
            l0.send(FuzzFrames.frame(FrameType.ARROW, job, second, good[0]));
            l1.send(FuzzFrames.frame(FrameType.ARROW, job, second, good[1]));
            if (!l0.awaitRefusal(5_000, 1) || !l1.awaitRefusal(5_000, 1)) {
              failures.add(what + "batch " + second + " after " + first + " was not refused: " + l0.frames());
            }
            long answers = l0.frames().stream().filter(f -> f.type() == FrameType.ARROW.code()).count();
            if (answers != 1) {
              failures.add(what + "the engine answered " + answers + " batches for one batch of rows");
            }
          }
          Parsed err = l0.frames().stream().filter(f -> f.type() == FrameType.ERROR.code()).findFirst().orElse(null);
          if (err != null && !err.job().equals(job)) {
            failures.add(what + "the ERROR names job '" + err.job() + "'");
          }
        }
      }
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
    runRealJob();
  }

  private static byte[] flip(byte[] b, SplittableRandom rnd) {
    byte[] c = b.clone();
    for (int i = 0; i < 8; i++) {
      c[rnd.nextInt(c.length)] ^= (byte) (1 << rnd.nextInt(8));
    }
    return c;
  }

  private static void awaitFrames(RawLink l, int n) throws InterruptedException {
    long end = System.nanoTime() + 10_000_000_000L;
    while (l.frames().size() < n && System.nanoTime() < end) {
      Thread.sleep(5);
    }
    assertTrue(l.frames().size() >= n, "no answer from the engine: " + l.frames());
  }

  // ---------------------------------------------------------------- the engine keeps serving

  private static RingTensor randomInput(SplittableRandom rnd, int rows) {
    return randomInput(rnd, rows, K);
  }

  private static RingTensor randomInput(SplittableRandom rnd, int rows, int cols) {
    double[] x = new double[rows * cols];
    for (int i = 0; i < x.length; i++) {
      x[i] = rnd.nextGaussian() * 4;
    }
    return FXP.encode(x, rows, cols);
  }

  /** A real secure job between the real parties, checked against the plaintext product. */
  static void runRealJob() {
    int n = realJobs.incrementAndGet();
    RingTensor x = randomInput(new SplittableRandom(n), 3);
    try (EngineClient client = EngineClient.connect(cluster.config(), TlsConfig.forRole(dir.resolve("certs"), Role.CLIENT));
        ClientJob job = client.startJob(new JobStart("real-" + n, MODEL, 16, "linear", Map.of()))) {
      RingTensor y = job.run(new long[] {1, 2, 3}, x);
      RingTensor expected = RingMatmul.matmul(x, weight);
      for (int i = 0; i < y.size(); i++) {
        long diff = y.get(i) - (expected.get(i) >> 16);
        assertTrue(diff == 0 || diff == 1, "real job " + n + " element " + i + " off by " + diff);
      }
      job.end();
    }
  }

  static void assertNothingEscaped() {
    List<String> bad = new ArrayList<>(uncaught);
    for (String line : logs.lines()) {
      if (line.contains("exceptionCaught() event was fired") || line.contains("Exception in thread")
          || line.contains("LEAK:") || line.matches("(WARN|ERROR) *")) {
        bad.add(line);
      }
    }
    bad.addAll(logs.linesWithStackTraces());
    if (!bad.isEmpty()) {
      fail(bad.size() + " lines where an exception escaped or came with a stack trace:\n"
          + String.join("\n", bad.subList(0, Math.min(20, bad.size()))));
    }
  }
}
