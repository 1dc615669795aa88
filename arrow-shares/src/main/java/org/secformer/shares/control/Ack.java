package org.secformer.shares.control;

/** Acknowledges the message with sequence number {@code seq} of a job. */
public record Ack(String jobId, long seq) implements ControlMessage {
  public Ack {
    Checks.requireText("jobId", jobId);
    Checks.requireNonNegative("seq", seq);
  }
}
