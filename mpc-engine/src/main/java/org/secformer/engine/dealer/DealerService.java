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
  /** How many ended job ids the dealer remembers, to refuse their reuse. */
  static final int REMEMBERED_ENDED_JOBS = 100_000;

  private final int maxJobs;
  private final Map<String, DealerJob> jobs = new LinkedHashMap<>();
  private final Map<String, boolean[]> handed = new LinkedHashMap<>();
  private final Map<String, Boolean> ended = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > REMEMBERED_ENDED_JOBS;
    }
  };

  public DealerService(int maxJobs) {
    this.maxJobs = maxJobs;
  }

  /**
   * The seed of {@code party} for {@code jobId}, handed out once: all of a job's material derives from its
   * seeds, so a second request (a retry under the same job id) or a request for an ended job id is refused
   * rather than answered with material already used. A retry must run as a new job.
   */
  public synchronized Seed seed(String jobId, int party) {
    if (ended.containsKey(jobId)) {
      throw new MpcException(ErrorCode.BAD_REQUEST, "job id " + jobId + " was used already and its material is spent;"
          + " run a retry as a new job");
    }
    DealerJob job = jobs.get(jobId);
    if (job == null) {
      if (jobs.size() >= maxJobs) {
        throw new MpcException(ErrorCode.BAD_REQUEST, "dealer already serves " + maxJobs + " jobs; job " + jobId + " refused");
      }
      job = new DealerJob(jobId);
      jobs.put(jobId, job);
      handed.put(jobId, new boolean[2]);
    }
    boolean[] given = handed.get(jobId);
    if (given[party]) {
      throw new MpcException(ErrorCode.BAD_REQUEST, "job " + jobId + ": the seed of party " + party
          + " was handed out already; run a retry as a new job");
    }
    given[party] = true;
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
    if (jobs.remove(jobId) != null) {
      handed.remove(jobId);
      ended.put(jobId, Boolean.TRUE);
    }
  }

  public synchronized int jobCount() {
    return jobs.size();
  }
}
