package org.secformer.engine.dealer;

/**
 * The kinds of correlated randomness the dealer makes. The meaning of {@link CorrelationRequest#dims()}
 * per kind is documented on each recipe class.
 */
public enum CorrelationKind {
  MUL_TRIPLE,
  MATMUL_TRIPLE,
  MATMUL_FIXED_B,
  TRUNC_PAIR,
  SIN_COS,
  COMPARISON,
  SQUARE_PAIR
}
