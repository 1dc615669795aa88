package org.secformer.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secformer.spark.TestEngines;

/**
 * ScoreTable as a user runs it: spark-submit of the application jar (jobs-VERSION-spark.jar) to a standalone
 * master with one worker, the executors in the worker's child JVMs scoring against real engines
 * (TestEngines' tiny classifier over mutual TLS). The output has one row per input row with the plaintext
 * model's label, and a rerun for the same date leaves the same rows.
 */
class ScoreTableSubmitIT {
  private static final int MAX_LEN = 32;
  private static final String DATE = "2026-04-01";

  @TempDir
  static Path dir;
  private static TestEngines engines;
  private static StandaloneCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    engines = TestEngines.get();
    cluster = StandaloneCluster.start(dir.resolve("spark"),
        StandaloneCluster.requiredFile("secformer.spark.dist.classpath"), 2);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void sparkSubmitScoresEveryRowOnceAndARerunKeepsTheSameRows() throws Exception {
    Path input = ScoreTableTest.csvInput(dir.resolve("notes"), ScoreTableTest.NOTES);
    Path out = dir.resolve("scores");
    List<String> confs = List.of("spark.secformer.engine.conf=" + engines.engineConf,
        "spark.secformer.model.id=" + TestEngines.MODEL_ID, "spark.secformer.batch.size=3",
        "spark.secformer.max.seq.len=" + MAX_LEN);
    List<String> args = List.of("--input", input.toString(), "--format", "csv", "--id-column", "id",
        "--text-column", "text", "--output", out.toString(), "--date", DATE);
    Path appJar = StandaloneCluster.requiredFile("secformer.app.jar");

    for (int run = 1; run <= 2; run++) {
      int n = run;
      StandaloneCluster.Submitted s = cluster.submit(ScoreTable.class.getName(), confs, appJar, args, Duration.ofMinutes(3));
      assertEquals(0, s.exitCode(), () -> "run " + n + ":\n" + s.output() + "\nexecutors:\n" + executorLogs());
      assertTrue(s.output().contains("ScoreTable: wrote 7 rows to " + out + "/date=" + DATE), s.output());
      assertTrue(s.output().contains("rows:    7, 1 with a null score"), s.output());
    }

    SparkSession spark = SparkSession.builder().master("local[1]").appName("ScoreTableSubmitIT-check")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
    try {
      List<Row> rows = spark.read().parquet(out.resolve("date=" + DATE).toString()).collectAsList();
      assertEquals(ScoreTableTest.NOTES.size(), rows.size(), "rows after the rerun = input rows");
      Map<String, String> labels = new HashMap<>();
      for (Row r : rows) {
        assertNull(labels.put(r.getString(0), r.isNullAt(1) ? "null" : r.getString(1)), "duplicate id " + r.getString(0));
      }
      ScoreTableTest.NOTES.forEach((id, note) -> assertEquals(note == null ? "null" : engines.plainLabel(note, MAX_LEN),
          labels.get(id), id));
      assertEquals(1, spark.read().parquet(out.toString()).select("date").distinct().count(), "one date partition");
    } finally {
      spark.stop();
    }
  }

  private static String executorLogs() {
    try {
      return cluster.executorLogs();
    } catch (java.io.IOException e) {
      return "(cannot read executor logs: " + e.getMessage() + ")";
    }
  }
}
