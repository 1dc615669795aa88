package org.secformer.engine.dealer;

import org.secformer.shares.ring.RingTensor;

/**
 * The common shape of the seeded correlations: party 0 draws all of its material from its stream;
 * party 1 draws the uniformly random parts and receives the derived parts (products, shifts, sines) as
 * corrections from the dealer, appended after its own in the material's documented order.
 */
abstract class CorrectedForPartyOne implements CorrelationRecipe {
  /** Party 0's whole material, or party 1's self-drawn part, from {@code s}. */
  abstract RingTensor[] expand(int party, PartyStreams s, CorrelationRequest req);

  /** How many tensors the dealer sends to party 1. */
  abstract int corrections();

  @Override
  public final boolean needsDealer(int party) {
    return party == 1;
  }

  @Override
  public final RingTensor[] assemble(int party, PartyStreams mine, CorrelationRequest req, RingTensor[] corrections) {
    RingTensor[] own = expand(party, mine, req);
    if (party == 0) {
      return own;
    }
    Recipes.requireCount(corrections, corrections(), req);
    RingTensor[] all = new RingTensor[own.length + corrections.length];
    System.arraycopy(own, 0, all, 0, own.length);
    System.arraycopy(corrections, 0, all, own.length, corrections.length);
    return all;
  }
}
