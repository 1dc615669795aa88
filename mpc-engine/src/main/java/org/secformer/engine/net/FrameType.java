package org.secformer.engine.net;

/**
 * The kind of a {@link Frame}: one byte on the wire (see {@link Wire}). New kinds take new codes; a code
 * this version does not know is refused as MALFORMED_FRAME.
 */
public enum FrameType {
  /** A control message (Kryo bytes of a ControlMessage); this layer does not look inside. */
  CONTROL(1),
  /** A whole tagged tensor: {@link Wire#TENSOR_PAYLOAD_LAYOUT}. */
  TENSOR(2),
  /** One part of a tagged tensor too large for one frame; same payload layout as TENSOR. */
  TENSOR_CHUNK(3),
  /** A refusal or failure: {@link Wire#ERROR_PAYLOAD_LAYOUT}. The sender closes the link after it. */
  ERROR(4),
  /** Link set-up: the connecting side names the job; the accepting side answers with the same frame. */
  HELLO(5),
  /** One share batch as an Arrow IPC stream (org.secformer.shares.arrow.ShareIpc), in one frame. */
  ARROW(6);

  private static final FrameType[] BY_CODE = new FrameType[256];

  static {
    for (FrameType t : values()) {
      BY_CODE[t.code] = t;
    }
  }

  private final byte code;

  FrameType(int code) {
    this.code = (byte) code;
  }

  public byte code() {
    return code;
  }

  /** The type of wire code {@code code}, or null if this version has none. */
  public static FrameType fromCode(byte code) {
    return BY_CODE[code & 0xFF];
  }
}
