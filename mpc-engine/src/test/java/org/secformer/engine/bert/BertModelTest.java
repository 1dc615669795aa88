package org.secformer.engine.bert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.secformer.engine.model.ModelFormatException;
import org.secformer.shares.fxp.FixedPoint;
import org.secformer.shares.ring.RingTensor;

class BertModelTest {
  @Test
  void expectedShapesCoverBertBase() {
    Map<String, int[]> s = BertModel.expectedShapes(BertConfig.bertBase());
    assertEquals(5 + 12 * 16, s.size());
    long params = s.values().stream().mapToLong(Tensor::size).sum();
    assertEquals(109_482_240L - 768 * 768 - 768, params); // bert-base-uncased without its pooler
    assertArrayEquals(new int[] {768, 3072}, s.get("layer.11.ffn.in.weight"));
    assertArrayEquals(new int[] {3072, 768}, s.get("layer.11.ffn.out.weight"));
  }

  @Test
  void validationNamesTensorExpectedAndActualShape() {
    BertConfig c = SafetensorsTest.tinyConfig();
    Map<String, Tensor> t = new LinkedHashMap<>(SafetensorsTest.randomModel(c, 1, false).tensors());
    t.remove("layer.0.attn.k.bias");
    t.put("layer.1.ffn.in.weight", Tensor.zeros(16, 8));
    t.put("layer.7.attn.q.weight", Tensor.zeros(8, 8));
    String msg = assertThrows(ModelFormatException.class, () -> new BertModel(c, t)).getMessage();
    SafetensorsTest.assertContains(msg, "missing tensor 'layer.0.attn.k.bias' (expected shape [8])");
    SafetensorsTest.assertContains(msg, "tensor 'layer.1.ffn.in.weight' has shape [16, 8], expected [8, 16]");
    SafetensorsTest.assertContains(msg, "unexpected tensor 'layer.7.attn.q.weight' [8, 8]");

    Map<String, Tensor> noHead = new LinkedHashMap<>(SafetensorsTest.randomModel(c.withNumLabels(0), 1, false).tensors());
    noHead.put("classifier.weight", Tensor.zeros(8, 3));
    SafetensorsTest.assertContains(assertThrows(ModelFormatException.class,
        () -> new BertModel(c.withNumLabels(0), noHead)).getMessage(), "(config has numLabels = 0)");
  }

  @Test
  void configChecksItsArguments() {
    assertThrows(IllegalArgumentException.class, () -> new BertConfig(2, 10, 3, 16, 24, 16, 2, 1e-12,
        BertConfig.Activation.GELU, BertConfig.AttentionKind.SOFTMAX, BertConfig.Pooling.MEAN, true, 0));
    assertThrows(IllegalArgumentException.class, () -> BertConfig.miniLmL6().withNumLabels(-1));
    assertEquals(32, BertConfig.miniLmL6().headDim());
  }

  @Test
  void huggingFaceNamesMapBothWays() {
    for (String name : BertModel.expectedShapes(SafetensorsTest.tinyConfig()).keySet()) {
      String hf = BertNames.toHuggingFace(name);
      BertNames.Mapped m = BertNames.fromHuggingFace(hf);
      assertEquals(name, m.canonical(), hf);
      assertEquals(BertNames.isMatrix(name), m.linearWeight(), hf);
      assertEquals(name, BertNames.fromHuggingFace(hf.replaceFirst("^bert\\.", "")).canonical());
    }
    assertEquals("layer.3.attn.ln.gamma",
        BertNames.fromHuggingFace("encoder.layer.3.attention.output.LayerNorm.gamma").canonical());
    assertNull(BertNames.fromHuggingFace("bert.pooler.dense.weight"));
    assertNull(BertNames.fromHuggingFace("bert.embeddings.position_ids"));
  }

  @Test
  void fixedPointEncodingKeepsNamesAndShapes() {
    BertModel m = SafetensorsTest.randomModel(SafetensorsTest.tinyConfig(), 2, false);
    FixedPoint fp = FixedPoint.defaults();
    Map<String, RingTensor> enc = m.encode(fp);
    assertEquals(m.tensors().keySet(), enc.keySet());
    Tensor w = m.tensor("layer.1.attn.v.weight");
    RingTensor r = enc.get("layer.1.attn.v.weight");
    assertArrayEquals(w.shape(), r.shape());
    for (int i = 0; i < w.size(); i++) {
      assertEquals(w.data()[i], fp.decode(r.get(i)), 1.0 / (1 << 17));
    }
    assertTrue(m.withoutClassifier().parameterCount() < m.parameterCount());
  }
}
