package org.secformer.shares.prg;

import java.security.SecureRandom;
import java.util.Arrays;

/** A 128-bit PRG seed. Its bytes are secret: {@link #toString()} never prints them. */
public final class Seed {
  public static final int BYTES = 16;
  private static final SecureRandom SYSTEM_RANDOM = new SecureRandom();

  private final byte[] bytes;

  private Seed(byte[] bytes) {
    this.bytes = bytes;
  }

  public static Seed of(byte[] bytes) {
    if (bytes == null || bytes.length != BYTES) {
      throw new IllegalArgumentException(
          "a seed is " + BYTES + " bytes, got " + (bytes == null ? "null" : bytes.length));
    }
    return new Seed(bytes.clone());
  }

  /** A fresh seed from the operating system's cryptographic random source. */
  public static Seed random() {
    byte[] b = new byte[BYTES];
    SYSTEM_RANDOM.nextBytes(b);
    return new Seed(b);
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Seed s && java.security.MessageDigest.isEqual(bytes, s.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "Seed[redacted]";
  }
}
