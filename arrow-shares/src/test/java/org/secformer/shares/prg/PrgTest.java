package org.secformer.shares.prg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class PrgTest {
  private static final byte[] KEY = {
    0x2b, 0x7e, 0x15, 0x16, 0x28, (byte) 0xae, (byte) 0xd2, (byte) 0xa6,
    (byte) 0xab, (byte) 0xf7, 0x15, (byte) 0x88, 0x09, (byte) 0xcf, 0x4f, 0x3c
  };

  @Test
  void sameSeedAndStreamGiveTheSameOutput() {
    Seed seed = Seed.random();
    long[] a = new long[100_003];
    long[] b = new long[100_003];
    new Prg(seed, 5).fill(a);
    Prg p = new Prg(seed, 5);
    // mixing word-at-a-time and bulk reads must not change the stream
    b[0] = p.nextLong();
    p.fill(b, 1, 50_000);
    for (int i = 50_000; i < b.length; i++) {
      b[i] = p.nextLong();
    }
    assertArrayEquals(a, b);
  }

  @Test
  void streamsAndSeedsAreIndependent() {
    Seed seed = Seed.random();
    long[] s0 = new long[16], s1 = new long[16], other = new long[16];
    new Prg(seed, 0).fill(s0);
    new Prg(seed, 1).fill(s1);
    new Prg(Seed.random(), 0).fill(other);
    assertFalse(java.util.Arrays.equals(s0, s1));
    assertFalse(java.util.Arrays.equals(s0, other));
  }

  @Test
  void outputIsTheAesCtrKeystream() throws Exception {
    // Counter block 0 of stream 0 is sixteen zero bytes: the first two words are AES_k(0^128).
    Cipher ecb = Cipher.getInstance("AES/ECB/NoPadding");
    ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(KEY, "AES"));
    ByteBuffer expected = ByteBuffer.wrap(ecb.doFinal(new byte[16])).order(ByteOrder.LITTLE_ENDIAN);
    Prg prg = new Prg(Seed.of(KEY), 0);
    assertEquals(expected.getLong(0), prg.nextLong());
    assertEquals(expected.getLong(8), prg.nextLong());
  }

  @Test
  void bitsAreBalanced() {
    long[] v = new long[1 << 16];
    Prg.fromSystemRandom().fill(v);
    long ones = 0;
    for (long x : v) {
      ones += Long.bitCount(x);
    }
    double fraction = ones / (64.0 * v.length);
    // 4.2M bits: the standard deviation of the fraction is 2.4e-4, so 0.002 is over 8 sigma.
    assertTrue(Math.abs(fraction - 0.5) < 0.002, "fraction of one bits " + fraction);
  }

  @Test
  void seedsAreValidatedAndNeverPrinted() {
    assertThrows(IllegalArgumentException.class, () -> Seed.of(new byte[15]));
    assertEquals("Seed[redacted]", Seed.of(KEY).toString());
    assertEquals(Seed.of(KEY), Seed.of(KEY.clone()));
  }
}
