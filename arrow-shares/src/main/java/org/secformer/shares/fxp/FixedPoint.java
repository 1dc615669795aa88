package org.secformer.shares.fxp;

import org.secformer.shares.ring.RingTensor;

/**
 * Fixed-point encoding of reals in Z_2^64 with {@code fracBits} fractional bits (default 16).
 *
 * <p>encode(x) = round(x * 2^f) as a two's-complement long. Range and error:
 * <ul>
 *   <li>an encoded value must satisfy |x| < 2^(63-f) (2^47 for f = 16), otherwise {@link #encode}
 *       throws;
 *   <li>a product of two encoded values carries 2f fractional bits before truncation, so the operands of a
 *       multiplication need |x*y| < 2^(63-2f) (2^31 for f = 16) to stay exact;
 *   <li>round trip error |decode(encode(x)) - x| <= 2^-(f+1) (rounding to nearest);
 *   <li>plaintext truncation after a product is an arithmetic shift by f (floor), error < 2^-f, and it
 *       is exact for negative values (no wrap-around: the shift preserves the sign).
 * </ul>
 */
public final class FixedPoint {
  public static final int DEFAULT_FRAC_BITS = 16;

  private final int fracBits;
  private final double scale;
  private final double maxMagnitude;

  public FixedPoint(int fracBits) {
    if (fracBits < 0 || fracBits > 40) {
      throw new IllegalArgumentException("fractional bits must be in [0, 40], got " + fracBits);
    }
    this.fracBits = fracBits;
    this.scale = Math.scalb(1.0, fracBits);
    this.maxMagnitude = Math.scalb(1.0, 63 - fracBits);
  }

  public static FixedPoint defaults() {
    return new FixedPoint(DEFAULT_FRAC_BITS);
  }

  public int fracBits() {
    return fracBits;
  }

  /** 2^f as a ring element: the encoding of 1.0. */
  public long one() {
    return 1L << fracBits;
  }

  /** Largest magnitude (exclusive) that {@link #encode} accepts. */
  public double maxMagnitude() {
    return maxMagnitude;
  }

  public long encode(double x) {
    if (!Double.isFinite(x) || Math.abs(x) >= maxMagnitude) {
      throw new IllegalArgumentException(
          "value " + x + " outside the fixed-point range (-2^" + (63 - fracBits) + ", 2^" + (63 - fracBits) + ")");
    }
    return Math.round(x * scale);
  }

  public double decode(long v) {
    return v / scale;
  }

  public RingTensor encode(double[] values, int... shape) {
    long[] out = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = encode(values[i]);
    }
    return RingTensor.of(out, shape);
  }

  public double[] decode(RingTensor t) {
    long[] d = t.data();
    double[] out = new double[d.length];
    for (int i = 0; i < d.length; i++) {
      out[i] = d[i] / scale;
    }
    return out;
  }

  /** Plaintext truncation after a product of two encodings: arithmetic shift by f. */
  public long truncate(long product) {
    return product >> fracBits;
  }

  /** Plaintext fixed-point product with truncation. */
  public long mul(long a, long b) {
    return (a * b) >> fracBits;
  }
}
