package org.secformer.shares.control;

import java.util.Map;
import java.util.TreeMap;

/**
 * One computing party's account of a job: batches and rows served, traffic with the peer (rounds,
 * bytes), bytes received from the dealer, and time. {@code perProtocol} maps a protocol tag to
 * "rounds,bytesSent,bytesReceived".
 */
public record JobReport(
    String jobId,
    int partyId,
    long batches,
    long rows,
    long rounds,
    long bytesSent,
    long bytesReceived,
    long dealerBytes,
    long secureNanos,
    long wallNanos,
    Map<String, String> perProtocol)
    implements ControlMessage {
  public JobReport {
    Checks.requireText("jobId", jobId);
    if (partyId != 0 && partyId != 1) {
      throw new IllegalArgumentException("partyId must be 0 or 1, got " + partyId);
    }
    perProtocol = java.util.Collections.unmodifiableMap(new TreeMap<>(perProtocol));
  }
}
