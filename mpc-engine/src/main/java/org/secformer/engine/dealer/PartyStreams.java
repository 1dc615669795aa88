package org.secformer.engine.dealer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.secformer.shares.prg.Prg;
import org.secformer.shares.prg.Seed;

/**
 * The PRG streams of one party's seed shared with the dealer (the seed trick).
 *
 * <p>Stream ids below 2^62 are correlation sequence numbers; ids with bit 62 set are derived from a
 * weight name, so a weight's mask B is the same for every batch of the job and different for every
 * weight and every job (the seed is fresh per job).
 */
public final class PartyStreams {
  static final long WEIGHT_STREAM_BIT = 1L << 62;

  private final Seed seed;

  public PartyStreams(Seed seed) {
    this.seed = seed;
  }

  public Prg forRequest(long seq) {
    return new Prg(seed, seq);
  }

  public Prg forWeight(String weightKey) {
    return new Prg(seed, weightStreamId(weightKey));
  }

  static long weightStreamId(String weightKey) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(weightKey.getBytes(StandardCharsets.UTF_8));
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = (v << 8) | (h[i] & 0xff);
      }
      return WEIGHT_STREAM_BIT | (v & (WEIGHT_STREAM_BIT - 1));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }
}
