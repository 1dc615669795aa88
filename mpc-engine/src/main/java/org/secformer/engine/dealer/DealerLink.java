package org.secformer.engine.dealer;

import java.util.concurrent.CompletableFuture;
import org.secformer.shares.prg.Seed;
import org.secformer.shares.ring.RingTensor;

/** One computing party's connection to the dealer within one job. */
public interface DealerLink extends AutoCloseable {
  /** The seed this party shares with the dealer for the job. */
  Seed seed();

  /**
   * Asks for this party's corrections of one correlation. Requests may be issued ahead of use (a
   * prefetch window), and complete in any order.
   */
  CompletableFuture<RingTensor[]> corrections(CorrelationRequest request);

  @Override
  void close();
}
