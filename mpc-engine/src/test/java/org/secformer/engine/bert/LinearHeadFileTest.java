package org.secformer.engine.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secformer.engine.model.ModelFormatException;

class LinearHeadFileTest {
  @TempDir Path dir;

  private final BertModel encoder = SafetensorsTest.randomModel(SafetensorsTest.tinyConfig().withNumLabels(0), 5, true);

  /** A head of {@code rows} x 2 with weights r.c (row, column) and biases -1, 1. */
  static String head(int rows, String extra) {
    StringBuilder w = new StringBuilder();
    for (int r = 0; r < rows; r++) {
      w.append(r == 0 ? "" : ", ").append("[").append(r).append(".5, -").append(r).append(".25]");
    }
    return "{\"format\": \"secformer-linear-head/1\", \"labels\": [\"ham\", \"spam\"], \"pooling\": \"mean\","
        + " \"normalization\": \"l2\", \"b\": [-1, 1], \"W\": [" + w + "]" + extra + "}";
  }

  private static String refused(String json) {
    return assertThrows(ModelFormatException.class,
        () -> LinearHeadFile.parse(json.getBytes(StandardCharsets.UTF_8), "head.json")).getMessage();
  }

  @Test
  void readsAHeadAndAttachesItAsTheClassifier() throws Exception {
    Path file = dir.resolve("head.json");
    Files.writeString(file, head(8, ", \"dim\": 8, \"training\": {\"notes\": [1, 2]}"));
    LinearHeadFile h = LinearHeadFile.read(file);
    assertEquals(List.of("ham", "spam"), h.labels());
    BertModel m = h.attachTo(encoder);
    assertEquals(2, m.config().numLabels());
    assertEquals(3.5, m.tensor(BertNames.CLASSIFIER_WEIGHT).data()[3 * 2]);
    assertEquals(-3.25, m.tensor(BertNames.CLASSIFIER_WEIGHT).data()[3 * 2 + 1]);
    assertEquals(1.0, m.tensor(BertNames.CLASSIFIER_BIAS).data()[1]);
    assertEquals(encoder.tensor(BertNames.WORD), m.tensor(BertNames.WORD));
  }

  @Test
  void refusesMalformedHeads() {
    SafetensorsTest.assertContains(refused(head(8, "").replace("linear-head/1", "linear-head/2")),
        "format is \"secformer-linear-head/2\"");
    SafetensorsTest.assertContains(refused(head(8, ", \"dim\": 9")), "\"dim\" is 9 but \"W\" has 8 rows");
    SafetensorsTest.assertContains(refused(head(8, "").replace("[-1, 1]", "[-1, 1, 2]")), "\"b\" has 3 entries for 2 labels");
    SafetensorsTest.assertContains(refused(head(8, "").replace("[3.5, -3.25]", "[3.5]")), "\"W\" row 3");
    SafetensorsTest.assertContains(refused(head(8, "").replace("3.5", "\"x\"")), "W[3][0] is not a finite number");
    SafetensorsTest.assertContains(refused(head(8, "").replace("3.5", "1e999")), "W[3][0] is not a finite number");
    SafetensorsTest.assertContains(refused(head(8, ", \"b\": [0, 0]")), "Duplicate field 'b'");
    SafetensorsTest.assertContains(refused(head(8, "").replace("\"l2\"", "\"l1\"")), "\"normalization\" must be");
    SafetensorsTest.assertContains(refused(head(8, "").substring(5)), "head.json: not valid JSON");
    SafetensorsTest.assertContains(refused(head(8, "").replace("\"spam\"", "\"ham\"")), "distinct");
  }

  @Test
  void refusesAHeadOfAnotherWidthPoolingOrNormalisation() {
    Path source = Path.of("h.json");
    LinearHeadFile narrow = LinearHeadFile.parse(head(7, "").getBytes(StandardCharsets.UTF_8), source.toString());
    SafetensorsTest.assertContains(assertThrows(ModelFormatException.class, () -> narrow.attachTo(encoder)).getMessage(),
        "h.json: classifier head has 7 inputs but the model's hidden size is 8");
    LinearHeadFile cls = LinearHeadFile.parse(head(8, "").replace("\"mean\"", "\"cls\"").getBytes(StandardCharsets.UTF_8), "c.json");
    SafetensorsTest.assertContains(assertThrows(ModelFormatException.class, () -> cls.attachTo(encoder)).getMessage(),
        "c.json: classifier head expects cls-pooled, L2-normalised embeddings but the model produces mean-pooled");
    LinearHeadFile raw = LinearHeadFile.parse(head(8, "").replace("\"l2\"", "\"none\"").getBytes(StandardCharsets.UTF_8), "r.json");
    SafetensorsTest.assertContains(assertThrows(ModelFormatException.class, () -> raw.attachTo(encoder)).getMessage(),
        "unnormalised");
  }
}
