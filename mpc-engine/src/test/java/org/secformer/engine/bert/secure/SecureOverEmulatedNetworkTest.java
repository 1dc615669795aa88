package org.secformer.engine.bert.secure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.secformer.engine.MpcException;
import org.secformer.engine.bert.BertConfig;
import org.secformer.engine.bert.BertConfig.AttentionKind;
import org.secformer.engine.bert.BertConfig.Pooling;
import org.secformer.engine.bert.BertInput;
import org.secformer.engine.bert.PlainBert;
import org.secformer.engine.job.InProcessParties;
import org.secformer.engine.net.NetworkEmulation;
import org.secformer.engine.protocol.BeaverMatmul;
import org.secformer.engine.protocol.MpcContext;
import org.secformer.shares.Share;
import org.secformer.shares.Sharing;
import org.secformer.shares.control.ErrorCode;
import org.secformer.shares.fxp.FixedPoint;
import org.secformer.shares.ring.RingTensor;

/**
 * The same protocols over a real mutual-TLS loopback link under an emulated network as over in-memory
 * links: the same opened results, and the same rounds and bytes (the emulation slows the link, it never
 * changes what goes over it).
 */
class SecureOverEmulatedNetworkTest {
  private static final FixedPoint FXP = FixedPoint.defaults();

  private static <T> InProcessParties.Run<T> overTls(String job, NetworkEmulation e, Function<MpcContext, T> body) {
    return InProcessParties.runOverTls(job, FXP, 30_000, e, body);
  }

  @Test
  void aBeaverProductOverTheWanIsExactlyTheInMemoryOne() {
    SplittableRandom rnd = new SplittableRandom(11);
    long[] x = new long[6 * 20], y = new long[20 * 5];
    for (int i = 0; i < x.length; i++) {
      x[i] = rnd.nextLong();
    }
    for (int i = 0; i < y.length; i++) {
      y[i] = rnd.nextLong();
    }
    Share[] xs = Sharing.split(RingTensor.of(x, 6, 20));
    Share[] ys = Sharing.split(RingTensor.of(y, 20, 5));
    Function<MpcContext, RingTensor> body =
        ctx -> BeaverMatmul.matmul(ctx, xs[ctx.party()].tensor(), ys[ctx.party()].tensor());
    InProcessParties.Run<RingTensor> memory = InProcessParties.run(body);
    InProcessParties.Run<RingTensor> wan = overTls("matmul-wan", NetworkEmulation.WAN, body);
    assertEquals(open(memory), open(wan), "X Y in the ring, whatever the dealer's randomness");
    assertSameTraffic(memory, wan);
  }

  @Test
  void aTinySecureBertOverTheLanGivesTheInMemoryLogits() {
    BertConfig cfg = TinyBert.config(AttentionKind.SOFTMAX, Pooling.MEAN, true, 2);
    TinyBert tiny = new TinyBert(cfg, 31);
    BertInput in = BertInput.padded(List.of(new int[] {1, 7, 9, 33, 2}, new int[] {1, 5, 2}), 0);
    Share[] input = Sharing.split(SecureBertInput.encode(in, cfg.vocab()));
    Function<MpcContext, RingTensor> body = ctx -> new SecureBert(cfg, "tiny", tiny.weightsOf(ctx.party()),
        TinyBert.params()).apply(ctx, input[ctx.party()].tensor());
    InProcessParties.Run<RingTensor> memory = InProcessParties.run(body);
    long t0 = System.nanoTime();
    InProcessParties.Run<RingTensor> lan = overTls("bert-lan", NetworkEmulation.LAN, body);
    double seconds = (System.nanoTime() - t0) / 1e9;
    double[] a = FXP.decode(open(memory)), b = FXP.decode(open(lan));
    double[][] want = new PlainBert(tiny.model).logits(in);
    for (int i = 0; i < a.length; i++) {
      double plain = want[i / 2][i % 2];
      assertEquals(plain, a[i], 2e-2, "in-memory logit " + i);
      assertEquals(plain, b[i], 2e-2, "LAN logit " + i);
    }
    System.out.printf("tiny BERT over emulated LAN: %d rounds, %.2f s%n", lan.context(0).stats().rounds(), seconds);
    assertSameTraffic(memory, lan);
  }

  @Test
  void aFailingPartyFailsTheRunAtOnceOverTls() {
    long t0 = System.nanoTime();
    MpcException e = assertThrows(MpcException.class, () -> overTls("fail-fast", NetworkEmulation.LAN, ctx -> {
      if (ctx.party() == 0) {
        throw new MpcException(ErrorCode.BAD_REQUEST, "party 0 refuses");
      }
      return ctx.peer().exchange("never", new long[] {1}); // P1 waits for P0, which is gone
    }));
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertEquals("party 0 refuses", e.getMessage());
    assertTrue(seconds < 20, "the run failed after " + seconds + " s, near the 30 s exchange timeout");
  }

  @Test
  void transportsByName() {
    assertEquals(InProcessParties.Transport.IN_MEMORY, InProcessParties.Transport.parse("memory"));
    assertEquals(InProcessParties.Transport.tls(NetworkEmulation.WAN), InProcessParties.Transport.parse("wan"));
    assertEquals("TLS loopback, 10 Gbps, 0.1 ms one way", InProcessParties.Transport.parse("LAN").toString());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> InProcessParties.Transport.parse("pigeon"));
    assertTrue(e.getMessage().contains("memory, tls, lan or wan"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new InProcessParties.Transport(false, NetworkEmulation.WAN));
  }

  private static RingTensor open(InProcessParties.Run<RingTensor> run) {
    return Sharing.reconstruct(new Share(0, run.result(0)), new Share(1, run.result(1)));
  }

  private static void assertSameTraffic(InProcessParties.Run<?> memory, InProcessParties.Run<?> tls) {
    for (int p = 0; p < 2; p++) {
      assertEquals(memory.context(p).stats().rounds(), tls.context(p).stats().rounds(), "rounds of party " + p);
      assertEquals(memory.context(p).stats().bytesSent(), tls.context(p).stats().bytesSent(), "bytes of party " + p);
    }
  }
}
