package org.secformer.engine.dealer;

import java.util.HashMap;
import java.util.Map;
import org.secformer.engine.MpcException;
import org.secformer.shares.control.ErrorCode;
import org.secformer.shares.prg.Seed;
import org.secformer.shares.ring.RingTensor;

/**
 * The dealer's state for one job: the two per-job seeds and the corrections computed but not yet
 * fetched by the second party that needs them. The same class backs the in-process dealer of tests and
 * the dealer server, so both run identical maths.
 */
public final class DealerJob {
  private final String jobId;
  private final PartyStreams[] streams;
  private final Seed[] seeds;
  private final Map<Long, Pending> pending = new HashMap<>();

  private record Pending(CorrelationRequest request, RingTensor[][] corrections, boolean[] fetched) {}

  /** A job with fresh seeds from SecureRandom. */
  public DealerJob(String jobId) {
    this(jobId, Seed.random(), Seed.random());
  }

  public DealerJob(String jobId, Seed seed0, Seed seed1) {
    this.jobId = jobId;
    this.seeds = new Seed[] {seed0, seed1};
    this.streams = new PartyStreams[] {new PartyStreams(seed0), new PartyStreams(seed1)};
  }

  public String jobId() {
    return jobId;
  }

  /** The seed the dealer shares with {@code party}; sent to that party only, over its TLS link. */
  public Seed seedFor(int party) {
    return seeds[party];
  }

  /**
   * The corrections meant for {@code party}. Computed once per sequence number; when both parties need
   * dealer data for one correlation, the second caller gets the cached half, and the two requests must
   * agree (else the parties are out of step and the job fails).
   */
  public synchronized RingTensor[] correctionsFor(int party, CorrelationRequest request) {
    CorrelationRecipe recipe = Recipes.of(request.kind());
    if (!recipe.needsDealer(party)) {
      throw new MpcException(
          ErrorCode.BAD_REQUEST, "party " + party + " does not take dealer data for " + request.kind());
    }
    Pending p = pending.get(request.seq());
    if (p == null) {
      p = new Pending(request, recipe.deal(streams[0], streams[1], request), new boolean[2]);
      boolean otherNeeds = recipe.needsDealer(1 - party);
      if (otherNeeds) {
        pending.put(request.seq(), p);
      }
    } else if (!p.request().equals(request)) {
      throw new MpcException(
          ErrorCode.BAD_REQUEST,
          "job " + jobId + ": party " + party + " asked for " + request + " but the other party asked for "
              + p.request() + " at the same position");
    } else if (p.fetched()[party]) {
      throw new MpcException(
          ErrorCode.BAD_REQUEST, "job " + jobId + ": party " + party + " asked twice for " + request);
    }
    p.fetched()[party] = true;
    if (p.fetched()[0] && p.fetched()[1]) {
      pending.remove(request.seq());
    }
    return p.corrections()[party];
  }

  /** Correlations computed for one party and not yet fetched by the other (bounded by the job's plan). */
  public synchronized int pendingCount() {
    return pending.size();
  }
}
