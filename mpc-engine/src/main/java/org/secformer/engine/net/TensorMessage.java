package org.secformer.engine.net;

/** A whole tagged tensor received on a link: the exchange number, its tag and its elements. */
public record TensorMessage(long seq, String tag, long[] values) {
  /** Never prints the values. */
  @Override
  public String toString() {
    return "TensorMessage[seq=" + seq + ", tag=" + tag + ", elements=" + values.length + "]";
  }
}
