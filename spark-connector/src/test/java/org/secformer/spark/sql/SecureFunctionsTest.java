package org.secformer.spark.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.secformer.spark.SecformerConf;
import org.secformer.spark.SessionReport;
import org.secformer.spark.TestEngines;

/** secure_classify / secure_embed through Spark SQL against real engines, settings from the session conf. */
class SecureFunctionsTest {
  private static final int MAX_SEQ_LEN = 32;
  private static final List<String> NOTES = Arrays.asList(
      "Free entry!!! Win a brand new car by texting WIN now.", null, "", "Please reset my password.",
      "Quarterly revenue grew 12.5% to $4.2 billion, beating analyst estimates.", "word ".repeat(200),
      "Meeting moved to Tuesday at 10am, same room.", "URGENT: your account is suspended, click here to verify",
      "Lunch tomorrow?", "Congratulations, you have been selected for a $1000 gift card",
      "The quarterly report is attached.", "Call me back when you can.");

  private static TestEngines engines;
  private static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    engines = TestEngines.get();
    SparkSession.Builder builder = SparkSession.builder().master("local[2]").appName("secure-functions-test")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", InetAddress.getLoopbackAddress().getHostAddress())
        .config("spark.sql.extensions", SecformerExtensions.class.getName());
    engines.options(8, MAX_SEQ_LEN).forEach((k, v) -> builder.config(SecformerConf.PREFIX + k, v));
    spark = builder.getOrCreate();
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < NOTES.size(); i++) {
      rows.add(RowFactory.create(i, NOTES.get(i)));
    }
    StructType schema = new StructType().add("id", DataTypes.IntegerType, false).add("note", DataTypes.StringType, true);
    spark.createDataFrame(rows, schema).repartition(2).createOrReplaceTempView("notes");
  }

  @AfterAll
  static void stopSpark() {
    if (spark != null) {
      spark.stop();
    }
  }

  @Test
  void classifiesEveryRowOnceLikeThePlaintextModelInBatches() {
    SessionReport before = SecformerMetrics.total(spark);
    var query = spark.sql("SELECT id, secure_classify(note) AS c FROM notes");
    assertTrue(query.queryExecution().executedPlan().toString().contains("SecureScore"),
        query.queryExecution().executedPlan().toString());
    Map<Integer, Row> byId = byId(query.collectAsList());
    SessionReport after = SecformerMetrics.total(spark);

    for (int id = 0; id < NOTES.size(); id++) {
      Row c = byId.get(id).getStruct(1);
      if (NOTES.get(id) == null) {
        assertNull(c, "null note, null result");
        continue;
      }
      assertNotNull(c, "note " + id);
      assertEquals(engines.plainLabel(NOTES.get(id), MAX_SEQ_LEN), c.getString(0), "label of note " + id);
      List<Double> scores = c.getList(2);
      double[] want = plainProbabilities(NOTES.get(id));
      assertEquals(want.length, scores.size(), "one probability per label");
      for (int k = 0; k < want.length; k++) {
        assertEquals(want[k], scores.get(k), 5e-3, "note " + id + " probability of label " + k);
      }
      assertEquals(Math.max(scores.get(0), scores.get(1)), c.getDouble(1), 1e-12, "probability of the label");
    }
    long rows = after.rows() - before.rows();
    long batches = after.batches() - before.batches();
    assertEquals(NOTES.size(), rows, "every row scored once");
    assertEquals(1, after.nullRows() - before.nullRows());
    assertEquals(1, after.truncatedRows() - before.truncatedRows());
    // one job per partition sends each length group's texts together: 2 partitions x 2 length groups here,
    // against one batch per non-null text had they been scored row by row
    assertTrue(batches >= 1 && batches < rows / 2, "rows are scored in batches: " + batches + " batches for " + rows + " rows");
    assertTrue(after.bytesSentP0() > before.bytesSentP0() && after.rounds() > before.rounds(), after.toString());
  }

  @Test
  void embedGivesTheModelOutputVector() {
    Map<Integer, Row> byId = byId(spark.sql("SELECT id, secure_embed(note) AS e FROM notes").collectAsList());
    for (int id = 0; id < NOTES.size(); id++) {
      if (NOTES.get(id) == null) {
        assertNull(byId.get(id).get(1));
        continue;
      }
      List<Float> e = byId.get(id).getList(1);
      double[] want = engines.plainLogits(NOTES.get(id), MAX_SEQ_LEN);
      assertEquals(want.length, e.size(), "width of note " + id);
      for (int k = 0; k < want.length; k++) {
        assertEquals(want[k], e.get(k), 2e-2, "note " + id + " output " + k);
      }
    }
  }

  @Test
  void worksInWhereClausesNestedAndUnderLimit() {
    // the threshold sits in the widest gap between the plaintext probabilities, far from every note's
    List<double[]> byProbability = new ArrayList<>();
    for (int id = 0; id < NOTES.size(); id++) {
      if (NOTES.get(id) != null) {
        byProbability.add(new double[] {Arrays.stream(plainProbabilities(NOTES.get(id))).max().orElseThrow(), id});
      }
    }
    byProbability.sort((a, b) -> Double.compare(a[0], b[0]));
    int gapAt = 1;
    for (int i = 1; i < byProbability.size(); i++) {
      if (byProbability.get(i)[0] - byProbability.get(i - 1)[0] > byProbability.get(gapAt)[0] - byProbability.get(gapAt - 1)[0]) {
        gapAt = i;
      }
    }
    double threshold = (byProbability.get(gapAt)[0] + byProbability.get(gapAt - 1)[0]) / 2;
    assertTrue(byProbability.get(gapAt)[0] - threshold > 5e-3, "a clear gap in " + byProbability.size() + " probabilities");
    Set<Integer> above = new TreeSet<>();
    byProbability.subList(gapAt, byProbability.size()).forEach(p -> above.add((int) p[1]));

    Set<Integer> got = new TreeSet<>();
    for (Row r : spark.sql("SELECT id FROM notes WHERE secure_classify(note).probability > " + threshold).collectAsList()) {
      got.add(r.getInt(0));
    }
    assertEquals(above, got, "threshold " + threshold);
    List<Row> limited = spark.sql("SELECT id, size(secure_embed(note)) AS n FROM notes WHERE note IS NOT NULL LIMIT 3")
        .collectAsList();
    assertEquals(3, limited.size());
    limited.forEach(r -> assertEquals(2, r.getInt(1)));
  }

  @Test
  void aNonStringArgumentFailsAnalysis() {
    AnalysisException e = assertThrows(AnalysisException.class, () -> spark.sql("SELECT secure_classify(id) FROM notes"));
    assertTrue(e.getMessage().contains("secure_classify expects a STRING column, got INT"), e.getMessage());
    AnalysisException two = assertThrows(AnalysisException.class,
        () -> spark.sql("SELECT secure_embed(note, note) FROM notes"));
    assertTrue(two.getMessage().contains("secure_embed takes one STRING argument, got 2"), two.getMessage());
    String usage = spark.sql("DESCRIBE FUNCTION secure_embed").collectAsList().toString();
    assertTrue(usage.contains("Usage: secure_embed(text)"), usage);
  }

  @Test
  void anUnknownSettingIsNamed() {
    spark.conf().set("spark.secformer.batchsize", "3");
    try {
      Exception e = assertThrows(Exception.class, () -> spark.sql("SELECT secure_embed(note) FROM notes").collect());
      assertTrue(messages(e).contains("unknown session conf key 'spark.secformer.batchsize'"), messages(e));
    } finally {
      spark.conf().unset("spark.secformer.batchsize");
    }
  }

  private static double[] plainProbabilities(String text) {
    double[] z = engines.plainLogits(text, MAX_SEQ_LEN);
    double max = Arrays.stream(z).max().orElseThrow();
    double[] p = Arrays.stream(z).map(v -> Math.exp(v - max)).toArray();
    double sum = Arrays.stream(p).sum();
    return Arrays.stream(p).map(v -> v / sum).toArray();
  }

  private static Map<Integer, Row> byId(List<Row> rows) {
    Map<Integer, Row> byId = new HashMap<>();
    for (Row r : rows) {
      assertNull(byId.put(r.getInt(0), r), "id " + r.getInt(0) + " once");
    }
    assertEquals(NOTES.size(), byId.size(), "every id");
    return byId;
  }

  private static String messages(Throwable t) {
    StringBuilder s = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      s.append(c.getClass().getSimpleName()).append(": ").append(c.getMessage()).append('\n');
    }
    return s.toString();
  }
}
