package org.secformer.shares.control;

/**
 * Why a peer refused a request. Each code has a fixed wire number, so constants can be added or
 * reordered without changing what old numbers mean; never reuse a number.
 */
public enum ErrorCode {
  BAD_REQUEST(1),
  UNAUTHORIZED(2),
  FRAME_TOO_LARGE(3),
  MALFORMED_FRAME(4),
  UNKNOWN_JOB(5),
  UNKNOWN_MODEL(6),
  PEER_UNAVAILABLE(7),
  TIMEOUT(8),
  INTERNAL(9);

  private final int wireCode;

  ErrorCode(int wireCode) {
    this.wireCode = wireCode;
  }

  public int wireCode() {
    return wireCode;
  }

  public static ErrorCode fromWireCode(int wireCode) {
    for (ErrorCode c : values()) {
      if (c.wireCode == wireCode) {
        return c;
      }
    }
    throw new IllegalArgumentException("unknown error code " + wireCode);
  }
}
