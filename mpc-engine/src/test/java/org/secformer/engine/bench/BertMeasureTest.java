package org.secformer.engine.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.secformer.engine.bert.BertConfig;
import org.secformer.engine.bert.BertInput;
import org.secformer.engine.bert.BertModel;
import org.secformer.engine.bert.ModelRanges;
import org.secformer.engine.comm.CommStats.PhaseFigures;
import org.secformer.engine.comm.Phase;
import org.secformer.engine.model.TinyBert;
import org.secformer.shares.fxp.FixedPoint;

/** The per-phase breakdown of a secure forward pass adds up to the totals and names the right protocols. */
class BertMeasureTest {
  private static BertInput input(int batch, int seq, int vocab) {
    SplittableRandom rnd = new SplittableRandom(batch);
    int[][] ids = new int[batch][seq];
    for (int[] row : ids) {
      for (int t = 0; t < seq; t++) {
        row[t] = 1 + rnd.nextInt(vocab - 1);
      }
    }
    return new BertInput(ids, null, null);
  }

  @Test
  void phasesAddUpToTheTotalsOfEachParty() {
    for (BertConfig.AttentionKind kind : BertConfig.AttentionKind.values()) {
      BertModel base = TinyBert.random(4);
      BertModel model = TinyBert.withHead(base.withConfig(base.config().withAttention(kind)), 2, 5);
      BertMeasure.Result r = BertMeasure.run(model, input(2, 8, model.config().vocab()), ModelRanges.miniLmL6(),
          FixedPoint.defaults(), org.secformer.engine.job.InProcessParties.Transport.IN_MEMORY);
      for (BertMeasure.PartyFigures p : r.first()) {
        Map<Phase, PhaseFigures> ph = p.phases();
        assertEquals(p.rounds(), ph.values().stream().mapToLong(PhaseFigures::rounds).sum(), kind + " rounds");
        assertEquals(p.bytesSent(), ph.values().stream().mapToLong(PhaseFigures::bytesSent).sum(), kind + " bytes");
        assertEquals(p.dealerBytes(), ph.values().stream().mapToLong(PhaseFigures::dealerBytes).sum(), kind + " dealer");
        assertEquals(p.dealerBytes(), p.dealerByKind().values().stream().mapToLong(Long::longValue).sum());
        double seconds = ph.values().stream().mapToDouble(PhaseFigures::seconds).sum();
        assertTrue(seconds <= p.seconds() * 1.05 + 0.01, kind + " phase time " + seconds + " within " + p.seconds());
        Phase attention = kind == BertConfig.AttentionKind.QUAD2 ? Phase.QUAD2 : Phase.SOFTMAX;
        for (Phase must : new Phase[] {Phase.WEIGHT_MASKS, Phase.EMBEDDING, Phase.MATMUL, Phase.ATTENTION_MATMUL,
            attention, Phase.LAYER_NORM, Phase.GELU, Phase.HEAD}) {
          assertTrue(ph.containsKey(must) && ph.get(must).rounds() > 0, kind + ": no rounds charged to " + must);
        }
        assertTrue(ph.get(Phase.GELU).dealerBytes() > 0, "GeLU takes comparison keys from the dealer");
      }
      assertTrue(!r.steady()[0].phases().containsKey(Phase.WEIGHT_MASKS)
          || r.steady()[0].phases().get(Phase.WEIGHT_MASKS).rounds() == 0, "masks are opened once per job");
      assertTrue(r.maxAbsDiff() < 2e-2, kind + " max logit difference " + r.maxAbsDiff());
    }
  }
}
