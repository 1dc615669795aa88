package org.secformer.engine.dealer;

import org.secformer.shares.ring.RingTensor;

/** Typed views of one party's share of each correlation. toString never shows values. */
public final class Material {
  private Material() {}

  /** Shares of a, b and c = a * b (elementwise). */
  public record MulTriple(RingTensor a, RingTensor b, RingTensor c) {
    @Override
    public String toString() {
      return "MulTriple" + a;
    }
  }

  /** Shares of A [m,k], B [k,n] and C = A B. */
  public record MatmulTriple(RingTensor a, RingTensor b, RingTensor c) {
    @Override
    public String toString() {
      return "MatmulTriple" + a + "x" + b;
    }
  }

  /** Shares of A [m,k] and C = A B for a weight's fixed mask B, which the party already holds. */
  public record FixedMaskTriple(RingTensor a, RingTensor c) {
    @Override
    public String toString() {
      return "FixedMaskTriple" + a;
    }
  }

  /** Shares of r, r >>> f and msb(r), as ring integers. */
  public record TruncPair(RingTensor r, RingTensor rHigh, RingTensor rMsb) {
    @Override
    public String toString() {
      return "TruncPair" + r;
    }
  }

  /** Shares of t mod 2^L and of sin/cos(2 pi j t / 2^L), j = 1..K, each [K, n]. */
  public record SinCos(RingTensor t, RingTensor sin, RingTensor cos) {
    @Override
    public String toString() {
      return "SinCos" + sin;
    }
  }
}
