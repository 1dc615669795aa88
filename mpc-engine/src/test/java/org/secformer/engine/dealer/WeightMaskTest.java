package org.secformer.engine.dealer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;
import org.secformer.shares.ring.RingTensor;

/**
 * The security argument of masked weights (see MaskedWeight) rests on B being fresh per job and never
 * shared between two weights: W - B is then a one-time pad opened once. These checks pin that down.
 */
class WeightMaskTest {
  private static RingTensor mask(DealerJob job, String weight) {
    RingTensor b0 = new PartyStreams(job.seedFor(0)).forWeight(weight).uniform(8, 8);
    RingTensor b1 = new PartyStreams(job.seedFor(1)).forWeight(weight).uniform(8, 8);
    return b0.add(b1);
  }

  @Test
  void aWeightKeepsItsMaskWithinAJobSoItIsOpenedOnce() {
    DealerJob job = new DealerJob("j");
    assertEquals(mask(job, "layer.0.attn.q.weight"), mask(job, "layer.0.attn.q.weight"));
  }

  @Test
  void twoWeightsNeverShareAMask() {
    DealerJob job = new DealerJob("j");
    // W - B and W' - B opened together would reveal W - W'
    assertNotEquals(mask(job, "layer.0.attn.q.weight"), mask(job, "layer.0.attn.k.weight"));
    assertNotEquals(PartyStreams.weightStreamId("a"), PartyStreams.weightStreamId("b"));
  }

  @Test
  void everyJobDrawsFreshMasks() {
    assertNotEquals(mask(new DealerJob("j1"), "w"), mask(new DealerJob("j2"), "w"));
  }

  @Test
  void weightStreamsNeverCollideWithCorrelationStreams() {
    long id = PartyStreams.weightStreamId("w");
    assertEquals(PartyStreams.WEIGHT_STREAM_BIT, id & PartyStreams.WEIGHT_STREAM_BIT);
    // correlation sequence numbers are below 2^62 (CorrelationRequest refuses larger ones)
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> new CorrelationRequest(PartyStreams.WEIGHT_STREAM_BIT, CorrelationKind.MUL_TRIPLE, new int[] {1}, ""));
  }
}
