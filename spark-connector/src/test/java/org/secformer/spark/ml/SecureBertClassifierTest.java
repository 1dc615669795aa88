package org.secformer.spark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secformer.spark.Scored;
import org.secformer.spark.SecformerConf;
import org.secformer.spark.SessionReport;
import org.secformer.spark.TestEngines;

/** The ML transformer on a local[2] session against real engines: labels, nulls, metrics, errors, save/load. */
class SecureBertClassifierTest {
  private static final int MAX_LEN = 32;
  private static final List<String> TEXTS = Arrays.asList(
      "Free entry!!! Win a brand new car by texting WIN now.",
      null,
      "",
      "Please reset my password.",
      "Quarterly revenue grew 12.5% to $4.2 billion, beating analyst estimates.",
      "word ".repeat(60),
      "Meeting moved to Tuesday at 10am, same room.",
      "URGENT: your account is suspended, click here to claim your prize",
      "Can you send me the slides from yesterday?",
      "Congratulations, you have been selected for a free cruise!");

  private static SparkSession spark;
  private static TestEngines engines;
  private static Dataset<Row> texts;

  @BeforeAll
  static void start() {
    engines = TestEngines.get();
    spark = SparkSession.builder()
        .master("local[2]")
        .appName("SecureBertClassifierTest")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", InetAddress.getLoopbackAddress().getHostAddress())
        .getOrCreate();
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < TEXTS.size(); i++) {
      rows.add(RowFactory.create(i, TEXTS.get(i)));
    }
    StructType schema = new StructType().add("id", DataTypes.IntegerType, false).add("text", DataTypes.StringType, true);
    texts = spark.createDataFrame(JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, 2), schema);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static SecureBertClassifier classifier() {
    Map<String, String> opts = new HashMap<>();
    opts.put(SecformerConf.ENGINE_CONF, engines.engineConf.toString());
    opts.put(SecformerConf.RETRY_BACKOFF_MS, "100");
    return new SecureBertClassifier().setModelId(TestEngines.MODEL_ID).setBatchSize(3).setMaxSequenceLength(MAX_LEN)
        .setOptions(opts);
  }

  /** id -> label (null for a null struct), checking each id comes back exactly once. */
  private static Map<Integer, String> labelsById(Dataset<Row> scored, String col) {
    List<Row> rows = scored.select("id", col + ".label").collectAsList();
    Map<Integer, String> out = new HashMap<>();
    for (Row r : rows) {
      assertNull(out.put(r.getInt(0), r.getString(1)), "id " + r.getInt(0) + " came back twice");
    }
    assertEquals(TEXTS.size(), rows.size(), "one output row per input row");
    return out;
  }

  private static List<Integer> ids(List<Row> rows) {
    return rows.stream().map(r -> r.getInt(0)).collect(Collectors.toList());
  }

  @Test
  void scoresEveryRowOnceWithThePlaintextLabelAndCountsMetrics() {
    assertEquals(2, texts.javaRDD().getNumPartitions());
    SecureBertClassifier c = classifier();
    Dataset<Row> scored = c.transform(texts);
    assertEquals(Arrays.asList("id", "text", "prediction"), Arrays.asList(scored.columns()));
    List<Row> rows = scored.collectAsList(); // one action: the metrics count every evaluation
    assertEquals(ids(texts.collectAsList()), ids(rows), "every id once, rows keep their partitions and their order");
    for (Row r : rows) {
      int id = r.getInt(0);
      String text = TEXTS.get(id);
      assertEquals(text, r.getString(1), "input columns kept");
      Row p = r.getStruct(2);
      if (text == null) {
        assertNull(p, "null text, null prediction");
        continue;
      }
      assertEquals(engines.plainLabel(text, MAX_LEN), p.getString(0), "text " + id);
      List<Double> scores = p.getList(2);
      assertEquals(2, scores.size(), "one probability per label (ham, spam)");
      assertEquals(1.0, scores.get(0) + scores.get(1), 1e-9);
      assertEquals(Math.max(scores.get(0), scores.get(1)), p.getDouble(1), 1e-12, "probability of the label");
      assertEquals(p.getString(0).equals("spam") ? scores.get(1) : scores.get(0), p.getDouble(1), 1e-12);
    }
    SessionReport m = c.lastMetrics().report();
    assertEquals(TEXTS.size(), m.rows(), m.toString());
    assertEquals(1, m.nullRows(), m.toString());
    assertEquals(1, m.truncatedRows(), "the 60-word text is cut to " + MAX_LEN + " tokens: " + m);
    assertTrue(m.batches() >= 2 && m.batches() < m.rows(), "texts are batched: " + m);
    assertEquals(0, m.retries(), m.toString());
    assertTrue(m.rounds() > 0 && m.bytesSentP0() > 0 && m.bytesSentP1() > 0, m.toString());
    assertTrue(m.dealerBytesP0() > 0 && m.dealerBytesP1() > 0, m.toString());
  }

  @Test
  void badColumnsAndSettingsGiveClearErrors() {
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> classifier().setInputCol("body").transform(texts));
    assertTrue(missing.getMessage().contains("'body' does not exist") && missing.getMessage().contains("id, text"),
        missing.getMessage());
    IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
        () -> classifier().setInputCol("id").transform(texts));
    assertTrue(type.getMessage().contains("'id' must be of type string, but is int"), type.getMessage());
    IllegalArgumentException exists = assertThrows(IllegalArgumentException.class,
        () -> classifier().setOutputCol("text").transform(texts));
    assertTrue(exists.getMessage().contains("output column 'text' already exists"), exists.getMessage());
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> classifier().setOption("overlength", "null").transform(texts));
    assertTrue(unknown.getMessage().contains("overlength"), unknown.getMessage());
    IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
        () -> classifier().setOption("batch.size", "4").transform(texts));
    assertTrue(twice.getMessage().contains("batch.size") && twice.getMessage().contains("batchSize"), twice.getMessage());
    assertThrows(IllegalArgumentException.class, () -> classifier().setBatchSize(0));
  }

  @Test
  void stageSettingsTakePrecedenceOverTheSessionConf() {
    // transform resolves the settings on the driver, so a bad session value fails there, before any action
    spark.conf().set(SecformerConf.PREFIX + SecformerConf.OVERLONG, "drop");
    try {
      IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> classifier().transform(texts));
      assertTrue(bad.getMessage().contains("spark.secformer.overlong"), bad.getMessage());
      assertNotNull(classifier().setOption(SecformerConf.OVERLONG, "null").transform(texts), "the option wins");
    } finally {
      spark.conf().unset(SecformerConf.PREFIX + SecformerConf.OVERLONG);
    }
  }

  @Test
  void anEmbeddingModelsVectorGoesToScoresWithoutLabel() {
    Row p = Prediction.of(new Scored(new double[] {0.6, 0.8}, null, Double.NaN, false));
    assertNull(p.get(0));
    assertNull(p.get(1));
    assertArrayEquals(new double[] {0.6, 0.8}, (double[]) p.get(2));
    Row c = Prediction.of(new Scored(new double[] {0.0, Math.log(3)}, "spam", 0.75, false));
    assertEquals("spam", c.getString(0));
    assertArrayEquals(new double[] {0.25, 0.75}, (double[]) c.get(2), 1e-12);
    assertNull(Prediction.of(null));
  }

  @Test
  void stageAndPipelineModelSaveAndLoadWithTheirParams(@TempDir Path dir) throws Exception {
    SecureBertClassifier c = classifier().setOutputCol("spam").setOption(SecformerConf.OVERLONG, "truncate");
    String stagePath = dir.resolve("stage").toString();
    c.write().overwrite().save(stagePath);
    SecureBertClassifier loaded = SecureBertClassifier.load(stagePath);
    assertEquals(c.uid(), loaded.uid());
    assertEquals("text", loaded.getInputCol());
    assertEquals("spam", loaded.getOutputCol());
    assertEquals(TestEngines.MODEL_ID, loaded.getModelId());
    assertEquals(3, loaded.getBatchSize());
    assertEquals(MAX_LEN, loaded.getMaxSequenceLength());
    assertEquals(c.getOptions(), loaded.getOptions());

    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {c});
    String pipelinePath = dir.resolve("pipeline").toString();
    pipeline.write().overwrite().save(pipelinePath);
    SecureBertClassifier fromPipeline = (SecureBertClassifier) Pipeline.load(pipelinePath).getStages()[0];
    assertEquals(c.getOptions(), fromPipeline.getOptions());

    PipelineModel model = pipeline.fit(texts);
    String modelPath = dir.resolve("model").toString();
    model.write().overwrite().save(modelPath);
    PipelineModel reloaded = PipelineModel.load(modelPath);
    SecureBertClassifier stage = (SecureBertClassifier) reloaded.stages()[0];
    assertEquals(3, stage.getBatchSize());
    assertEquals(c.getOptions(), stage.getOptions());

    // the plaintext reference stands for the saved stage's labels (the first test checks those against it)
    Map<Integer, String> after = labelsById(reloaded.transform(texts), "spam");
    for (int i = 0; i < TEXTS.size(); i++) {
      String want = TEXTS.get(i) == null ? null : engines.plainLabel(TEXTS.get(i), MAX_LEN);
      assertEquals(want, after.get(i), "text " + i);
    }
    assertNotNull(stage.lastMetrics());
    assertEquals(TEXTS.size(), stage.lastMetrics().report().rows());
  }

  @Test
  void copyKeepsParamsAndTakesExtras() {
    SecureBertClassifier c = classifier();
    SecureBertClassifier copy = c.copy(new org.apache.spark.ml.param.ParamMap().put(c.outputCol().w("out")));
    assertEquals(c.uid(), copy.uid());
    assertEquals("out", copy.getOutputCol());
    assertEquals("prediction", c.getOutputCol());
    assertArrayEquals(c.getOptions().keySet().toArray(), copy.getOptions().keySet().toArray());
    assertEquals(Arrays.asList("id", "text", "out"),
        Arrays.stream(copy.transformSchema(texts.schema()).fieldNames()).collect(Collectors.toList()));
  }
}
