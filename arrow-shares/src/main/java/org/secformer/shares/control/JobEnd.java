package org.secformer.shares.control;

/** The client ends a job; each party answers with its {@link JobReport} and frees the job. */
public record JobEnd(String jobId) implements ControlMessage {
  public JobEnd {
    Checks.requireText("jobId", jobId);
  }
}
