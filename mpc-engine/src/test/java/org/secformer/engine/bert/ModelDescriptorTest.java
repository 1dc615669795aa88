package org.secformer.engine.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secformer.engine.model.ModelFormatException;
import org.secformer.engine.model.ModelStore;
import org.secformer.shares.Share;
import org.secformer.shares.Sharing;
import org.secformer.shares.fxp.FixedPoint;
import org.secformer.shares.ring.RingTensor;

class ModelDescriptorTest {
  @TempDir Path dir;

  @Test
  void shareWritesSharesAndADescriptorThatRoundTrips() throws Exception {
    BertModel m = SafetensorsTest.randomModel(SafetensorsTest.tinyConfig().withAttention(BertConfig.AttentionKind.QUAD2), 4, true);
    Path json = ModelDescriptor.share("tiny-bert", m, 16, dir);
    assertEquals(dir.resolve("tiny-bert").resolve("model.json"), json);
    ModelDescriptor d = ModelDescriptor.read(json);
    assertEquals(ModelDescriptor.of("tiny-bert", m, 16), d);
    assertEquals(BertConfig.AttentionKind.QUAD2, d.attention());
    assertEquals(ModelDescriptor.weightsSha256(m), d.weightsSha256());
    String text = Files.readString(json);
    assertTrue(text.contains("\"layer.1.ffn.in.weight\": [8, 16]"), text);

    FixedPoint fp = new FixedPoint(16);
    RingTensor p0 = new ModelStore(dir, 0).get("tiny-bert").tensor("layer.0.attn.o.weight");
    RingTensor p1 = new ModelStore(dir, 1).get("tiny-bert").tensor("layer.0.attn.o.weight");
    double[] back = fp.decode(Sharing.reconstruct(new Share(0, p0), new Share(1, p1)));
    double[] want = m.tensor("layer.0.attn.o.weight").data();
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], back[i], 1.0 / (1 << 17));
    }
  }

  @Test
  void hashDependsOnEveryValueAndName() {
    BertModel m = SafetensorsTest.randomModel(SafetensorsTest.tinyConfig(), 4, false);
    String h = ModelDescriptor.weightsSha256(m);
    Map<String, Tensor> t = new LinkedHashMap<>(m.tensors());
    Tensor w = t.get("layer.1.ffn.ln.beta").copy();
    w.data()[7] = Math.nextUp(w.data()[7]);
    t.put("layer.1.ffn.ln.beta", w);
    assertNotEquals(h, ModelDescriptor.weightsSha256(new BertModel(m.config(), t)));
    assertEquals(h, ModelDescriptor.weightsSha256(SafetensorsTest.randomModel(SafetensorsTest.tinyConfig(), 4, false)));
  }

  @Test
  void rejectsDescriptorsThatDisagreeWithTheirConfig() {
    BertModel m = SafetensorsTest.randomModel(SafetensorsTest.tinyConfig(), 4, false);
    String ok = ModelDescriptor.of("x", m, 16).toJson();
    assertEquals(ModelDescriptor.of("x", m, 16), ModelDescriptor.parse(ok, "ok"));
    SafetensorsTest.assertContains(assertThrows(ModelFormatException.class,
        () -> ModelDescriptor.parse(ok.replace("[8, 16]", "[8, 17]"), "bad")).getMessage(), "do not match the config");
    SafetensorsTest.assertContains(assertThrows(ModelFormatException.class,
        () -> ModelDescriptor.parse(ok.replace("\"heads\": 2", "\"heads\": 3"), "bad")).getMessage(), "must divide");
    SafetensorsTest.assertContains(assertThrows(ModelFormatException.class,
        () -> ModelDescriptor.parse(ok.replace("\"frac_bits\": 16,", ""), "bad")).getMessage(), "missing \"frac_bits\"");
  }
}
