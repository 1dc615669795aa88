package org.secformer.engine.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secformer.engine.MpcException;
import org.secformer.engine.comm.CommStats;
import org.secformer.engine.tls.CertTool;
import org.secformer.engine.tls.PeerRoleVerifier;
import org.secformer.engine.tls.Role;
import org.secformer.shares.control.ErrorCode;

/** P0 and P1 over real TLS sockets on 127.0.0.1. */
class NettyPeerChannelTest {
  @TempDir static Path certs;

  /** Small frames so that modest arrays are chunked. */
  private static final int MAX_FRAME = 64 * 1024;

  private static final NetOptions OPTIONS =
      NetOptions.defaults().withMaxFrameBytes(MAX_FRAME).withChunkBytes(MAX_FRAME)
          .withExchangeTimeout(Duration.ofSeconds(30));

  @BeforeAll
  static void makeCertificates() {
    CertTool.generate(certs, Duration.ofDays(1));
  }

  private static long[] random(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    long[] v = new long[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextLong();
    }
    return v;
  }

  private static long expectedWireBytes(String job, String tag, int n, NetOptions o) {
    int per = TensorChunks.elementsPerFrame(o.frameBudget(), job, tag);
    int frames = TensorChunks.frameCount(n, per);
    int overhead = Wire.FIXED_HEADER_BYTES + job.getBytes(StandardCharsets.UTF_8).length + Wire.TENSOR_FIXED_BYTES
        + tag.getBytes(StandardCharsets.UTF_8).length;
    return (long) frames * overhead + 8L * n;
  }

  @Test
  void exchangesArraysOfEverySizeExactlyAndCountsEightBytesPerElement() throws Exception {
    int[] sizes = {0, 1, 7, 1000, 8190, MAX_FRAME / 8 + 1, 3 * MAX_FRAME / 8 + 5, 128 * 768};
    assertTrue(8L * sizes[5] > MAX_FRAME, "some sizes exceed one frame");
    try (PeerLinks links = PeerLinks.loopback(certs, "job-sizes", OPTIONS)) {
      assertEquals(Role.P1, links.p0().channel().attr(PeerRoleVerifier.PEER_ROLE).get());
      assertEquals(Role.P0, links.p1().channel().attr(PeerRoleVerifier.PEER_ROLE).get());
      List<long[][]> got = Parties.run(links, ch -> {
        long[][] theirs = new long[sizes.length][];
        for (int i = 0; i < sizes.length; i++) {
          theirs[i] = ch.exchange("t" + i, random(sizes[i], 100L * i + ch.party()));
        }
        return theirs;
      });
      long payload = 0;
      long wire = 0;
      for (int i = 0; i < sizes.length; i++) {
        assertArrayEquals(random(sizes[i], 100L * i + 1), got.get(0)[i], "P0 got P1's array " + i);
        assertArrayEquals(random(sizes[i], 100L * i), got.get(1)[i], "P1 got P0's array " + i);
        payload += 8L * sizes[i];
        wire += expectedWireBytes("job-sizes", "t" + i, sizes[i], OPTIONS);
      }
      for (int p = 0; p < 2; p++) {
        NettyPeerChannel ch = links.party(p);
        CommStats.Snapshot s = ch.stats().snapshot();
        assertEquals(sizes.length, s.rounds(), "rounds at party " + p);
        assertEquals(payload, s.bytesSent(), "payload bytes sent by party " + p);
        assertEquals(payload, s.bytesReceived(), "payload bytes received by party " + p);
        assertEquals(new CommStats.Counter(1, 8L * sizes[6], 8L * sizes[6]), s.byTag().get("t6"));
        assertEquals(wire, ch.wireBytesSent(), "framed bytes sent by party " + p);
        assertEquals(wire, ch.wireBytesReceived(), "framed bytes received by party " + p);
      }
    }
  }

  @Test
  void backPressureKeepsLargeTensorsCorrectWithTinyWaterMarks() throws Exception {
    NetOptions tight = OPTIONS.withChunkBytes(16 * 1024).withWriteWaterMarks(8 * 1024, 32 * 1024);
    int n = 1 << 20; // 8 MiB each way
    try (PeerLinks links = PeerLinks.loopback(certs, "job-bp", tight)) {
      List<long[]> got = Parties.run(links, ch -> ch.exchange("big", random(n, 7 + ch.party())));
      assertArrayEquals(random(n, 8), got.get(0));
      assertArrayEquals(random(n, 7), got.get(1));
    }
  }

