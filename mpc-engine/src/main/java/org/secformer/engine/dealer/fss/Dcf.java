package org.secformer.engine.dealer.fss;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * Distributed comparison function (DCF): two-party function secret sharing of
 * f_{alpha,beta}(x) = beta if x < alpha, else 0, for x, alpha in [0, 2^bits) and beta in Z_2^64.
 * Boyle, Chandran, Gilboa, Gupta, Ishai, Kumar, Rathee, "Function Secret Sharing for Mixed-Mode and
 * Fixed-Point Secure Computation", Eurocrypt 2021 (their tree-based DCF), as used for DReLU in SIGMA
 * (Gupta et al., PoPETs 2024). Pure maths, no I/O: the dealer calls {@link #gen}, each computing party
 * {@link #eval}; eval(0, k0, x) + eval(1, k1, x) = f(x) in Z_2^64.
 *
 * <p>Gen, per instance (alpha, beta), with root seeds s_0, s_1 and control bits t_0 = 0, t_1 = 1,
 * V_alpha = 0; for each level i = 1..bits, alpha_i the i-th bit of alpha from the top:
 * <ol>
 *   <li>expand both parties' seeds: (s^L_b, t^L_b, s^R_b, t^R_b, v^L_b, v^R_b) = G(s_b);
 *   <li>Keep = the side of alpha_i, Lose = the other; seed correction s_CW = s^Lose_0 xor s^Lose_1;
 *   <li>V_CW = (-1)^{t_1} (v^Lose_1 - v^Lose_0 - V_alpha), plus (-1)^{t_1} beta if Lose = L (alpha_i = 1:
 *       every x that leaves the path to the left here is below alpha);
 *   <li>V_alpha += v^Keep_0 - v^Keep_1 + (-1)^{t_1} V_CW (the sum of both parties' outputs so far on the
 *       path of alpha, which the next V_CW cancels);
 *   <li>t^L_CW = t^L_0 xor t^L_1 xor alpha_i xor 1, t^R_CW = t^R_0 xor t^R_1 xor alpha_i;
 *   <li>s_b = s^Keep_b xor t_b s_CW, t_b = t^Keep_b xor t_b t^Keep_CW;
 * </ol>
 * and finally CW_{bits+1} = (-1)^{t_1} (conv(s_1) - conv(s_0) - V_alpha). Eval walks the path of x:
 * s, t = the party's root and b; per level expand G(s), correct the side x_i by t (s_CW, t^{x_i}_CW),
 * V += v^{x_i} + t V_CW; at the end V += conv(s) + t CW_{bits+1}; party 1 negates V. Off the path of
 * alpha both parties hold equal (s, t) and their terms cancel; on it the terms sum to V_alpha; at the
 * level where x leaves the path they sum to beta [x_i < alpha_i].
 *
 * <p>PRG: AES-128 under a fixed public key as a random permutation pi, used in the Matyas-Meyer-Oseas
 * form G_k(s) = pi(s xor c_k) xor s xor c_k for three constants c_0, c_1, c_2 (correlation robust hash,
 * Guo, Katz, Wang, Yu, "Efficient and Secure Multiparty Computation from Fixed-Key Block Ciphers", S&P
 * 2020). G_0 gives the left child
 * seed and G_1 the right one, each with bit 0 taken as the control bit and then cleared (127-bit seeds,
 * lambda = 127); G_2 gives v^L (low word) and v^R (high word); conv(s) is the high word of s.
 *
 * <p>Batched: level by level over a chunk of {@value #EVAL_CHUNK} (eval) or {@value #GEN_CHUNK} (gen)
 * instances, all AES blocks of the level go through one Cipher in AES/ECB calls of 32 KiB (JCA, AES-NI;
 * one Cipher.init per batch, never per element). Eval computes only the child on x's path: 2 AES blocks
 * per level per instance; gen computes both children for both parties: 6 blocks.
 *
 * <p>Key size: see {@link DcfKey}; 3 bits + 2 words of corrections per instance, the same for both
 * parties (the dealer sends them to both), plus a root seed each party expands from its own stream.
 */
public final class Dcf {
  /** Most levels a key may have: the right control-bit corrections are packed in one word. */
  public static final int MAX_BITS = 64;

  static final int EVAL_CHUNK = 8192;
  static final int GEN_CHUNK = 4096;
  // AES/ECB calls over at most 32 KiB: input and output stay in the L1/L2 cache (measured ~30 % less CPU
  // than one call over a whole chunk level on the 2-core CI class).
  private static final int SUB_CALL_BYTES = 32 * 1024;

  // A public, fixed AES key (ASCII "SecFormer DCF v1"): the PRG's security rests on AES acting as a random
  // permutation, not on the key being secret.
  private static final byte[] FIXED_KEY = "SecFormer DCF v1".getBytes(StandardCharsets.US_ASCII);
  // Tweaks c_k (low word k, high word a fixed odd constant): distinct, so G_0, G_1, G_2 are independent
  // correlation-robust hashes of the same seed.
  private static final long TWEAK_HI = 0x9E3779B97F4A7C15L;
  private static final long[] C_LO = {0, 1, 2};
  private static final long SEED_MASK = ~1L;

  private Dcf() {}

  static void checkBits(int bits) {
    if (bits < 1 || bits > MAX_BITS) {
      throw new IllegalArgumentException("DCF domain must have 1.." + MAX_BITS + " bits, got " + bits);
    }
  }

  /**
   * Keys of {@code alpha.length} DCF instances. Root seeds are given (the caller expands them from each
   * party's PRG stream, so they need not be sent); their bit 0 is ignored.
   *
   * @param bits domain bits
   * @param alpha thresholds, each in [0, 2^bits)
   * @param beta payloads in Z_2^64
   * @param root0 party 0's root seeds [n, 2] (low, high)
   * @param root1 party 1's root seeds [n, 2]
   * @return the keys of party 0 and party 1; their {@code cw} and {@code tail} arrays are one shared
   *     (read-only) array, since the corrections are equal
   */
  public static DcfKey[] gen(int bits, long[] alpha, long[] beta, long[] root0, long[] root1) {
    checkBits(bits);
    int n = alpha.length;
    if (beta.length != n || root0.length != 2L * n || root1.length != 2L * n) {
      throw new IllegalArgumentException("DCF gen: alpha, beta and roots disagree on the batch size " + n);
    }
    checkDomain(bits, alpha, "alpha");
    long[] r0 = clearControlBits(root0);
    long[] r1 = clearControlBits(root1);
    long[] cw = new long[Math.multiplyExact(3 * bits, n)];
    long[] tail = new long[2 * n];
    Blocks aes = new Blocks(12 * Math.min(n, GEN_CHUNK));
    for (int from = 0; from < n; from += GEN_CHUNK) {
      genChunk(aes, bits, alpha, beta, r0, r1, cw, tail, n, from, Math.min(n, from + GEN_CHUNK));
    }
    return new DcfKey[] {new DcfKey(0, bits, n, r0, cw, tail), new DcfKey(1, bits, n, r1, cw, tail)};
  }

  private static void genChunk(Blocks aes, int bits, long[] alpha, long[] beta, long[] r0, long[] r1,
      long[] cw, long[] tail, int n, int from, int to) {
    int m = to - from;
    long[] in = aes.in, out = aes.out;
    long[] s0lo = new long[m], s0hi = new long[m], s1lo = new long[m], s1hi = new long[m];
    long[] t0 = new long[m], t1 = new long[m], va = new long[m];
    for (int j = 0; j < m; j++) {
      s0lo[j] = r0[2 * (from + j)];
      s0hi[j] = r0[2 * (from + j) + 1];
      s1lo[j] = r1[2 * (from + j)];
      s1hi[j] = r1[2 * (from + j) + 1];
      t1[j] = 1;
    }
    for (int level = 0; level < bits; level++) {
      int bitPos = bits - 1 - level;
      // Six blocks per instance: G_0, G_1, G_2 of party 0's seed, then of party 1's.
      for (int j = 0; j < m; j++) {
        int base = 12 * j;
        long lo0 = s0lo[j], hi0 = s0hi[j] ^ TWEAK_HI, lo1 = s1lo[j], hi1 = s1hi[j] ^ TWEAK_HI;
        in[base] = lo0 ^ C_LO[0];
        in[base + 1] = hi0;
        in[base + 2] = lo0 ^ C_LO[1];
        in[base + 3] = hi0;
        in[base + 4] = lo0 ^ C_LO[2];
        in[base + 5] = hi0;
        in[base + 6] = lo1 ^ C_LO[0];
        in[base + 7] = hi1;
        in[base + 8] = lo1 ^ C_LO[1];
        in[base + 9] = hi1;
        in[base + 10] = lo1 ^ C_LO[2];
        in[base + 11] = hi1;
      }
      aes.encrypt(12 * m);
      int cwLo = 3 * level * n, cwHi = cwLo + n, cwV = cwHi + n;
      for (int j = 0; j < m; j++) {
        int base = 12 * j;
        long a = (alpha[from + j] >>> bitPos) & 1;
        // Party 0's and party 1's expansions (MMO: output xor input).
        long hL0lo = out[base] ^ in[base], hL0hi = out[base + 1] ^ in[base + 1];
        long hR0lo = out[base + 2] ^ in[base + 2], hR0hi = out[base + 3] ^ in[base + 3];
        long vL0 = out[base + 4] ^ in[base + 4], vR0 = out[base + 5] ^ in[base + 5];
        long hL1lo = out[base + 6] ^ in[base + 6], hL1hi = out[base + 7] ^ in[base + 7];
        long hR1lo = out[base + 8] ^ in[base + 8], hR1hi = out[base + 9] ^ in[base + 9];
        long vL1 = out[base + 10] ^ in[base + 10], vR1 = out[base + 11] ^ in[base + 11];
        long tL0 = hL0lo & 1, tR0 = hR0lo & 1, tL1 = hL1lo & 1, tR1 = hR1lo & 1;
        // Lose = R when alpha_i = 0, L when alpha_i = 1 (select without branching on the secret bit).
        long aMask = -a;
        long loseS0lo = (hR0lo & ~aMask) | (hL0lo & aMask), loseS0hi = (hR0hi & ~aMask) | (hL0hi & aMask);
        long loseS1lo = (hR1lo & ~aMask) | (hL1lo & aMask), loseS1hi = (hR1hi & ~aMask) | (hL1hi & aMask);
        long keepS0lo = (hL0lo & ~aMask) | (hR0lo & aMask), keepS0hi = (hL0hi & ~aMask) | (hR0hi & aMask);
        long keepS1lo = (hL1lo & ~aMask) | (hR1lo & aMask), keepS1hi = (hL1hi & ~aMask) | (hR1hi & aMask);
        long loseV0 = (vR0 & ~aMask) | (vL0 & aMask), loseV1 = (vR1 & ~aMask) | (vL1 & aMask);
        long keepV0 = (vL0 & ~aMask) | (vR0 & aMask), keepV1 = (vL1 & ~aMask) | (vR1 & aMask);

        long sCwLo = (loseS0lo ^ loseS1lo) & SEED_MASK;
        long sCwHi = loseS0hi ^ loseS1hi;
        long sign1 = 1 - 2 * t1[j];
        long vCw = sign1 * (loseV1 - loseV0 - va[j]) + a * sign1 * beta[from + j];
        va[j] = va[j] - keepV1 + keepV0 + sign1 * vCw;
        long tCwL = tL0 ^ tL1 ^ a ^ 1;
        long tCwR = tR0 ^ tR1 ^ a;
        cw[cwLo + from + j] = sCwLo | tCwL;
        cw[cwHi + from + j] = sCwHi;
        cw[cwV + from + j] = vCw;
        tail[from + j] |= tCwR << level;
        long tCwKeep = (tCwL & ~aMask) | (tCwR & aMask);
        long m0 = -t0[j], m1 = -t1[j];
        s0lo[j] = (keepS0lo & SEED_MASK) ^ (m0 & sCwLo);
        s0hi[j] = keepS0hi ^ (m0 & sCwHi);
        s1lo[j] = (keepS1lo & SEED_MASK) ^ (m1 & sCwLo);
        s1hi[j] = keepS1hi ^ (m1 & sCwHi);
        t0[j] = (keepS0lo & 1) ^ (t0[j] & tCwKeep);
        t1[j] = (keepS1lo & 1) ^ (t1[j] & tCwKeep);
      }
    }
    for (int j = 0; j < m; j++) {
      long sign1 = 1 - 2 * t1[j];
      tail[n + from + j] = sign1 * (s1hi[j] - s0hi[j] - va[j]);
    }
  }

  /**
   * This party's shares of f_{alpha_j, beta_j}(x_j) for all instances of the batch.
   *
   * @param key this party's keys
   * @param x public inputs, each in [0, 2^bits), one per instance
   */
  public static long[] eval(DcfKey key, long[] x) {
    int n = key.n();
    if (x.length != n) {
      throw new IllegalArgumentException("DCF eval: " + x.length + " inputs for " + n + " keys");
    }
    checkDomain(key.bits(), x, "x");
    long[] result = new long[n];
    Blocks aes = new Blocks(4 * Math.min(n, EVAL_CHUNK));
    for (int from = 0; from < n; from += EVAL_CHUNK) {
      evalChunk(aes, key, x, result, from, Math.min(n, from + EVAL_CHUNK));
    }
    return result;
  }

  private static void evalChunk(Blocks aes, DcfKey key, long[] x, long[] result, int from, int to) {
    int m = to - from, n = key.n(), bits = key.bits();
    long[] in = aes.in, out = aes.out;
    long[] root = key.root(), cw = key.cw(), tail = key.tail();
    long[] slo = new long[m], shi = new long[m], t = new long[m], v = new long[m];
    for (int j = 0; j < m; j++) {
      slo[j] = root[2 * (from + j)] & SEED_MASK;
      shi[j] = root[2 * (from + j) + 1];
      t[j] = key.party();
    }
    for (int level = 0; level < bits; level++) {
      int bitPos = bits - 1 - level;
      // Two blocks per instance: G_{x_i}(s) (the child on x's path) and G_2(s) (its value word).
      for (int j = 0; j < m; j++) {
        long side = (x[from + j] >>> bitPos) & 1;
        long hi = shi[j] ^ TWEAK_HI;
        in[4 * j] = slo[j] ^ C_LO[(int) side];
        in[4 * j + 1] = hi;
        in[4 * j + 2] = slo[j] ^ C_LO[2];
        in[4 * j + 3] = hi;
      }
      aes.encrypt(4 * m);
      int cwLo = 3 * level * n, cwHi = cwLo + n, cwV = cwHi + n;
      for (int j = 0; j < m; j++) {
        int base = 4 * j;
        long side = (x[from + j] >>> bitPos) & 1;
        long clo = out[base] ^ in[base], chi = out[base + 1] ^ in[base + 1];
        long val = out[base + 2 + (int) side] ^ in[base + 2 + (int) side];
        long c = cw[cwLo + from + j];
        long tCw = side == 0 ? c & 1 : (tail[from + j] >>> level) & 1;
        long tm = -t[j];
        v[j] += val + (tm & cw[cwV + from + j]);
        slo[j] = (clo & SEED_MASK) ^ (tm & c & SEED_MASK);
        shi[j] = chi ^ (tm & cw[cwHi + from + j]);
        t[j] = (clo & 1) ^ (t[j] & tCw);
      }
    }
    boolean negate = key.party() == 1;
    for (int j = 0; j < m; j++) {
      long total = v[j] + shi[j] + (-t[j] & tail[n + from + j]);
      result[from + j] = negate ? -total : total;
    }
  }

  private static void checkDomain(int bits, long[] values, String what) {
    if (bits == 64) {
      return;
    }
    for (long a : values) {
      if ((a >>> bits) != 0) {
        throw new IllegalArgumentException("DCF " + what + " outside the " + bits + "-bit domain");
      }
    }
  }

  private static long[] clearControlBits(long[] root) {
    long[] r = root.clone();
    for (int i = 0; i < r.length; i += 2) {
      r[i] &= SEED_MASK;
    }
    return r;
  }

  /**
   * Reusable buffers around one fixed-key AES/ECB cipher: the callers fill {@code in} as 64-bit words
   * (two per block, little-endian: word 2k is the low half of block k), {@link #encrypt} moves them in one
   * bulk copy to bytes, runs one ECB call over all blocks, and copies the result back to {@code out}.
   * Plain long arrays keep the per-element code simple and fast also before the JIT has warmed up (a
   * byte-array VarHandle is very slow until compiled). One Cipher per batch, initialised once.
   */
  private static final class Blocks {
    final long[] in;
    final long[] out;
    private final byte[] inBytes;
    private final byte[] outBytes;
    private final LongBuffer inView;
    private final LongBuffer outView;
    private final Cipher cipher;

    Blocks(int words) {
      in = new long[words];
      out = new long[words];
      inBytes = new byte[8 * words];
      outBytes = new byte[8 * words];
      inView = ByteBuffer.wrap(inBytes).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer();
      outView = ByteBuffer.wrap(outBytes).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer();
      try {
        cipher = Cipher.getInstance("AES/ECB/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(FIXED_KEY, "AES"));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES/ECB is not available in this JVM", e);
      }
    }

    /** out[0, words) = AES(in[0, words)), block by block. */
    void encrypt(int words) {
      inView.clear();
      inView.put(in, 0, words);
      int len = 8 * words;
      try {
        for (int at = 0; at < len; at += SUB_CALL_BYTES) {
          int part = Math.min(SUB_CALL_BYTES, len - at);
          int done = cipher.update(inBytes, at, part, outBytes, at);
          if (done != part) {
            throw new IllegalStateException("AES/ECB returned " + done + " bytes instead of " + part);
          }
        }
      } catch (ShortBufferException e) {
        throw new IllegalStateException("AES output buffer too small", e);
      }
      outView.clear();
      outView.get(out, 0, words);
    }
  }
}
