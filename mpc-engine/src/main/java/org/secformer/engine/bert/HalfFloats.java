package org.secformer.engine.bert;

/** IEEE half (F16) and bfloat16 (BF16) conversions; encoding rounds to nearest, ties to even. */
final class HalfFloats {
  private HalfFloats() {}

  static float bf16ToFloat(short bits) {
    return Float.intBitsToFloat((bits & 0xffff) << 16);
  }

  static short floatToBf16(float f) {
    int b = Float.floatToRawIntBits(f);
    if (Float.isNaN(f)) {
      return (short) ((b >>> 16) | 0x40); // keep it a (quiet) NaN
    }
    int rounded = b + 0x7fff + ((b >>> 16) & 1);
    return (short) (rounded >>> 16);
  }

  static float f16ToFloat(short h) {
    int bits = h & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1f;
    int mant = bits & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      float v = mant * 0x1p-24f; // subnormal (or zero)
      return sign != 0 ? -v : v;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }

  static short floatToF16(float f) {
    int b = Float.floatToRawIntBits(f);
    int sign = (b >>> 16) & 0x8000;
    int exp = (b >>> 23) & 0xff;
    int mant = b & 0x7fffff;
    if (exp == 0xff) {
      return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0));
    }
    int e = exp - 127 + 15;
    if (e >= 0x1f) {
      return (short) (sign | 0x7c00); // overflow to infinity
    }
    if (e <= 0) {
      if (e < -10) {
        return (short) sign; // underflows to zero
      }
      mant |= 0x800000; // implicit bit
      int shift = 14 - e;
      int half = mant >>> shift;
      int rem = mant & ((1 << shift) - 1);
      int mid = 1 << (shift - 1);
      if (rem > mid || (rem == mid && (half & 1) != 0)) {
        half++;
      }
      return (short) (sign | half);
    }
    int half = (e << 10) | (mant >>> 13);
    int rem = mant & 0x1fff;
    if (rem > 0x1000 || (rem == 0x1000 && (half & 1) != 0)) {
      half++; // may carry into the exponent, which is right (up to infinity)
    }
    return (short) (sign | half);
  }
}
