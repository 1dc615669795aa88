package org.secformer.shares.control;

/**
 * Tells the peer why a request failed.
 *
 * @param jobId the job concerned, or null when the error precedes any job (a refused Hello)
 * @param message human-readable detail, may be empty
 */
public record ErrorMessage(String jobId, ErrorCode code, String message) implements ControlMessage {
  public ErrorMessage {
    if (jobId != null) {
      Checks.requireText("jobId", jobId);
    }
    Checks.requireNonNull("code", code);
    Checks.requireNonNull("message", message);
  }
}
