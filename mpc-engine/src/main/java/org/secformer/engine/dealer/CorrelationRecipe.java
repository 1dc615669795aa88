package org.secformer.engine.dealer;

import org.secformer.shares.ring.RingTensor;

/**
 * The maths of one kind of correlation, for both sides of the seed trick (as SPU's TrustedParty core):
 * the dealer computes corrections from both parties' streams, and a party assembles its material from its
 * own stream plus the corrections meant for it. Pure functions, no I/O, so the in-process dealer of tests
 * and the dealer server run the same code.
 */
public interface CorrelationRecipe {
  /** The corrections for party 0 and party 1 (either may be empty). */
  RingTensor[][] deal(PartyStreams p0, PartyStreams p1, CorrelationRequest request);

  /** Whether {@code party} must ask the dealer for this correlation at all. */
  boolean needsDealer(int party);

  /**
   * The material of {@code party}: its locally expanded tensors combined with the dealer's corrections
   * (empty when {@link #needsDealer} is false). The order of the result is documented per recipe.
   */
  RingTensor[] assemble(int party, PartyStreams mine, CorrelationRequest request, RingTensor[] corrections);
}
