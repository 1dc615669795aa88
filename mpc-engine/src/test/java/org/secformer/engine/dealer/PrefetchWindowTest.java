package org.secformer.engine.dealer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.secformer.engine.comm.CommStats;
import org.secformer.engine.dealer.Material.MulTriple;
import org.secformer.shares.prg.Seed;
import org.secformer.shares.ring.RingTensor;

/** Prefetching a plan keeps only a window of dealer material in flight, and the material stays valid. */
class PrefetchWindowTest {
  @Test
  void aPlanIsRequestedAWindowAtATimeAndItsTriplesStayValid() {
    LocalDealer dealer = new LocalDealer("window-job");
    AtomicInteger requests = new AtomicInteger();
    CorrelationSource[] sources = new CorrelationSource[2];
    for (int p = 0; p < 2; p++) {
      DealerLink inner = dealer.link(p);
      DealerLink counted = new DealerLink() {
        @Override
        public Seed seed() {
          return inner.seed();
        }

        @Override
        public CompletableFuture<RingTensor[]> corrections(CorrelationRequest request) {
          requests.incrementAndGet();
          return inner.corrections(request);
        }

        @Override
        public void close() {}
      };
      sources[p] = new CorrelationSource(p, counted, new CommStats(), 10_000);
      // ten triples of 1000 elements, about 8 KB each: a 20 KB window holds three
      sources[p].windowBytes(20_000);
    }
    List<CorrelationSource.Spec> plan =
        Collections.nCopies(10, new CorrelationSource.Spec(CorrelationKind.MUL_TRIPLE, new int[] {1000}, ""));
    sources[1].prefetch(plan);
    assertEquals(3, requests.get(), "party 1 asks for a window's worth only");
    assertEquals(10, sources[1].prefetched());
    sources[0].prefetch(plan);
    List<MulTriple[]> used = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      used.add(new MulTriple[] {sources[0].mulTriple(1000), sources[1].mulTriple(1000)});
      assertEquals(Math.min(10, i + 4), requests.get(), "one more request per triple used, after triple " + i);
    }
    assertEquals(0, sources[1].prefetched());
    for (MulTriple[] t : used) {
      RingTensor a = t[0].a().add(t[1].a()), b = t[0].b().add(t[1].b()), c = t[0].c().add(t[1].c());
      assertEquals(a.mul(b), c, "c = a b");
    }
  }
}
