package org.secformer.spark.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.write.BatchWrite;
import org.apache.spark.sql.connector.write.DataWriter;
import org.apache.spark.sql.connector.write.DataWriterFactory;
import org.apache.spark.sql.connector.write.LogicalWriteInfo;
import org.apache.spark.sql.connector.write.SupportsTruncate;
import org.apache.spark.sql.connector.write.WriterCommitMessage;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secformer.spark.TestEngines;

/**
 * The write protocol driven directly, as Spark would with a speculative copy: two attempts of partition 0
 * both commit, the job commit publishes one of them, and every id is read back exactly once. Also the
 * task metrics a writer reports to the UI once its input has ended.
 */
class JobCommitTest {
  static final int MAX_LEN = 32;
  static final StructType SCHEMA = new StructType().add("id", DataTypes.LongType).add("note", DataTypes.StringType);

  static SparkSession spark;
  static TestEngines engines;
  @TempDir static Path tmp;

  @BeforeAll
  static void start() {
    engines = TestEngines.get();
    spark = SparkSession.builder().master("local[2]").appName("JobCommitTest")
        .config("spark.driver.host", InetAddress.getLoopbackAddress().getHostAddress())
        .config("spark.ui.enabled", "false").getOrCreate();
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  @Test
  void twoCommittedAttemptsOfOnePartitionPublishOneFileAndEveryIdOnce() throws Exception {
    Path dir = tmp.resolve("out");
    Map<String, String> options = new HashMap<>(engines.options(4, MAX_LEN));
    options.put("path", dir.toString());
    options.put("text.column", "note");
    SecformerTable table = (SecformerTable) new SecformerSource().getTable(null, new Transform[0], options);
    LogicalWriteInfo info = new LogicalWriteInfo() {
      @Override
      public CaseInsensitiveStringMap options() {
        return new CaseInsensitiveStringMap(options);
      }

      @Override
      public String queryId() {
        return "speculation";
      }

      @Override
      public StructType schema() {
        return SCHEMA;
      }
    };
    BatchWrite job = ((SupportsTruncate) table.newWriteBuilder(info)).truncate().build().toBatch();
    DataWriterFactory factory = job.createBatchWriterFactory(() -> 2);

    DataWriter<InternalRow> first = factory.createWriter(0, 10);
    WriterCommitMessage a = run(first, List.of(row(0, "Win a free cruise now!!!"), row(1, "See you at noon.")));
    Map<String, Long> metrics = new TreeMap<>();
    for (CustomTaskMetric m : first.currentMetricsValues()) {
      metrics.put(m.name(), m.value());
    }
    WriterCommitMessage speculative =
        run(factory.createWriter(0, 11), List.of(row(0, "Win a free cruise now!!!"), row(1, "See you at noon.")));
    WriterCommitMessage c = run(factory.createWriter(1, 12), List.of(row(2, "Invoice attached."), row(3, null)));
    job.commit(new WriterCommitMessage[] {a, c, speculative});

    assertEquals(2L, metrics.get(SecformerMetrics.ROWS));
    assertTrue(metrics.get(SecformerMetrics.BATCHES) >= 1, metrics.toString());
    assertTrue(metrics.get(SecformerMetrics.BYTES_SENT_P0) > 0 && metrics.get(SecformerMetrics.BYTES_SENT_P1) > 0
        && metrics.get(SecformerMetrics.ROUNDS) > 0 && metrics.get(SecformerMetrics.DEALER_BYTES) > 0, metrics.toString());

    assertFalse(Files.exists(dir.resolve("_temporary")), "the losing attempt's files are gone too");
    assertEquals(2, SecformerSourceTest.arrowFiles(dir, 0));
    assertEquals(2, SecformerSourceTest.arrowFiles(dir, 1));
    List<Row> rows = spark.read().format("secformer").load(dir.toString()).collectAsList();
    assertEquals(4, rows.size(), rows.toString());
    Map<Long, Row> byId = new TreeMap<>();
    for (Row r : rows) {
      assertNull(byId.put(r.getLong(0), r), "id " + r.getLong(0) + " read twice");
    }
    assertEquals(List.of(0L, 1L, 2L, 3L), List.copyOf(byId.keySet()));
    assertEquals(engines.plainLabel("Win a free cruise now!!!", MAX_LEN), byId.get(0L).getString(1));
    assertEquals(engines.plainLabel("Invoice attached.", MAX_LEN), byId.get(2L).getString(1));
    assertTrue(byId.get(3L).isNullAt(1));
  }

  static WriterCommitMessage run(DataWriter<InternalRow> writer, List<InternalRow> rows) throws Exception {
    try {
      writer.writeAll(rows.iterator());
      return writer.commit();
    } finally {
      writer.close();
    }
  }

  static InternalRow row(long id, String note) {
    return new GenericInternalRow(new Object[] {id, note == null ? null : UTF8String.fromString(note)});
  }
}