  @Test
  void thePeerClosingMidExchangeFailsTheWaitingPartyPromptlyWithPeerUnavailable() throws Exception {
    try (PeerLinks links = PeerLinks.loopback(certs, "job-close", OPTIONS.withExchangeTimeout(Duration.ofSeconds(30)))) {
      CompletableFuture<long[]> waiting = CompletableFuture.supplyAsync(() -> links.p0().exchange("x", random(5000, 1)));
      Thread.sleep(300); // P0 is now blocked waiting for P1
      long closedAt = System.nanoTime();
      links.p1().close();
      ExecutionException e = assertThrows(ExecutionException.class, () -> waiting.get(5, TimeUnit.SECONDS));
      long tookMs = (System.nanoTime() - closedAt) / 1_000_000;
      MpcException m = (MpcException) e.getCause();
      assertEquals(ErrorCode.PEER_UNAVAILABLE, m.code());
      assertTrue(m.getMessage().contains("closed the link"), m.getMessage());
      assertTrue(tookMs < 2000, "failed after " + tookMs + " ms");
      // and stays failed, at once
      long t0 = System.nanoTime();
      assertEquals(ErrorCode.PEER_UNAVAILABLE,
          assertThrows(MpcException.class, () -> links.p0().exchange("y", new long[1])).code());
      assertTrue(System.nanoTime() - t0 < 500_000_000L);
    }
  }

  @Test
  void thePeerClosingWhileALargeTensorIsStillBeingSentFailsPromptly() throws Exception {
    NetOptions tight = OPTIONS.withChunkBytes(16 * 1024).withWriteWaterMarks(8 * 1024, 32 * 1024);
    try (PeerLinks links = PeerLinks.loopback(certs, "job-close-big", tight)) {
      // P1 stops reading, so P0 blocks on back-pressure mid-send; then P1 goes away
      links.p1().channel().config().setAutoRead(false);
      CompletableFuture<long[]> sending =
          CompletableFuture.supplyAsync(() -> links.p0().exchange("big", random(4 << 20, 3)));
      Thread.sleep(500);
      long closedAt = System.nanoTime();
      links.p1().channel().close();
      ExecutionException e = assertThrows(ExecutionException.class, () -> sending.get(5, TimeUnit.SECONDS));
      assertEquals(ErrorCode.PEER_UNAVAILABLE, ((MpcException) e.getCause()).code());
      assertTrue(System.nanoTime() - closedAt < 2_000_000_000L);
    }
  }

  @Test
  void noAnswerWithinTheTimeoutIsTimeoutAndThePeerThenSeesTheLinkGone() throws Exception {
    NetOptions quick = OPTIONS.withExchangeTimeout(Duration.ofMillis(300));
    try (PeerLinks links = PeerLinks.loopback(certs, "job-timeout", quick)) {
      long t0 = System.nanoTime();
      MpcException e = assertThrows(MpcException.class, () -> links.p0().exchange("lonely", new long[10]));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertEquals(ErrorCode.TIMEOUT, e.code());
      assertTrue(ms >= 250 && ms < 2000, "timed out after " + ms + " ms");
      // P0 dropped the link after its timeout: P1 sees it closed promptly, then fails at once
      assertTrue(links.p1().channel().closeFuture().await(2, TimeUnit.SECONDS), "P1's link closed");
      t0 = System.nanoTime();
      MpcException late = assertThrows(MpcException.class, () -> links.p1().exchange("lonely", new long[10]));
      assertEquals(ErrorCode.PEER_UNAVAILABLE, late.code());
      assertTrue(System.nanoTime() - t0 < 500_000_000L);
    }
  }

  @Test
  void partiesOutOfStepFailWithMalformedFrame() throws Exception {
    try (PeerLinks links = PeerLinks.loopback(certs, "job-step", OPTIONS)) {
      MpcException m = assertThrows(MpcException.class,
          () -> Parties.run(links, ch -> ch.exchange(ch.party() == 0 ? "open(a)" : "open(b)", new long[3])));
      assertTrue(m.code() == ErrorCode.MALFORMED_FRAME || m.code() == ErrorCode.PEER_UNAVAILABLE, m.toString());
    }
  }

  @Test
  void lengthMismatchIsDetected() throws Exception {
    try (PeerLinks links = PeerLinks.loopback(certs, "job-len", OPTIONS)) {
      CompletableFuture<long[]> p1 = CompletableFuture.supplyAsync(() -> links.p1().exchange("t", new long[4]));
      MpcException e = assertThrows(MpcException.class, () -> links.p0().exchange("t", new long[5]));
      assertEquals(ErrorCode.MALFORMED_FRAME, e.code());
      assertTrue(e.getMessage().contains("5 elements here but 4 at the peer"), e.getMessage());
      p1.handle((v, x) -> null).get(5, TimeUnit.SECONDS);
    }
  }
}
