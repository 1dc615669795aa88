package org.secformer.spark.source;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secformer.spark.TestEngines;

/**
 * End to end through {@code format("secformer")} against real engines: a write stores each party's shares
 * of the logits, a read reconstructs them (every id exactly once, labels equal to the plaintext model's),
 * one party's shares alone are not the logits, overwrite leaves one copy, a failed task attempt that
 * already wrote part of its output is retried without duplicating rows.
 */
class SecformerSourceTest {
  static final int MAX_LEN = 32;
  static final List<String> NOTES = Arrays.asList(
      "Free entry!!! Win a brand new car by texting WIN now.", "Please reset my password.",
      "Meeting moved to Tuesday at 10am, same room.", null, "URGENT: your account is suspended, click here",
      "Lunch tomorrow?", "Quarterly revenue grew 12.5% to $4.2 billion.", "Congratulations, you won a prize",
      "The build is green again.", "Call me when you land.");
  static final int NULL_ID = 3;

  static SparkSession spark;
  static TestEngines engines;
  @TempDir static Path tmp;

  @BeforeAll
  static void start() {
    engines = TestEngines.get();
    // local[2,2]: two threads, and a failed task is tried twice (plain local[2] never retries a task)
    spark = SparkSession.builder().master("local[2,2]").appName("SecformerSourceTest")
        .config("spark.driver.host", InetAddress.getLoopbackAddress().getHostAddress())
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  /** ids 0..9 (LONG) in two partitions of five, notes as above. */
  static Dataset<Row> notes() {
    Column[] texts = NOTES.stream().map(t -> t == null ? lit(null).cast("string") : lit(t)).toArray(Column[]::new);
    return spark.range(0, NOTES.size(), 1, 2).withColumn("note", element_at(array(texts), col("id").plus(1).cast("int")));
  }

  static DataFrameWriter<Row> writer(Dataset<Row> df, Path dir, int batchSize) {
    return df.write().format("secformer").option("path", dir.toString()).options(engines.options(batchSize, MAX_LEN))
        .option("text.column", "note").option("id.column", "id");
  }

  @Test
  void writesPartySharesThatReconstructToThePlaintextLabelsOverwriteKeepsOneCopy() throws Exception {
    Path dir = tmp.resolve("scored");
    writer(notes(), dir, 4).mode("overwrite").save();
    assertTrue(Files.exists(dir.resolve("_SUCCESS")));
    assertFalse(Files.exists(dir.resolve("_temporary")), "temporary files are gone after job commit");
    assertEquals(2, arrowFiles(dir, 0));
    assertEquals(2, arrowFiles(dir, 1));
    Map<Long, Row> byId = assertReconstructsEveryIdOnce(dir);

    JsonNode manifest = new ObjectMapper().readTree(dir.resolve("_secformer.json").toFile());
    assertEquals(TestEngines.MODEL_ID, manifest.get("modelId").asText());
    assertEquals("[\"ham\",\"spam\"]", manifest.get("labels").toString());
    assertEquals(10, manifest.get("rows").asLong());
    assertEquals(1, manifest.get("nullRows").asLong());
    assertEquals(2, manifest.get("width").asInt());
    assertEquals(16, manifest.get("fracBits").asInt());

    // one party's shares alone: every row there, none of them anywhere near the logits
    List<Row> share0 = spark.read().format("secformer").option("party", "0").load(dir.toString()).collectAsList();
    assertEquals(10, share0.size());
    for (Row r : share0) {
      if (r.getLong(0) == NULL_ID) {
        assertTrue(r.isNullAt(1));
        continue;
      }
      List<Long> share = r.getList(1);
      List<Double> logits = byId.get(r.getLong(0)).getList(3);
      for (int k = 0; k < 2; k++) {
        assertTrue(Math.abs(share.get(k) / 65536.0 - logits.get(k)) > 1, "party 0's share alone is the logit");
      }
    }

    writer(notes(), dir, 4).mode("overwrite").save();
    assertEquals(2, arrowFiles(dir, 0), "overwrite replaced the earlier files");
    assertReconstructsEveryIdOnce(dir);

    Exception exists = assertThrows(Exception.class, () -> writer(notes(), dir, 4).mode("errorifexists").save());
    assertTrue(messages(exists).contains("already exists"), messages(exists));
  }

  @Test
  void errorIfExistsWritesAFreshFolderAndNullTextsReadBackAsNullRows() {
    Path dir = tmp.resolve("fresh");
    Dataset<Row> allNull = spark.range(100, 102, 1, 1).withColumn("note", lit(null).cast("string"));
    writer(allNull, dir, 4).save(); // the default mode, errorifexists
    List<Row> rows = spark.read().format("secformer").load(dir.toString()).orderBy("id").collectAsList();
    assertEquals(2, rows.size());
    assertEquals(100L, rows.get(0).getLong(0));
    assertTrue(rows.get(0).isNullAt(1) && rows.get(0).isNullAt(3));
    assertEquals(0, arrowFiles(dir, 0), "no output, no share file");
  }

  @Test
  void aRetriedTaskThatHadWrittenPartOfItsOutputLeavesNoDuplicates() throws Exception {
    Path dir = tmp.resolve("retried");
    Dataset<Row> failing = notes().mapPartitions((MapPartitionsFunction<Row, Row>) FailFirstAttempt::new,
        Encoders.row(notes().schema()));
    // batch.size 1: four rows per scoring call, so the first attempt writes shares before it fails on row 5
    writer(failing, dir, 1).mode("overwrite").save();
    assertFalse(Files.exists(dir.resolve("_temporary")));
    assertEquals(2, arrowFiles(dir, 0));
    assertReconstructsEveryIdOnce(dir);
  }

  @Test
  void badColumnsAndModesGiveErrorsNamingThem() {
    Path dir = tmp.resolve("bad");
    Dataset<Row> stringIds = notes().withColumn("id", col("id").cast("string"));
    Exception e = assertThrows(Exception.class, () -> writer(stringIds, dir, 4).mode("overwrite").save());
    assertTrue(messages(e).contains("id column 'id'") && messages(e).contains("LONG or INT"), messages(e));

    e = assertThrows(Exception.class,
        () -> writer(notes(), dir, 4).option("text.column", "body").mode("overwrite").save());
    assertTrue(messages(e).contains("column 'body'") && messages(e).contains("text.column"), messages(e));

    Dataset<Row> nullId = spark.range(0, 2, 1, 1).withColumn("id", lit(null).cast("long")).withColumn("note", lit("hi"));
    e = assertThrows(Exception.class, () -> writer(nullId, dir, 4).mode("overwrite").save());
    assertTrue(messages(e).contains("id column 'id'") && messages(e).contains("is null"), messages(e));

    e = assertThrows(Exception.class, () -> writer(notes(), dir, 4).mode("append").save());
    assertTrue(messages(e).contains("does not append"), messages(e));

    e = assertThrows(Exception.class, () -> spark.read().format("secformer").load(dir.toString()).collectAsList());
    assertTrue(messages(e).contains("no committed secformer output"), messages(e));
  }

  /** Reads {@code dir} back and checks ids 0..9 once each, labels and logits against the plaintext model. */
  static Map<Long, Row> assertReconstructsEveryIdOnce(Path dir) {
    List<Row> rows = spark.read().format("secformer").load(dir.toString()).collectAsList();
    assertEquals(NOTES.size(), rows.size(), "one row per written row");
    Map<Long, Row> byId = new java.util.TreeMap<>();
    for (Row r : rows) {
      assertNull(byId.put(r.getLong(0), r), "id " + r.getLong(0) + " read twice");
    }
    for (long id = 0; id < NOTES.size(); id++) {
      Row r = byId.get(id);
      assertTrue(r != null, "id " + id + " missing");
      String text = NOTES.get((int) id);
      if (text == null) {
        assertTrue(r.isNullAt(1) && r.isNullAt(2) && r.isNullAt(3), "null note, null output: " + r);
        continue;
      }
      assertEquals(engines.plainLabel(text, MAX_LEN), r.getString(1), "label of id " + id);
      double[] want = engines.plainLogits(text, MAX_LEN);
      List<Double> got = r.getList(3);
      for (int k = 0; k < 2; k++) {
        assertEquals(want[k], got.get(k), 2e-2, "id " + id + " logit " + k);
      }
      assertTrue(r.getDouble(2) >= 0.5 && r.getDouble(2) <= 1, "probability of the predicted label " + r);
    }
    return byId;
  }

  static long arrowFiles(Path dir, int party) {
    Path folder = dir.resolve("p" + party);
    if (!Files.isDirectory(folder)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".arrow")).count();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static String messages(Throwable e) {
    List<String> all = new ArrayList<>();
    for (Throwable t = e; t != null; t = t.getCause()) {
      all.add(String.valueOf(t.getMessage()));
    }
    return String.join(" <- ", all);
  }

  /** Fails the first attempt of partition 0 when asked for its fifth row. */
  static final class FailFirstAttempt implements Iterator<Row> {
    private final Iterator<Row> rows;
    private int served;

    FailFirstAttempt(Iterator<Row> rows) {
      this.rows = rows;
    }

    @Override
    public boolean hasNext() {
      return rows.hasNext();
    }

    @Override
    public Row next() {
      TaskContext task = TaskContext.get();
      if (++served == 5 && task.partitionId() == 0 && task.attemptNumber() == 0) {
        throw new IllegalStateException("injected failure of the first attempt of partition 0");
      }
      return rows.next();
    }
  }
}
