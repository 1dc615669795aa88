package org.secformer.engine.net;

import io.netty.handler.codec.CorruptedFrameException;
import org.secformer.shares.control.ErrorCode;

/**
 * A frame refused while decoding or encoding, with the wire error code to report to the peer
 * (FRAME_TOO_LARGE, MALFORMED_FRAME). A DecoderException, so Netty's decoders pass it on unwrapped.
 */
public final class FrameException extends CorruptedFrameException {
  private final ErrorCode code;

  public FrameException(ErrorCode code, String message) {
    super(message);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }
}
