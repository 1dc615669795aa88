package org.secformer.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secformer.engine.bert.BertModel;
import org.secformer.engine.bert.ModelDescriptor;
import org.secformer.engine.bert.ModelRanges;
import org.secformer.shares.fxp.FixedPoint;
import org.secformer.shares.ring.RingTensor;

class ModelPublisherTest {
  @TempDir Path dir;

  private final BertModel model = TinyBert.withHead(TinyBert.random(1), 3, 2);

  @Test
  void publishedModelLoadsForBothPartiesAndReconstructsTheEncoding() throws Exception {
    ModelPublisher.Published p = ModelPublisher.publish("tiny", model, 16, ModelRanges.miniLmL6(), dir);
    for (Path f : p.files()) {
      assertTrue(Files.isRegularFile(f), f.toString());
      assertEquals(dir.resolve("tiny"), f.getParent());
    }
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p.p0Shares())));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p.p1Shares())));
    String rangesText = Files.readString(p.ranges());
    for (String key : ModelRanges.KEYS) {
      assertTrue(rangesText.contains("\n" + key + "="), key);
    }

    ModelStore store0 = new ModelStore(dir, 0), store1 = new ModelStore(dir, 1);
    SharedModel m0 = store0.model("tiny"), m1 = store1.model("tiny");
    assertSame(m0, store0.model("tiny"), "cached");
    assertEquals(0, m0.party());
    assertEquals(1, m1.party());
    assertEquals(ModelDescriptor.of("tiny", model, 16), m0.descriptor());
    assertEquals(m0.descriptor(), m1.descriptor());
    assertEquals(ModelRanges.miniLmL6(), m0.ranges());
    assertEquals(3, m1.descriptor().config().numLabels());

    Map<String, RingTensor> encoded = model.encode(new FixedPoint(16));
    assertEquals(encoded.keySet(), m0.shares().entries().keySet());
    for (Map.Entry<String, RingTensor> e : encoded.entrySet()) {
      RingTensor sum = m0.shares().tensor(e.getKey()).add(m1.shares().tensor(e.getKey()));
      assertEquals(e.getValue(), sum, e.getKey());
    }
  }

  @Test
  void refusesRangesOfOtherFracBitsAndAnAlreadySharedFolder() throws Exception {
    IllegalArgumentException bits = assertThrows(IllegalArgumentException.class,
        () -> ModelPublisher.publish("tiny", model, 12, ModelRanges.miniLmL6(), dir));
    assertTrue(bits.getMessage().contains("16 fractional bits, not 12"), bits.getMessage());
    assertTrue(!Files.exists(dir.resolve("tiny")), "nothing written");

    ModelPublisher.publish("tiny", model, 16, ModelRanges.miniLmL6(), dir);
    IllegalArgumentException again = assertThrows(IllegalArgumentException.class,
        () -> ModelPublisher.publish("tiny", model, 16, ModelRanges.miniLmL6(), dir));
    assertTrue(again.getMessage().contains("already holds shares"), again.getMessage());
  }
}
