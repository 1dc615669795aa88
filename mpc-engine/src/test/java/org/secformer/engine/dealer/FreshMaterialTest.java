package org.secformer.engine.dealer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secformer.engine.MpcException;
import org.secformer.engine.comm.CommStats;
import org.secformer.engine.net.NetOptions;
import org.secformer.engine.net.PeerLinks;
import org.secformer.engine.tls.CertTool;
import org.secformer.engine.tls.Role;
import org.secformer.engine.tls.TlsConfig;
import org.secformer.shares.control.ErrorCode;
import org.secformer.shares.ring.RingTensor;

/**
 * Dealer material is never used twice. A batch retried as a new job gets new seeds, hence new masks, so
 * the same input opens to different values; a job id's seeds are handed to each party once, and an ended
 * job id is never served again. Against a real dealer server over mutual TLS.
 */
class FreshMaterialTest {
  @TempDir static Path dir;
  static EventLoopGroup group;
  static DealerServer dealer;
  static final NetOptions OPTIONS = NetOptions.defaults().withConnectTimeout(Duration.ofSeconds(5));

  @BeforeAll
  static void start() {
    CertTool.generate(dir, Duration.ofDays(1));
    group = PeerLinks.newEventLoopGroup(2);
    dealer = DealerServer.start(group, TlsConfig.forRole(dir, Role.DEALER), "127.0.0.1", 0, OPTIONS, 16);
  }

  @AfterAll
  static void stop() {
    if (dealer != null) {
      dealer.close();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  private static NettyDealerLink link(Role party, String job) {
    return NettyDealerLink.connect(group, TlsConfig.forRole(dir, party), "127.0.0.1", dealer.port(), job, OPTIONS);
  }

  /** What the parties of {@code job} open for the input x = x0 + x1 in one Beaver multiplication: x - a. */
  private static long[] openedFor(String job, RingTensor x0, RingTensor x1) {
    try (NettyDealerLink l0 = link(Role.P0, job); NettyDealerLink l1 = link(Role.P1, job)) {
      CorrelationSource s0 = new CorrelationSource(0, l0, new CommStats(), 5_000);
      CorrelationSource s1 = new CorrelationSource(1, l1, new CommStats(), 5_000);
      Material.MulTriple t0 = s0.mulTriple(x0.size());
      Material.MulTriple t1 = s1.mulTriple(x0.size());
      // the triple is a valid one: c = a * b across the two parties
      RingTensor a = t0.a().add(t1.a());
      RingTensor b = t0.b().add(t1.b());
      RingTensor c = t0.c().add(t1.c());
      for (int i = 0; i < a.size(); i++) {
        assertEquals(a.get(i) * b.get(i), c.get(i), "triple element " + i);
      }
      return x0.sub(t0.a()).add(x1.sub(t1.a())).data().clone();
    }
  }

  @Test
  void theSameInputRetriedAsANewJobOpensToDifferentValues() {
    RingTensor x0 = RingTensor.of(new long[] {11, 22, 33, 44}, 4);
    RingTensor x1 = RingTensor.of(new long[] {-1, -2, -3, -4}, 4);
    long[] first = openedFor("batch-7", x0, x1);
    long[] retry = openedFor("batch-7-retry-1", x0, x1);
    assertFalse(Arrays.equals(first, retry), "a retried batch must be masked afresh");
    for (int i = 0; i < first.length; i++) {
      assertTrue(first[i] != retry[i], "element " + i + " opened to the same value twice");
    }
  }

  @Test
  void aJobsSeedIsHandedToEachPartyOnceAndAnEndedJobIdIsNeverServedAgain() throws Exception {
    try (NettyDealerLink first = link(Role.P0, "job-once")) {
      first.seed();
      MpcException again = assertThrows(MpcException.class, () -> link(Role.P0, "job-once"));
      assertEquals(ErrorCode.BAD_REQUEST, again.code(), again.getMessage());
      assertTrue(again.getMessage().contains("job-once") && again.getMessage().contains("handed out already"),
          again.getMessage());
      try (NettyDealerLink p1 = link(Role.P1, "job-once")) {
        p1.seed(); // the other party still gets its own seed
      }
    }
    // both parties have ended the job: its id is spent
    long end = System.nanoTime() + 5_000_000_000L;
    while (dealer.jobCount() > 0 && System.nanoTime() < end) {
      Thread.sleep(10);
    }
    assertEquals(0, dealer.jobCount());
    for (Role party : new Role[] {Role.P0, Role.P1}) {
      MpcException reused = assertThrows(MpcException.class, () -> link(party, "job-once"));
      assertEquals(ErrorCode.BAD_REQUEST, reused.code());
      assertTrue(reused.getMessage().contains("was used already"), reused.getMessage());
    }
  }
}
