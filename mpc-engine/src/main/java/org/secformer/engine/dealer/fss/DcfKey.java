package org.secformer.engine.dealer.fss;

/**
 * One party's keys of a batch of {@code n} distributed comparison functions (DCF) over a {@code bits}-bit
 * domain with payloads in Z_2^64, as made by {@link Dcf#gen} and evaluated by {@link Dcf#eval}.
 *
 * <p>The arrays are stored structure-of-arrays, level-major, so that {@link Dcf#eval} streams through
 * them one tree level at a time for all elements (batched AES), and so that they travel as plain
 * {@code long} tensors from the dealer without re-encoding:
 * <ul>
 *   <li>{@code root} [n, 2]: this party's root seed per element, (low, high) 64-bit words, bit 0 of the
 *       low word zero (it is the control-bit slot, see {@link Dcf}). Party-specific; expanded from the
 *       party's own PRG stream in the comparison recipe, so it is never sent.
 *   <li>{@code cw} [bits, 3, n]: per level i and element j, {@code cw[(3 i) n + j]} = low word of the seed
 *       correction with the left control-bit correction t^L_CW in bit 0, {@code cw[(3 i + 1) n + j]} = high
 *       word of the seed correction, {@code cw[(3 i + 2) n + j]} = the value correction V_CW in Z_2^64.
 *       Identical in both parties' keys.
 *   <li>{@code tail} [2, n]: {@code tail[j]} = the right control-bit corrections t^R_CW of all levels
 *       packed (bit i = level i; hence at most 64 levels), {@code tail[n + j]} = the final correction
 *       CW^(n+1) in Z_2^64. Identical in both parties' keys.
 * </ul>
 * Size per element and party: 16 bytes of root seed (local) plus 8 (3 bits + 2) bytes of public
 * correction words, i.e. (3 bits + 2) 64-bit words from the dealer. toString never shows key material.
 *
 * @param party 0 or 1 (sets the initial control bit and the output sign)
 * @param bits domain size in bits: inputs are in [0, 2^bits)
 * @param n number of DCF instances in the batch
 */
public record DcfKey(int party, int bits, int n, long[] root, long[] cw, long[] tail) {
  public DcfKey {
    if (party != 0 && party != 1) {
      throw new IllegalArgumentException("DCF keys are for party 0 or 1, got " + party);
    }
    Dcf.checkBits(bits);
    if (n < 0
        || root.length != 2L * n
        || cw.length != 3L * bits * n
        || tail.length != 2L * n) {
      throw new IllegalArgumentException(
          "DCF key arrays do not match " + n + " instances of " + bits + " bits: root " + root.length
              + ", cw " + cw.length + ", tail " + tail.length);
    }
  }

  /** Number of 64-bit words the dealer sends per instance: the public corrections only. */
  public static long correctionWords(int bits) {
    return 3L * bits + 2;
  }

  @Override
  public String toString() {
    return "DcfKey[party=" + party + ", bits=" + bits + ", n=" + n + "]";
  }
}
