package org.secformer.shares.control;

/** A computing party asks the dealer for its seed of a job (the party is known from its certificate). */
public record SeedRequest(String jobId) implements ControlMessage {
  public SeedRequest {
    Checks.requireText("jobId", jobId);
  }
}
