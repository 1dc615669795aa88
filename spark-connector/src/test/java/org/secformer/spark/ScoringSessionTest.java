package org.secformer.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The executor-side scoring core against real engines over TLS, and the settings' precedence. */
class ScoringSessionTest {
  private static final List<String> TEXTS = Arrays.asList(
      "Free entry!!! Win a brand new car by texting WIN now.", null, "", "Please reset my password.",
      "You have won a prize, claim now", "See you at the game tonight",
      "word ".repeat(200), "Meeting moved to Tuesday at 10am, same room.");

  @Test
  void scoresEveryRowOnceInOrderWithNullsAndTruncation() {
    TestEngines engines = TestEngines.get();
    SecformerConf conf = engines.conf(3, 32);
    List<Scored> out;
    SessionReport report;
    try (ScoringSession s = ScoringSession.open(conf)) {
      out = s.score(TEXTS);
      report = s.finish();
    }
    assertEquals(TEXTS.size(), out.size());
    for (int i = 0; i < TEXTS.size(); i++) {
      if (TEXTS.get(i) == null) {
        assertNull(out.get(i), "null in, null out");
        continue;
      }
      double[] want = engines.plainLogits(TEXTS.get(i), 32);
      for (int k = 0; k < 2; k++) {
        assertEquals(want[k], out.get(i).output()[k], 2e-2, "text " + i + " logit " + k);
      }
      assertEquals(engines.plainLabel(TEXTS.get(i), 32), out.get(i).label(), "text " + i);
      assertEquals(i == 6, out.get(i).truncated(), "text " + i + " truncation flag");
    }
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (Scored x : out) {
      if (x != null) {
        seen.add(x.label());
      }
    }
    assertEquals(java.util.Set.of("ham", "spam"), seen, "both labels occur, so the label checks can fail");
    assertEquals(TEXTS.size(), report.rows());
    assertEquals(1, report.nullRows());
    assertEquals(1, report.truncatedRows());
    assertTrue(report.batches() >= 2, "length groups make several batches: " + report.batches());
    assertTrue(report.bytesSentP0() > 0 && report.rounds() > 0 && report.dealerBytesP1() > 0, report.toString());
  }

  @Test
  void overlongTextsGiveNullUnderTheNullPolicy() {
    TestEngines engines = TestEngines.get();
    Map<String, String> opts = new java.util.HashMap<>(engines.options(4, 16));
    opts.put(SecformerConf.OVERLONG, "null");
    try (ScoringSession s = ScoringSession.open(SecformerConf.resolve(opts, Map.of()))) {
      List<Scored> out = s.score(new ArrayList<>(List.of("short text", "word ".repeat(40))));
      assertEquals("short text".isEmpty(), out.get(0) == null);
      assertNull(out.get(1));
    }
  }

  @Test
  void optionsOverrideSessionConfWhichOverridesTheConfFileWhichOverridesDefaults() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("secformer", ".properties");
    java.nio.file.Files.writeString(file, "spark.secformer.batch.size=5\nspark.secformer.max.seq.len=48\n"
        + "spark.secformer.retries=7\nspark.secformer.engine.conf=engine.properties\n");
    Map<String, String> session = Map.of("spark.secformer.conf.file", file.toString(),
        "spark.secformer.max.seq.len", "40", "spark.secformer.retries", "3", "spark.app.name", "x");
    SecformerConf c = SecformerConf.resolve(Map.of("Retries", "1"), session);
    assertEquals(5, c.batchSize(), "conf file over default");
    assertEquals(40, c.maxSeqLen(), "session over conf file");
    assertEquals(1, c.retries(), "option over session (option names are case-insensitive)");
    assertEquals(file.getParent().resolve("engine.properties").toString(), c.engineConf(), "relative to the file");
    assertEquals("minilm-spam", c.modelId(), "default");
    IllegalArgumentException typo = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> SecformerConf.resolve(Map.of("batchsize", "3"), Map.of()));
    assertTrue(typo.getMessage().contains("batchsize"), typo.getMessage());
    IllegalArgumentException bad = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> SecformerConf.resolve(Map.of(), Map.of("spark.secformer.batch.size", "many")));
    assertTrue(bad.getMessage().contains("spark.secformer.batch.size"), bad.getMessage());
  }
}
