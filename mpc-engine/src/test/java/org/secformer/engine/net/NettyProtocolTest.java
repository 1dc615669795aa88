package org.secformer.engine.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secformer.engine.job.InProcessParties;
import org.secformer.engine.comm.CommStats;
import org.secformer.engine.dealer.CorrelationSource;
import org.secformer.engine.dealer.LocalDealer;
import org.secformer.engine.protocol.BeaverMatmul;
import org.secformer.engine.protocol.Cost;
import org.secformer.engine.protocol.MpcContext;
import org.secformer.engine.tls.CertTool;
import org.secformer.shares.Share;
import org.secformer.shares.Sharing;
import org.secformer.shares.fxp.FixedPoint;
import org.secformer.shares.ring.RingMatmul;
import org.secformer.shares.ring.RingTensor;

/** A real protocol over the TLS links: the result is exact and the measured traffic equals its declared cost. */
class NettyProtocolTest {
  @TempDir static Path certs;

  @BeforeAll
  static void makeCertificates() {
    CertTool.generate(certs, Duration.ofDays(1));
  }

  private static RingTensor random(SplittableRandom rnd, int... shape) {
    RingTensor t = RingTensor.zeros(shape);
    for (int i = 0; i < t.size(); i++) {
      t.data()[i] = rnd.nextLong();
    }
    return t;
  }

  @Test
  void beaverMatmulOverTlsIsExactAndCostsWhatItDeclares() {
    SplittableRandom rnd = new SplittableRandom(5);
    int m = 16, k = 96, n = 40;
    RingTensor x = random(rnd, m, k), y = random(rnd, k, n);
    Share[] xs = Sharing.split(x), ys = Sharing.split(y);
    Cost declared = BeaverMatmul.cost(m, k, n);
    // frames of 16 KiB so that the openings are chunked
    NetOptions options = NetOptions.defaults().withMaxFrameBytes(16 * 1024);
    try (PeerLinks links = PeerLinks.loopback(certs, "job-matmul", options)) {
      LocalDealer dealer = new LocalDealer("job-matmul");
      List<MpcContext> ctxs = List.of(0, 1).stream()
          .map(p -> new MpcContext(links.party(p),
              new CorrelationSource(p, dealer.link(p), links.party(p).stats(), 30_000), FixedPoint.defaults()))
          .toList();
      InProcessParties.Run<RingTensor> run = InProcessParties.runOn(ctxs, ctx -> {
        CommStats.Snapshot before = ctx.stats().snapshot();
        RingTensor out = BeaverMatmul.matmul(ctx, xs[ctx.party()].tensor(), ys[ctx.party()].tensor());
        CommStats.Snapshot used = ctx.stats().snapshot().minus(before);
        assertEquals(declared.rounds(), used.rounds(), "rounds at party " + ctx.party());
        assertEquals(declared.bytesSent(), used.bytesSent(), "bytes sent by party " + ctx.party());
        assertEquals(declared.bytesSent(), used.bytesReceived(), "bytes received by party " + ctx.party());
        return out;
      });
      RingTensor z = Sharing.reconstruct(new Share(0, run.result(0)), new Share(1, run.result(1)));
      assertEquals(RingMatmul.matmul(x, y), z);
    }
  }
}
