package org.secformer.engine.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.traffic.ChannelTrafficShapingHandler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secformer.engine.tls.CertTool;

/**
 * The emulated network on a real mutual-TLS loopback pair. The time checks are lower bounds only: they
 * show that the delay and the bandwidth limit act (loopback alone does a round in well under a
 * millisecond and 10 MB in a few), not how fast anything is.
 */
class NetworkEmulationTest {
  @TempDir static Path certs;

  @BeforeAll
  static void makeCertificates() {
    CertTool.generate(certs, Duration.ofDays(1));
  }

  private static NetOptions under(NetworkEmulation e) {
    return NetOptions.defaults().withExchangeTimeout(Duration.ofSeconds(30)).withEmulation(e);
  }

  private static long[] random(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    long[] v = new long[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextLong();
    }
    return v;
  }

  @Test
  void presetsAndParsing() {
    assertEquals(NetworkEmulation.WAN, NetworkEmulation.preset("WAN"));
    assertEquals(125_000_000L, NetworkEmulation.WAN.bytesPerSecond());
    assertEquals("10 Gbps, 0.1 ms one way", NetworkEmulation.LAN.toString());
    assertFalse(NetworkEmulation.NONE.enabled());
    assertEquals(NetworkEmulation.NONE, NetOptions.defaults().emulation());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NetworkEmulation.preset("moon"));
    assertTrue(e.getMessage().contains("none, lan or wan"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new NetworkEmulation(-1, Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> new NetworkEmulation(0, Duration.ofMillis(-1)));
  }

  @Test
  void aRoundTripUnderWanTakesAtLeastTwoOneWayDelays() throws Exception {
    try (PeerLinks links = PeerLinks.loopback(certs, "job-wan", under(NetworkEmulation.WAN))) {
      assertNotNull(links.p0().channel().pipeline().get(FramePipeline.DELAY));
      assertNotNull(links.p1().channel().pipeline().get(FramePipeline.SHAPER));
      Parties.run(links, ch -> ch.exchange("warm", new long[] {1}));
      long t0 = System.nanoTime();
      // P1's second message depends on what P0 sent first: a full round trip on the emulated link
      List<Long> got = Parties.run(links, ch -> {
        long[] a = ch.exchange("ping", new long[] {10 + ch.party()});
        return ch.exchange("pong", new long[] {a[0] * 2})[0];
      });
      double ms = (System.nanoTime() - t0) / 1e6;
      System.out.printf("WAN round trip (two dependent exchanges): %.1f ms%n", ms);
      assertEquals(List.of(20L, 22L), got, "each party got the double of the other's first message");
      assertTrue(ms >= 40, "a round trip under a 20 ms one-way delay took " + ms + " ms");
    }
  }

  @Test
  void tenMegabytesUnderOneGigabitTakeAtLeastEightyMilliseconds() throws Exception {
    NetworkEmulation gigabit = new NetworkEmulation(1_000_000_000L, Duration.ZERO);
    int n = 10_000_000 / 8;
    try (PeerLinks links = PeerLinks.loopback(certs, "job-bw", under(gigabit))) {
      assertNull(links.p0().channel().pipeline().get(FramePipeline.DELAY), "no delay stage without a delay");
      Parties.run(links, ch -> ch.exchange("warm", random(1000, ch.party())));
      long t0 = System.nanoTime();
      List<long[]> got = Parties.run(links, ch -> ch.exchange("big", random(n, 7 + ch.party())));
      double ms = (System.nanoTime() - t0) / 1e6;
      System.out.printf("10 MB each way under 1 Gbps: %.1f ms%n", ms);
      assertArrayEquals(random(n, 8), got.get(0));
      assertArrayEquals(random(n, 7), got.get(1));
      ChannelTrafficShapingHandler shaper =
          (ChannelTrafficShapingHandler) links.p0().channel().pipeline().get(FramePipeline.SHAPER);
      assertTrue(shaper.trafficCounter().cumulativeWrittenBytes() >= 10_000_000L, "the shaper saw every byte");
      // 80 ms at the line rate; Netty's shaper lets up to 10 ms of debt through unpaced
      assertTrue(ms >= 70, "10 MB at 1 Gbps took only " + ms + " ms");
    }
  }

  @Test
  void manyInterleavedMessagesArriveWholeAndInOrder() throws Exception {
    NetworkEmulation e = new NetworkEmulation(2_000_000_000L, Duration.ofMillis(1));
    NetOptions o = under(e).withChunkBytes(64 * 1024).withWriteWaterMarks(64 * 1024, 256 * 1024);
    int messages = 120;
    SplittableRandom sizes = new SplittableRandom(3);
    int[] n = new int[messages];
    for (int i = 0; i < messages; i++) {
      n[i] = i % 10 == 0 ? 20_000 + sizes.nextInt(60_000) : sizes.nextInt(300);
    }
    try (PeerLinks links = PeerLinks.loopback(certs, "job-order", o)) {
      List<long[][]> got = Parties.run(links, ch -> {
        long[][] theirs = new long[messages][];
        for (int i = 0; i < messages; i++) {
          theirs[i] = ch.exchange("m" + i, random(n[i], 1000L * i + ch.party()));
        }
        return theirs;
      });
      for (int i = 0; i < messages; i++) {
        assertArrayEquals(random(n[i], 1000L * i + 1), got.get(0)[i], "P0 got P1's message " + i);
        assertArrayEquals(random(n[i], 1000L * i), got.get(1)[i], "P1 got P0's message " + i);
      }
      assertEquals(messages, links.p0().stats().rounds());
    }
  }
}
