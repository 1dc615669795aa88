package org.secformer.engine.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ModelRangesTest {
  private static Properties committed() throws IOException {
    Properties p = new Properties();
    try (InputStream in = ModelRanges.class.getResourceAsStream(ModelRanges.MINILM_L6)) {
      p.load(in);
    }
    return p;
  }

  @Test
  void committedMiniLmRangesLoadWithEveryKey() throws IOException {
    ModelRanges r = ModelRanges.miniLmL6();
    assertEquals("all-MiniLM-L6-v2", r.model());
    assertEquals(16, r.fracBits());
    assertEquals(128, r.maxSeqLen());
    assertEquals(1, r.softmaxDenominatorMin());
    assertEquals(r.maxSeqLen(), r.softmaxDenominatorMax());
    assertEquals(ModelRanges.KEYS.length, committed().size());
    assertEquals(r, ModelRanges.of(committed(), "copy"));
    // the GeLU comparison width: (|x| + A) 2^16 < 2^(L-1) and not for L - 1
    int l = r.geluCompareBits();
    double v = (r.geluInputAbsMax() + ModelRanges.GELU_BORDER) * 65536;
    assertTrue(v < Math.scalb(1.0, l - 1) && v >= Math.scalb(1.0, l - 2), "L = " + l);
    double[] rs = r.layerNormRsqrtRange(384);
    assertEquals(384 * (r.layerNormVarianceMin() + 1e-12), rs[0], 1e-15);
  }

  @Test
  void aMissingKeyIsNamed() throws IOException {
    Properties p = committed();
    p.remove("layerNorm.variance.min");
    String msg = assertThrows(IllegalArgumentException.class, () -> ModelRanges.of(p, "test.properties")).getMessage();
    assertEquals("model ranges test.properties: missing key 'layerNorm.variance.min'", msg);
  }

  @Test
  void unknownKeysBadNumbersAndBadIntervalsAreRejected() throws IOException {
    Properties p = committed();
    p.setProperty("gelu.input.absmax", "3");
    SafetensorsTest.assertContains(assertThrows(IllegalArgumentException.class, () -> ModelRanges.of(p, "x"))
        .getMessage(), "model ranges x: unknown key(s) [gelu.input.absmax]");
    Properties q = committed();
    q.setProperty("quad2.rowSum.max", "lots");
    SafetensorsTest.assertContains(assertThrows(IllegalArgumentException.class, () -> ModelRanges.of(q, "x"))
        .getMessage(), "key 'quad2.rowSum.max' is not a number: lots");
    Properties s = committed();
    s.setProperty("pooled.normSq.min", "1000000");
    SafetensorsTest.assertContains(assertThrows(IllegalArgumentException.class, () -> ModelRanges.of(s, "x"))
        .getMessage(), "model ranges x: pooled.normSq range [1000000.0, ");
    Properties e = committed();
    e.setProperty("softmax.expInput.min", "1");
    SafetensorsTest.assertContains(assertThrows(IllegalArgumentException.class, () -> ModelRanges.of(e, "x"))
        .getMessage(), "softmax.expInput.min must be finite and <= 0");
    Properties i = committed();
    i.setProperty("maxSeqLen", "12.5");
    SafetensorsTest.assertContains(assertThrows(IllegalArgumentException.class, () -> ModelRanges.of(i, "x"))
        .getMessage(), "key 'maxSeqLen' is not an integer: 12.5");
  }

  @Test
  void streamsAndMissingResources() throws IOException {
    String text = "model=m\nfracBits=16\n";
    SafetensorsTest.assertContains(assertThrows(IllegalArgumentException.class, () -> ModelRanges.load(
        new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)), "inline")).getMessage(),
        "model ranges inline: missing key 'maxSeqLen'");
    SafetensorsTest.assertContains(assertThrows(IllegalArgumentException.class,
        () -> ModelRanges.load("/no/such.properties")).getMessage(), "/no/such.properties not found on the classpath");
  }

  @Test
  void bitsAndOctaves() {
    assertEquals(18, ModelRanges.signedBits(1, 16)); // 2^16 < 2^16 is false: 2^16 needs 18 signed bits
    assertEquals(17, ModelRanges.signedBits(0.99, 16));
    assertEquals(32, ModelRanges.signedBits(32767.99, 16));
    assertEquals(1, ModelRanges.octaves(1, 2));
    assertEquals(7, ModelRanges.octaves(1, 128));
    assertEquals(8, ModelRanges.octaves(1, 129));
    assertEquals(1, ModelRanges.octaves(3, 3));
  }

  @Test
  void propertiesTextRoundTripsEveryKeyInOrder() throws IOException {
    ModelRanges r = ModelRanges.miniLmL6();
    String text = r.toPropertiesText("written by a test");
    ModelRanges back = ModelRanges.load(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)), "text");
    assertEquals(r, back);
    int last = -1;
    for (String key : ModelRanges.KEYS) {
      int at = text.indexOf("\n" + key + "=");
      assertTrue(at > last, key + " in order");
      last = at;
    }
    ModelRanges odd = new ModelRanges("a=b: c#d!\u00fc\\ e", r.fracBits(), r.maxSeqLen(), r.geluInputAbsMax(),
        r.qkvAbsMax(), r.scoreMin(), r.scoreMax(), r.expInputMin(), r.softmaxDenominatorMin(),
        r.softmaxDenominatorMax(), r.quad2RowSumMin(), r.quad2RowSumMax(), r.layerNormInputAbsMax(),
        r.layerNormVarianceMin(), r.layerNormVarianceMax(), 1.0 / 3, r.hiddenAbsMax(), r.pooledNormSqMin(),
        r.pooledNormSqMax());
    String oddText = odd.toPropertiesText("source \u00e9\nnext line");
    assertEquals(odd, ModelRanges.load(new ByteArrayInputStream(oddText.getBytes(StandardCharsets.ISO_8859_1)), "odd"));
  }
}
