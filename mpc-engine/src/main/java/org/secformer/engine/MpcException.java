package org.secformer.engine;

import org.secformer.shares.control.ErrorCode;

/** An engine failure that carries a wire error code, so a client gets a clear typed reason. */
public class MpcException extends RuntimeException {
  private final ErrorCode code;

  public MpcException(ErrorCode code, String message) {
    super(message);
    this.code = code;
  }

  public MpcException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }
}
