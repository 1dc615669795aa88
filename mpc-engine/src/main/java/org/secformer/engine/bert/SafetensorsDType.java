package org.secformer.engine.bert;

/** Element types of the safetensors format that this package reads (floats as doubles, integers as longs). */
public enum SafetensorsDType {
  F64(8, true),
  F32(4, true),
  F16(2, true),
  BF16(2, true),
  I64(8, false),
  I32(4, false),
  I16(2, false),
  I8(1, false),
  U8(1, false),
  BOOL(1, false);

  private final int bytes;
  private final boolean floating;

  SafetensorsDType(int bytes, boolean floating) {
    this.bytes = bytes;
    this.floating = floating;
  }

  public int bytes() {
    return bytes;
  }

  public boolean isFloat() {
    return floating;
  }

  /** The enum constant for a header's dtype string, or null. */
  static SafetensorsDType parse(String s) {
    for (SafetensorsDType d : values()) {
      if (d.name().equals(s)) {
        return d;
      }
    }
    return null;
  }
}
