package org.secformer.engine.job;

import java.util.Arrays;
import java.util.List;
import org.secformer.engine.comm.CommStats;
import org.secformer.engine.dealer.CorrelationSource;
import org.secformer.engine.protocol.MpcContext;
import org.secformer.shares.ring.RingTensor;

/**
 * One job at one computing party: runs batches in order on the job's context. The first batch of a shape
 * is traced; each later batch of the same shape prefetches its whole correlation plan from the dealer
 * before the online phase starts, so the dealer works while the parties exchange openings.
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
    boolean first = tracedShape == null;
    boolean samePlan = !first && Arrays.equals(tracedShape, inputShare.shape()) && plan != null;
    if (first) {
      dealer.startTrace();
    } else if (samePlan) {
      dealer.prefetch(plan);
    }
    RingTensor out = computation.apply(ctx, inputShare);
    if (first) {
      tracedShape = inputShare.shape();
      // the first batch also opened the weight masks; its trace holds exactly one batch's plan only
      // when nothing per-job was drawn from the dealer, which holds for the seeded weight masks
      plan = dealer.stopTrace();
    }
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
