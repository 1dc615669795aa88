package org.secformer.engine.job;

import java.util.Arrays;
import java.util.List;
import org.secformer.engine.comm.CommStats;
import org.secformer.engine.dealer.CorrelationSource;
import org.secformer.engine.protocol.MpcContext;
import org.secformer.shares.ring.RingTensor;

/**
 * One job at one computing party: runs batches in order on the job's context. The first batch of a shape
 * is traced; after each batch the plan of the next one (assumed to have the same shape) is requested from
 * the dealer at once, so the dealer's work and transfers overlap the wait for the client's next batch and
 * the online phase. A batch of another shape drops the prefetched plan (both parties drop the same one,
 * since they see the same batches) and is traced afresh. At most one batch of material is held ahead.
 */
public final class PartyJob {
  private final String jobId;
  private final MpcContext ctx;
  private final Computation computation;
  private final long startNanos = System.nanoTime();
  private int[] tracedShape;
  private List<CorrelationSource.Spec> plan;
  private long batches;
  private long rows;
  private long secureNanos;

  public PartyJob(String jobId, MpcContext ctx, Computation computation) {
    this.jobId = jobId;
    this.ctx = ctx;
    this.computation = computation;
  }

  public String jobId() {
    return jobId;
  }

  public synchronized RingTensor runBatch(RingTensor inputShare) {
    long t0 = System.nanoTime();
    CorrelationSource dealer = ctx.dealer();
    boolean traced = tracedShape != null && Arrays.equals(tracedShape, inputShare.shape());
    if (!traced) {
      dealer.discardPrefetched();
      dealer.startTrace();
    } else if (dealer.prefetched() == 0) {
      dealer.prefetch(plan);
    }
    RingTensor out = computation.apply(ctx, inputShare);
    if (!traced) {
      tracedShape = inputShare.shape();
      // weight masks come from the parties' own seeds, not from dealer requests, so the trace of the
      // first batch is exactly the plan of any later batch of this shape
      plan = dealer.stopTrace();
    }
    dealer.prefetch(plan);
    batches++;
    rows += inputShare.dim(0);
    secureNanos += System.nanoTime() - t0;
    return out;
  }

  public synchronized JobSummary summary() {
    CommStats.Snapshot s = ctx.stats().snapshot();
    return new JobSummary(jobId, ctx.party(), batches, rows, s, secureNanos, System.nanoTime() - startNanos);
  }

  /** What one party reports about a job when it ends. */
  public record JobSummary(
      String jobId, int party, long batches, long rows, CommStats.Snapshot traffic, long secureNanos, long wallNanos) {}
}
