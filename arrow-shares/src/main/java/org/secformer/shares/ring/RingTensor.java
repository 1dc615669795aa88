package org.secformer.shares.ring;

import java.util.Arrays;

/**
 * A dense tensor over the ring Z_2^64, row-major, backed by a {@code long[]}.
 *
 * <p>Java's {@code long} arithmetic wraps modulo 2^64, which is exactly ring arithmetic, so add, sub,
 * neg and mul need no reduction. The tensor is mutable: methods ending in {@code InPlace} change this
 * tensor and return it; the others allocate a new one.
 */
public final class RingTensor {
  private final long[] data;
  private final int[] shape;

  private RingTensor(long[] data, int[] shape) {
    this.data = data;
    this.shape = shape;
  }

  /** Wraps {@code data} (not copied) with the given shape; the element count must match. */
  public static RingTensor of(long[] data, int... shape) {
    long n = checkShape(shape);
    if (n != data.length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " needs " + n + " elements but data has " + data.length);
    }
    return new RingTensor(data, shape.clone());
  }

  public static RingTensor zeros(int... shape) {
    return new RingTensor(new long[Math.toIntExact(checkShape(shape))], shape.clone());
  }

  /** Number of elements a shape holds; rejects negative dimensions and sizes above 2^31 - 1. */
  public static long checkShape(int... shape) {
    if (shape == null || shape.length == 0) {
      throw new IllegalArgumentException("a tensor needs at least one dimension");
    }
    long n = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
      n *= d;
      if (n > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " is too large for one tensor");
      }
    }
    return n;
  }

  /** The backing array (not a copy): protocols read and write it directly to avoid copies. */
  public long[] data() {
    return data;
  }

  public int[] shape() {
    return shape.clone();
  }

  public int rank() {
    return shape.length;
  }

  public int dim(int axis) {
    return shape[axis];
  }

  public int size() {
    return data.length;
  }

  public long get(int index) {
    return data[index];
  }

  public RingTensor copy() {
    return new RingTensor(data.clone(), shape.clone());
  }

  /** Same data viewed with another shape of equal element count (no copy). */
  public RingTensor reshape(int... newShape) {
    return of(data, newShape);
  }

  public boolean sameShape(RingTensor other) {
    return Arrays.equals(shape, other.shape);
  }

  public RingTensor add(RingTensor other) {
    return copy().addInPlace(other);
  }

  public RingTensor sub(RingTensor other) {
    return copy().subInPlace(other);
  }

  public RingTensor neg() {
    return copy().negInPlace();
  }

  /** Elementwise product in the ring (no fixed-point truncation). */
  public RingTensor mul(RingTensor other) {
    return copy().mulInPlace(other);
  }

  public RingTensor mulScalar(long scalar) {
    return copy().mulScalarInPlace(scalar);
  }

  public RingTensor addInPlace(RingTensor other) {
    requireSameShape(other, "add");
    long[] o = other.data;
    for (int i = 0; i < data.length; i++) {
      data[i] += o[i];
    }
    return this;
  }

  public RingTensor subInPlace(RingTensor other) {
    requireSameShape(other, "sub");
    long[] o = other.data;
    for (int i = 0; i < data.length; i++) {
      data[i] -= o[i];
    }
    return this;
  }

  public RingTensor negInPlace() {
    for (int i = 0; i < data.length; i++) {
      data[i] = -data[i];
    }
    return this;
  }

  public RingTensor mulInPlace(RingTensor other) {
    requireSameShape(other, "mul");
    long[] o = other.data;
    for (int i = 0; i < data.length; i++) {
      data[i] *= o[i];
    }
    return this;
  }

  public RingTensor mulScalarInPlace(long scalar) {
    for (int i = 0; i < data.length; i++) {
      data[i] *= scalar;
    }
    return this;
  }

  public RingTensor addScalarInPlace(long scalar) {
    for (int i = 0; i < data.length; i++) {
      data[i] += scalar;
    }
    return this;
  }

  /** Arithmetic (sign-preserving) right shift of every element: plaintext fixed-point truncation. */
  public RingTensor shiftRightInPlace(int bits) {
    for (int i = 0; i < data.length; i++) {
      data[i] >>= bits;
    }
    return this;
  }

  private void requireSameShape(RingTensor other, String op) {
    if (!Arrays.equals(shape, other.shape)) {
      throw new IllegalArgumentException(
          op + ": shapes differ " + Arrays.toString(shape) + " vs " + Arrays.toString(other.shape));
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RingTensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
  }

  /** Shape only: element values may be secret shares and must never reach a log. */
  @Override
  public String toString() {
    return "RingTensor" + Arrays.toString(shape);
  }
}
