package org.secformer.shares.control;

/** A control message could not be encoded or a received frame is not a valid control message. */
public class ControlCodecException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ControlCodecException(String message) {
    super(message);
  }

  public ControlCodecException(String message, Throwable cause) {
    super(message, cause);
  }
}
