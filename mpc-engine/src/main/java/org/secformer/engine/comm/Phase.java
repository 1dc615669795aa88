package org.secformer.engine.comm;

/**
 * The protocol a party is running, for the per-protocol breakdown of a forward pass: traffic, dealer
 * material and wall time are charged to the innermost phase entered (see {@link CommStats#enter}).
 */
public enum Phase {
  WEIGHT_MASKS("weight masks (once per job)"),
  EMBEDDING("embedding (one-hot product)"),
  MATMUL("matmul (linear layers)"),
  ATTENTION_MATMUL("attention products (QK^T, PV)"),
  SOFTMAX("softmax"),
  QUAD2("2Quad"),
  LAYER_NORM("LayerNorm"),
  GELU("GeLU"),
  POOLING("pooling + L2"),
  HEAD("classifier head"),
  OTHER("other");

  private final String label;

  Phase(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
