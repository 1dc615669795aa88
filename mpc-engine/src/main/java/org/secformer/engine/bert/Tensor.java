package org.secformer.engine.bert;

import java.util.Arrays;

/**
 * A dense, row-major tensor of doubles: the plaintext form of one model weight. Weights read from fp32
 * files are widened exactly, so a float model survives a round trip through this class bit for bit.
 */
public final class Tensor {
  private final int[] shape;
  private final double[] data;

  private Tensor(int[] shape, double[] data) {
    this.shape = shape;
    this.data = data;
  }

  /** Wraps {@code data} (not copied); the element count must match {@code shape}. */
  public static Tensor of(double[] data, int... shape) {
    long n = size(shape);
    if (n != data.length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " needs " + n + " elements but data has " + data.length);
    }
    return new Tensor(shape.clone(), data);
  }

  /** Widens {@code data} to doubles (exactly). */
  public static Tensor ofFloats(float[] data, int... shape) {
    double[] d = new double[data.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = data[i];
    }
    return of(d, shape);
  }

  public static Tensor zeros(int... shape) {
    return new Tensor(shape.clone(), new double[Math.toIntExact(size(shape))]);
  }

  /** Element count of a shape; rejects negative dimensions and more than 2^31 - 9 elements. A rank-0 shape has one. */
  public static long size(int... shape) {
    // one rule for shapes, owned by the ring tensor; a rank-0 (scalar) shape is allowed here
    return shape.length == 0 ? 1 : org.secformer.shares.ring.RingTensor.checkShape(shape);
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

  /** The backing array (not a copy). */
  public double[] data() {
    return data;
  }

  public int size() {
    return data.length;
  }

  public boolean hasShape(int... expected) {
    return Arrays.equals(shape, expected);
  }

  /** Transpose of a matrix: [r, c] becomes [c, r]. */
  public Tensor transpose2d() {
    if (shape.length != 2) {
      throw new IllegalArgumentException("transpose2d needs a matrix, shape is " + Arrays.toString(shape));
    }
    int r = shape[0], c = shape[1];
    double[] t = new double[data.length];
    for (int i = 0; i < r; i++) {
      for (int j = 0; j < c; j++) {
        t[j * r + i] = data[i * c + j];
      }
    }
    return new Tensor(new int[] {c, r}, t);
  }

  public Tensor copy() {
    return new Tensor(shape.clone(), data.clone());
  }

  /** Same shape and bit-identical values. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Tensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "Tensor" + Arrays.toString(shape);
  }
}
