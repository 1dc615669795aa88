package org.secformer.shares.control;

/**
 * Size limits of the control wire format. Decoding checks a declared length against these limits
 * and against the bytes actually left in the frame before it allocates anything, so a hostile
 * frame cannot make a party allocate more than the frame's own size. Encoding enforces the same
 * limits, so whatever this side encodes the other side accepts.
 */
public final class WireLimits {
  /** Largest encoded control message, format version byte included. */
  public static final int MAX_FRAME_BYTES = 4 << 20;
  /** Largest string field, in UTF-8 bytes. */
  public static final int MAX_STRING_BYTES = 1 << 20;
  /** Most elements in an array field or entries in a map field. */
  public static final int MAX_ENTRIES = 1 << 16;

  private WireLimits() {}
}
