package org.secformer.shares.control;

/**
 * The dealer's answer to {@link SeedRequest}: the 128-bit seed shared with this party for the job, as
 * two words. Secret: toString hides it.
 */
public record SeedGrant(String jobId, long seedHigh, long seedLow) implements ControlMessage {
  public SeedGrant {
    Checks.requireText("jobId", jobId);
  }

  @Override
  public String toString() {
    return "SeedGrant[jobId=" + jobId + ", seed=redacted]";
  }
}
