package org.secformer.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.secformer.engine.bert.BertConfig;
import org.secformer.engine.bert.BertModel;

/** The whole-model bench on a small random BERT: rounds do not grow with the batch, outputs match plaintext. */
class BertBenchTest {
  @Test
  void aBatchOfFourTakesTheRoundsOfOneAndMatchesPlaintext() {
    BertConfig cfg = new BertConfig(2, 64, 4, 128, 2000, 64, 2, 1e-12, BertConfig.Activation.GELU,
        BertConfig.AttentionKind.SOFTMAX, BertConfig.Pooling.CLS, false, 2);
    BertModel model = org.secformer.engine.bench.RandomBert.of(cfg, 3);
    BertBench.Case one = BertBench.runCase("tiny", model, 1, 16, 3);
    BertBench.Case four = BertBench.runCase("tiny", model, 4, 16, 3);
    System.out.print(BertBench.markdown(java.util.List.of(one, four)));
    assertEquals(one.steady()[0].rounds(), four.steady()[0].rounds(), "rounds independent of the batch size");
    assertEquals(one.steady()[0].rounds(), one.steady()[1].rounds(), "both parties take the same rounds");
    assertTrue(four.first()[0].bytesSent() > four.steady()[0].bytesSent(), "the first batch opens the weight masks");
    assertTrue(four.maxDiff() < 1e-2, "max logit difference " + four.maxDiff());
  }
}
