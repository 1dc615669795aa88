package org.secformer.engine.dealer;

import org.secformer.engine.dealer.fss.Dcf;
import org.secformer.engine.dealer.fss.DcfKey;
import org.secformer.shares.prg.Prg;
import org.secformer.shares.ring.RingTensor;

/**
 * Keys for the constant-round secure comparison (DReLU from a DCF; Boyle et al., "Function Secret Sharing
 * for Mixed-Mode and Fixed-Point Secure Computation", Eurocrypt 2021; SIGMA, PoPETs 2024). dims = [n, L]
 * with 2 <= L <= 64: the comparison works on x mod 2^L for |x| < 2^(L-1).
 *
 * <p>Steps at the dealer, per element:
 * <ol>
 *   <li>r = (r_0 + r_1) mod 2^L, where party b expands r_b (uniform mod 2^L) from its own stream: no
 *       traffic; write r = r_m 2^(L-1) + r_l;
 *   <li>arithmetic shares of r_m in Z_2^64: P0 expands its share, P1 gets r_m - (P0's share);
 *   <li>DCF keys for alpha = r_l over the (L-1)-bit domain with payload beta = 1 - 2 r_m, the parties'
 *       root seeds again expanded from their own streams; the correction words are the same in both keys
 *       and are sent to both parties.
 * </ol>
 * Dealer traffic per element: 8 (3 (L-1) + 2) bytes to P0 (the DCF corrections) and 8 more to P1 (its
 * share of r_m); for L = 48, 1144 and 1152 bytes. Both parties need the dealer, which computes once and
 * keeps the other half for the second fetch ({@link DealerJob}).
 *
 * <p>Material (both parties): [r share mod 2^L [n], r_m share [n], DCF root seeds [n, 2], DCF corrections
 * [L-1, 3, n], DCF tail [2, n]]; {@link #key} gives the typed view. Per stream: r_b [n], root [2n], then
 * (P0 only) its r_m share [n].
 */
public final class ComparisonRecipe implements CorrelationRecipe {
  /** One party's comparison material, typed. toString never shows values. */
  public record Key(int bits, RingTensor r, RingTensor rMsb, DcfKey dcf) {
    @Override
    public String toString() {
      return "ComparisonKey[L=" + bits + "]" + r;
    }
  }

  ComparisonRecipe() {}

  @Override
  public RingTensor[][] deal(PartyStreams p0, PartyStreams p1, CorrelationRequest req) {
    int n = req.dim(0), bits = bits(req);
    long mask = mask(bits), lowMask = mask >>> 1;
    RingTensor[] m0 = expand(0, p0, req);
    RingTensor[] m1 = expand(1, p1, req);
    long[] r0 = m0[0].data(), r1 = m1[0].data(), rm0 = m0[2].data();
    long[] alpha = new long[n], beta = new long[n], rm1 = new long[n];
    for (int i = 0; i < n; i++) {
      long r = (r0[i] + r1[i]) & mask;
      long rm = r >>> (bits - 1);
      alpha[i] = r & lowMask;
      beta[i] = 1 - 2 * rm;
      rm1[i] = rm - rm0[i];
    }
    DcfKey[] keys = Dcf.gen(bits - 1, alpha, beta, m0[1].data(), m1[1].data());
    // one pair of tensors over the shared correction arrays: both parties get the same words
    RingTensor cw = RingTensor.of(keys[0].cw(), bits - 1, 3, n);
    RingTensor tail = RingTensor.of(keys[0].tail(), 2, n);
    return new RingTensor[][] {{cw, tail}, {cw, tail, RingTensor.of(rm1, n)}};
  }

  @Override
  public boolean needsDealer(int party) {
    return true;
  }

  @Override
  public RingTensor[] assemble(int party, PartyStreams mine, CorrelationRequest req, RingTensor[] corrections) {
    RingTensor[] own = expand(party, mine, req);
    Recipes.requireCount(corrections, party == 0 ? 2 : 3, req);
    RingTensor rMsb = party == 0 ? own[2] : corrections[2];
    return new RingTensor[] {own[0], rMsb, own[1], corrections[0], corrections[1]};
  }

  /** The typed view of {@code party}'s material for a comparison of L = {@code bits} bits. */
  public static Key key(int party, int bits, RingTensor[] material) {
    if (material.length != 5) {
      throw new IllegalArgumentException("comparison material has 5 tensors, got " + material.length);
    }
    int n = material[0].size();
    DcfKey dcf = new DcfKey(party, bits - 1, n, material[2].data(), material[3].data(), material[4].data());
    return new Key(bits, material[0], material[1], dcf);
  }

  /** Dealer bytes per element sent to {@code party} for a comparison of L bits. */
  public static long dealerBytesPerElement(int party, int bits) {
    return 8 * (DcfKey.correctionWords(bits - 1) + (party == 1 ? 1 : 0));
  }

  /** 2^L - 1, for 2 <= L <= 64. */
  public static long mask(int bits) {
    if (bits < 2 || bits > 64) {
      throw new IllegalArgumentException("comparison bit width L must be in [2, 64], got " + bits);
    }
    return bits == 64 ? -1L : (1L << bits) - 1;
  }

  private static int bits(CorrelationRequest req) {
    int bits = req.dim(1);
    mask(bits);
    return bits;
  }

  private static RingTensor[] expand(int party, PartyStreams s, CorrelationRequest req) {
    int n = req.dim(0);
    long mask = mask(bits(req));
    Prg prg = s.forRequest(req.seq());
    RingTensor r = prg.uniform(n);
    long[] rv = r.data();
    for (int i = 0; i < n; i++) {
      rv[i] &= mask;
    }
    RingTensor root = prg.uniform(n, 2);
    long[] roots = root.data();
    for (int i = 0; i < roots.length; i += 2) {
      roots[i] &= ~1L; // bit 0 of a DCF seed is its control-bit slot
    }
    return party == 0 ? new RingTensor[] {r, root, prg.uniform(n)} : new RingTensor[] {r, root};
  }
}
