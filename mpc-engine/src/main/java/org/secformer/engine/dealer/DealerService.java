package org.secformer.engine.dealer;

import java.util.LinkedHashMap;
import java.util.Map;
import org.secformer.engine.MpcException;
import org.secformer.shares.control.ErrorCode;
import org.secformer.shares.prg.Seed;
import org.secformer.shares.ring.RingTensor;

/**
 * The dealer's jobs, transport-free: a job is created by the first party that asks for its seed and
 * dropped when a party ends it. At most {@code maxJobs} live at once, so a misbehaving party cannot
 * make the dealer hold unbounded state.
 */
public final class DealerService {
  private final int maxJobs;
  private final Map<String, DealerJob> jobs = new LinkedHashMap<>();

  public DealerService(int maxJobs) {
    this.maxJobs = maxJobs;
  }

  public synchronized Seed seed(String jobId, int party) {
    DealerJob job = jobs.get(jobId);
    if (job == null) {
      if (jobs.size() >= maxJobs) {
        throw new MpcException(ErrorCode.BAD_REQUEST, "dealer already serves " + maxJobs + " jobs; job " + jobId + " refused");
      }
      job = new DealerJob(jobId);
      jobs.put(jobId, job);
    }
    return job.seedFor(party);
  }

  public RingTensor[] corrections(String jobId, int party, CorrelationRequest request) {
    DealerJob job;
    synchronized (this) {
      job = jobs.get(jobId);
    }
    if (job == null) {
      throw new MpcException(ErrorCode.UNKNOWN_JOB, "dealer has no job " + jobId);
    }
    return job.correctionsFor(party, request);
  }

  public synchronized void end(String jobId) {
    jobs.remove(jobId);
  }

  public synchronized int jobCount() {
    return jobs.size();
  }
}
