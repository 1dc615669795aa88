package org.secformer.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secformer.spark.TestEngines;

/**
 * ScoreTable in a local[2] session against real engines (TestEngines' tiny classifier): every input row once
 * in its date partition with the plaintext model's label, a rerun replacing that date only, logits mode,
 * and the argument checks.
 */
class ScoreTableTest {
  private static final int MAX_LEN = 32;
  /** id -> note; one null note, one long enough to be truncated, texts split over two CSV files. */
  static final Map<String, String> NOTES = new LinkedHashMap<>();

  static {
    NOTES.put("n1", "Free entry!!! Win a brand new car, text WIN now.");
    NOTES.put("n2", "Please reset my password before Monday.");
    NOTES.put("n3", null);
    NOTES.put("n4", "Quarterly revenue grew 12.5% to $4.2 billion, beating estimates.");
    NOTES.put("n5", "Meeting moved to Tuesday at 10am, same room.");
    NOTES.put("n6", "cheap meds " + "buy now ".repeat(30));
    NOTES.put("n7", "Your parcel is waiting: confirm your address at the link.");
  }

  @TempDir
  static Path dir;
  private static SparkSession spark;
  private static TestEngines engines;

  @BeforeAll
  static void start() {
    engines = TestEngines.get();
    spark = SparkSession.builder().master("local[2]").appName("ScoreTableTest")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        // what spark-submit --conf gives the job
        .config("spark.secformer.engine.conf", engines.engineConf.toString())
        .config("spark.secformer.model.id", TestEngines.MODEL_ID)
        .config("spark.secformer.batch.size", "3")
        .config("spark.secformer.max.seq.len", Integer.toString(MAX_LEN))
        .config("spark.secformer.retry.backoff.ms", "100")
        .getOrCreate();
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  @Test
  void scoresEveryRowOnceIntoItsDatePartitionWithThePlaintextLabels() throws IOException {
    Path input = csvInput(dir.resolve("labels-in"), NOTES);
    Path out = dir.resolve("labels-out");
    ScoringSummary summary = ScoreTable.run(spark, args(input, "csv", out, "2026-01-31"));

    List<Row> rows = spark.read().parquet(out.resolve("date=2026-01-31").toString()).collectAsList();
    assertEquals(List.of("id", "label", "probability"),
        Arrays.asList(spark.read().parquet(out.resolve("date=2026-01-31").toString()).columns()));
    Map<String, Row> byId = byId(rows);
    assertEquals(NOTES.keySet(), byId.keySet(), "every id once");
    assertEquals(NOTES.size(), rows.size(), "no row lost or duplicated");
    for (Map.Entry<String, String> note : NOTES.entrySet()) {
      Row r = byId.get(note.getKey());
      if (note.getValue() == null) {
        assertTrue(r.isNullAt(1) && r.isNullAt(2), "null note, null scores");
        continue;
      }
      assertEquals(engines.plainLabel(note.getValue(), MAX_LEN), r.getString(1), note.getKey());
      assertTrue(r.getDouble(2) >= 0.5 && r.getDouble(2) <= 1, "probability of the chosen label " + r.getDouble(2));
    }
    assertEquals(NOTES.size(), summary.rows());
    assertEquals(1, summary.sessions().nullRows());
    assertEquals(1, summary.sessions().truncatedRows());
    assertEquals(NOTES.size(), summary.sessions().rows(), "one report per partition, summed");
    assertTrue(summary.sessions().batches() >= 2 && summary.sessions().bytesSentP0() > 0
        && summary.sessions().dealerBytesP1() > 0, summary.text());
    assertTrue(summary.text().contains("rows:    7, 1 with a null score"), summary.text());
  }

  @Test
  void aRerunReplacesItsDateOnlyAndLeavesOtherDatesAlone() throws IOException {
    Path out = dir.resolve("rerun-out");
    Path three = jsonInput(dir.resolve("rerun-three.json"), "n1", "n2", "n3");
    Path twoParquet = dir.resolve("rerun-two.parquet");
    spark.read().json(jsonInput(dir.resolve("rerun-two.json"), "n4", "n5").toString()).coalesce(1).write()
        .parquet(twoParquet.toString());
    ScoreTable.run(spark, args(three, "json", out, "2026-02-01"));
    ScoreTable.run(spark, args(three, "json", out, "2026-02-02"));
    Path otherDate = out.resolve("date=2026-02-01");
    Map<String, Long> otherFiles = files(otherDate);

    ScoringSummary rerun = ScoreTable.run(spark, args(twoParquet, "parquet", out, "2026-02-02"));

    assertEquals(2, rerun.rows(), "the rerun's rows replace the earlier 3, nothing appended");
    assertEquals(Set.of("n4", "n5"), byId(spark.read().parquet(out.resolve("date=2026-02-02").toString())
        .collectAsList()).keySet());
    assertEquals(otherFiles, files(otherDate), "the other date's files are untouched");
    List<Row> dates = spark.read().parquet(out.toString()).groupBy("date").count().orderBy("date").collectAsList();
    assertEquals("[[2026-02-01,3], [2026-02-02,2]]", dates.toString());
    try (Stream<Path> leftovers = Files.list(out)) {
      assertEquals(List.of("date=2026-02-01", "date=2026-02-02"),
          leftovers.map(p -> p.getFileName().toString()).sorted().toList(), "no staging folder left behind");
    }
  }

  @Test
  void anEmptyInputGivesAnEmptyPartition() throws IOException {
    Path input = csvInput(dir.resolve("empty-in"), Map.of());
    Path out = dir.resolve("empty-out");
    ScoringSummary summary = ScoreTable.run(spark, args(input, "csv", out, "2026-05-01"));
    assertEquals(0, summary.rows());
    assertEquals(List.of("id", "label", "probability"),
        Arrays.asList(spark.read().parquet(out.resolve("date=2026-05-01").toString()).columns()));
  }

  @Test
  void logitsModeAddsTheLogitsOfTheSecureModel() throws IOException {
    Path input = dir.resolve("logits-in.json");
    List<String> lines = new ArrayList<>();
    for (String id : List.of("n1", "n2", "n4", "n7")) {
      lines.add("{\"msg\": \"" + id + "\", \"body\": \"" + NOTES.get(id) + "\"}");
    }
    Files.write(input, lines);
    Path out = dir.resolve("logits-out");
    ScoreTable.run(spark, ScoreTableArgs.parse("--input", input.toString(), "--format", "json", "--id-column", "msg",
        "--text-column", "body", "--output", out.toString(), "--date", "2026-03-01", "--mode", "logits"));
    List<Row> rows = spark.read().parquet(out.resolve("date=2026-03-01").toString()).collectAsList();
    assertEquals(lines.size(), rows.size());
    for (Row r : rows) {
      String note = NOTES.get(r.getString(0));
      double[] want = engines.plainLogits(note, MAX_LEN);
      List<Double> got = r.getList(3);
      assertEquals(2, got.size());
      for (int k = 0; k < 2; k++) {
        assertEquals(want[k], got.get(k), 2e-2, r.getString(0) + " logit " + k);
      }
      assertEquals(got.get(1) > got.get(0) ? "spam" : "ham", r.getString(1));
    }
  }

  @Test
  void badInputIsRefusedWithAMessageNamingIt() throws IOException {
    Path input = csvInput(dir.resolve("bad-in"), Map.of("a", "hello"));
    Path out = dir.resolve("bad-out");
    IllegalArgumentException column = assertThrows(IllegalArgumentException.class, () -> ScoreTable.run(spark,
        ScoreTableArgs.parse("--input", input.toString(), "--format", "csv", "--id-column", "id", "--text-column",
            "note", "--output", out.toString(), "--date", "2026-01-01")));
    assertEquals("--text-column 'note' is not a column of the input; its columns are id, text", column.getMessage());
    assertFalse(Files.exists(out), "nothing written");

    Path numbers = dir.resolve("numbers.json");
    Files.writeString(numbers, "{\"id\": 1, \"text\": 42}\n");
    IllegalArgumentException type = assertThrows(IllegalArgumentException.class, () -> ScoreTable.run(spark,
        args(numbers, "json", out, "2026-01-01")));
    assertTrue(type.getMessage().contains("--text-column 'text' has type bigint"), type.getMessage());

    spark.conf().set("spark.secformer.batchsize", "3");
    try {
      IllegalArgumentException typo = assertThrows(IllegalArgumentException.class,
          () -> ScoreTable.run(spark, args(input, "csv", out, "2026-01-01")));
      assertTrue(typo.getMessage().startsWith("unknown session conf key 'spark.secformer.batchsize'"), typo.getMessage());
    } finally {
      spark.conf().unset("spark.secformer.batchsize");
    }
    spark.conf().set("spark.secformer.engine.conf", dir.resolve("missing.properties").toString());
    try {
      Exception failed = assertThrows(Exception.class, () -> ScoreTable.run(spark, args(input, "csv", out, "2026-01-01")));
      String said = Failures.describe(failed);
      assertTrue(said.contains("caused by IllegalArgumentException: spark.secformer.engine.conf names ")
          && said.endsWith("missing.properties, which does not exist"), said);
    } finally {
      spark.conf().set("spark.secformer.engine.conf", engines.engineConf.toString());
    }
    assertFalse(Files.exists(out.resolve("date=2026-01-01")), "a failed run leaves no partition");

    assertMessage("--date must be a calendar date YYYY-MM-DD; got '2026-02-30'",
        "--input", "x", "--format", "csv", "--id-column", "id", "--text-column", "t", "--output", "o", "--date", "2026-02-30");
    assertMessage("--format must be one of parquet, csv, json; got 'xml'",
        "--input", "x", "--format", "xml", "--id-column", "id", "--text-column", "t", "--output", "o", "--date", "2026-01-01");
    assertMessage("missing --output", "--input", "x", "--format", "csv", "--id-column", "id", "--text-column", "t",
        "--date", "2026-01-01");
    assertMessage("unknown argument '--text'", "--text", "t");
    assertMessage("--mode must be labels or logits; got 'probs'", "--input", "x", "--format", "csv", "--id-column", "id",
        "--text-column", "t", "--output", "o", "--date", "2026-01-01", "--mode", "probs");
  }

  private static void assertMessage(String start, String... argv) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScoreTableArgs.parse(argv));
    assertTrue(e.getMessage().startsWith(start), e.getMessage());
  }

  static ScoreTableArgs args(Path input, String format, Path out, String date) {
    return ScoreTableArgs.parse("--input", input.toString(), "--format", format, "--id-column", "id", "--text-column",
        "text", "--output", out.toString(), "--date", date);
  }

  /** The notes as two CSV files (two input partitions) with a header {@code id,text}; a null note is an empty field. */
  static Path csvInput(Path folder, Map<String, String> notes) throws IOException {
    Files.createDirectories(folder);
    List<String> ids = new ArrayList<>(notes.keySet());
    int half = (ids.size() + 1) / 2;
    for (int part = 0; part < 2; part++) {
      StringBuilder csv = new StringBuilder("id,text\n");
      for (String id : ids.subList(part == 0 ? 0 : half, part == 0 ? half : ids.size())) {
        String note = notes.get(id);
        csv.append(id).append(',').append(note == null ? "" : "\"" + note.replace("\"", "\"\"") + "\"").append('\n');
      }
      Files.writeString(folder.resolve("part-" + part + ".csv"), csv);
    }
    return folder;
  }

  /** Notes as JSON lines {"id": ..., "text": ...} in one file (one input partition). */
  static Path jsonInput(Path file, String... ids) throws IOException {
    List<String> lines = new ArrayList<>();
    for (String id : ids) {
      String note = NOTES.get(id);
      lines.add("{\"id\": \"" + id + "\", \"text\": " + (note == null ? "null" : "\"" + note + "\"") + "}");
    }
    return Files.write(file, lines);
  }

  private static Map<String, Row> byId(List<Row> rows) {
    Map<String, Row> m = new HashMap<>();
    for (Row r : rows) {
      assertNull(m.put(r.getString(0), r), "duplicate id " + r.getString(0));
    }
    return m;
  }

  private static Map<String, Long> files(Path folder) throws IOException {
    Map<String, Long> m = new TreeMap<>();
    try (Stream<Path> s = Files.list(folder)) {
      for (Path p : s.toList()) {
        m.put(p.getFileName().toString(), Files.getLastModifiedTime(p).toMillis());
      }
    }
    return m;
  }
}
