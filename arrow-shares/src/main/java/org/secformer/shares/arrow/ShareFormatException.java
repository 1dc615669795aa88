package org.secformer.shares.arrow;

/**
 * A byte stream that is not a valid share batch stream: truncated, corrupted, a foreign schema, bad
 * metadata or rows that break the batch invariants. The message names the problem and, where known, the
 * byte position; it never contains share values.
 */
public class ShareFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ShareFormatException(String message) {
    super(message);
  }

  public ShareFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
