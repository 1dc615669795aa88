package org.secformer.engine.dealer;

import java.util.concurrent.CompletableFuture;
import org.secformer.shares.prg.Seed;
import org.secformer.shares.ring.RingTensor;

/** The dealer in the caller's JVM (tests, benchmarks): links for both parties over one {@link DealerJob}. */
public final class LocalDealer {
  private final DealerJob job;

  public LocalDealer(String jobId) {
    this.job = new DealerJob(jobId);
  }

  public DealerJob job() {
    return job;
  }

  public DealerLink link(int party) {
    return new DealerLink() {
      @Override
      public Seed seed() {
        return job.seedFor(party);
      }

      @Override
      public CompletableFuture<RingTensor[]> corrections(CorrelationRequest request) {
        try {
          return CompletableFuture.completedFuture(job.correctionsFor(party, request));
        } catch (RuntimeException e) {
          return CompletableFuture.failedFuture(e);
        }
      }

      @Override
      public void close() {}
    };
  }
}
