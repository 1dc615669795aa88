package org.secformer.shares.prg;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.secformer.shares.ring.RingTensor;

/**
 * Cryptographic pseudo-random generator: AES-128 in counter mode (JDK JCA, AES-NI where present).
 *
 * <p>Key = the 128-bit seed; the initial counter block is (stream id, 0), so one seed gives 2^64
 * independent streams of 2^64 blocks each. The same (seed, stream) gives the same output in every JVM,
 * which is what lets the dealer and a party expand the same correlated randomness from a shared seed.
 * Output words are read little-endian from the keystream. Not thread-safe: one instance per thread.
 */
public final class Prg {
  private static final int CHUNK_BYTES = 64 * 1024;

  private final Cipher cipher;
  private final byte[] zeros = new byte[CHUNK_BYTES];
  private final byte[] keystream = new byte[CHUNK_BYTES];
  private final ByteBuffer view = ByteBuffer.wrap(keystream).order(ByteOrder.LITTLE_ENDIAN);
  private int available;

  public Prg(Seed seed, long streamId) {
    try {
      cipher = Cipher.getInstance("AES/CTR/NoPadding");
      byte[] iv = ByteBuffer.allocate(16).putLong(streamId).putLong(0L).array();
      cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(seed.bytes(), "AES"), new IvParameterSpec(iv));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/CTR is not available in this JVM", e);
    }
  }

  public Prg(Seed seed) {
    this(seed, 0L);
  }

  /** A PRG seeded from {@link java.security.SecureRandom}. */
  public static Prg fromSystemRandom() {
    return new Prg(Seed.random());
  }

  public long nextLong() {
    if (available < Long.BYTES) {
      refill();
    }
    long v = view.getLong(CHUNK_BYTES - available);
    available -= Long.BYTES;
    return v;
  }

  /** Fills {@code out} with uniform ring elements. */
  public void fill(long[] out) {
    fill(out, 0, out.length);
  }

  public void fill(long[] out, int from, int to) {
    int i = from;
    while (i < to) {
      if (available < Long.BYTES) {
        refill();
      }
      int take = Math.min(to - i, available / Long.BYTES);
      int pos = CHUNK_BYTES - available;
      for (int j = 0; j < take; j++) {
        out[i + j] = view.getLong(pos + j * Long.BYTES);
      }
      i += take;
      available -= take * Long.BYTES;
    }
  }

  /** A tensor of uniform ring elements. */
  public RingTensor uniform(int... shape) {
    RingTensor t = RingTensor.zeros(shape);
    fill(t.data());
    return t;
  }

  /** 16 fresh bytes from this stream, e.g. to derive a child seed. */
  public Seed nextSeed() {
    byte[] b = new byte[Seed.BYTES];
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    bb.putLong(nextLong()).putLong(nextLong());
    return Seed.of(b);
  }

  private void refill() {
    // Keystream = AES-CTR encryption of zeros; leftover bytes (< 8) are dropped to keep words aligned.
    int n;
    try {
      n = cipher.update(zeros, 0, CHUNK_BYTES, keystream, 0);
    } catch (javax.crypto.ShortBufferException e) {
      throw new IllegalStateException("keystream buffer too small", e);
    }
    if (n != CHUNK_BYTES) {
      throw new IllegalStateException("AES-CTR returned " + n + " bytes instead of " + CHUNK_BYTES);
    }
    available = CHUNK_BYTES;
  }
}
