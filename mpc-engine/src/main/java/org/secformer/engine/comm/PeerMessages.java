package org.secformer.engine.comm;

import org.secformer.engine.MpcException;
import org.secformer.shares.control.ErrorCode;

/** Checks shared by every {@link PeerChannel} implementation. */
public final class PeerMessages {
  private PeerMessages() {}

  /** The peer's message of this round must carry the same tag and length as ours. */
  public static void checkMatch(int party, String tag, int myLength, String theirTag, int theirLength) {
    if (!tag.equals(theirTag)) {
      throw new MpcException(
          ErrorCode.MALFORMED_FRAME,
          "party " + party + " expected '" + tag + "' from the peer but got '" + theirTag
              + "': the parties are out of step");
    }
    if (myLength != theirLength) {
      throw new MpcException(
          ErrorCode.MALFORMED_FRAME,
          "party " + party + ": '" + tag + "' has " + myLength + " elements here but "
              + theirLength + " at the peer");
    }
  }
}
