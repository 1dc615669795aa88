package org.secformer.jobs;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.secformer.spark.ScoringMetrics;
import org.secformer.spark.SecformerConf;

/**
 * The nightly batch job (spark-submit main): reads a table, scores one text column securely (batched per
 * partition, one engine job per task) and writes Parquet with the id column, {@code label},
 * {@code probability} (and {@code logits} in logits mode) to {@code DIR/date=YYYY-MM-DD/}. A rerun for a
 * date replaces that date's partition only ({@link DatePartition}); other dates stay as they are.
 *
 * <pre>
 * spark-submit --class org.secformer.jobs.ScoreTable --conf spark.secformer.engine.conf=conf/engine.properties \
 *     jobs/target/jobs-VERSION-spark.jar --input notes.csv --format csv --id-column id --text-column note \
 *     --output scores --date 2026-01-31 [--mode logits] [--read-option multiLine=true]
 * </pre>
 *
 * Exit codes: 0 done, 2 bad arguments or settings (message names the flag, column or key), 1 the job failed.
 */
public final class ScoreTable {
  private ScoreTable() {}

  public static void main(String[] args) {
    ScoreTableArgs parsed;
    try {
      parsed = ScoreTableArgs.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("ScoreTable: " + e.getMessage());
      System.exit(2);
      return;
    }
    SparkSession spark = null;
    int code = 0;
    try {
      spark = SparkSession.builder().appName("secformer ScoreTable " + parsed.date()).getOrCreate();
      ScoringSummary summary = run(spark, parsed);
      System.out.println("ScoreTable: wrote " + summary.rows() + " rows to " + parsed.output() + "/date=" + parsed.date());
      System.out.println(summary.text());
    } catch (IllegalArgumentException e) {
      System.err.println("ScoreTable: " + e.getMessage());
      code = 2;
    } catch (Exception e) {
      // Spark's AnalysisException (input path missing, unreadable file) is a checked Exception to Java
      boolean input = e instanceof org.apache.spark.sql.AnalysisException;
      System.err.println("ScoreTable" + (input ? ": " : " failed: ") + Failures.describe(e));
      code = input ? 2 : 1;
    } finally {
      if (spark != null) {
        spark.stop();
      }
    }
    // the engine client's event loops are not daemon threads; end the driver JVM on purpose
    System.exit(code);
  }

  /** Scores {@code args.input()} into its date partition; the settings come from the session's spark.secformer.* keys. */
  static ScoringSummary run(SparkSession spark, ScoreTableArgs args) throws IOException {
    SecformerConf conf = SecformerConf.resolve(Map.of(), sessionConf(spark));
    Dataset<Row> input = read(spark, args);
    checkColumns(input.schema(), args);
    DatePartition partition = new DatePartition(spark.sparkContext().hadoopConfiguration(), args.output(), args.date());
    System.out.printf("ScoreTable: %s (%s) -> %s, model %s, engines %s%n", args.input(), args.format(), partition.path(),
        conf.modelId(), conf.engineConf());
    ScoringMetrics reports = ScoringMetrics.register(spark.sparkContext(), "secformer.job.");
    long start = System.nanoTime();
    Dataset<Row> scored = SecureScores.score(input, args.textColumn(), List.of(args.idColumn()), args.logits(), conf, reports);
    String staging = partition.newStaging();
    scored.write().mode(SaveMode.ErrorIfExists).parquet(staging);
    partition.replaceWith(staging);
    double seconds = (System.nanoTime() - start) / 1e9;
    long rows = spark.read().parquet(partition.path()).count();
    return new ScoringSummary(rows, seconds, reports.report());
  }

  static Dataset<Row> read(SparkSession spark, ScoreTableArgs args) {
    Map<String, String> options = new LinkedHashMap<>();
    if (args.format().equals("csv")) {
      options.put("header", "true");
    }
    options.putAll(args.readOptions());
    return spark.read().format(args.format()).options(options).load(args.input());
  }

  static void checkColumns(StructType schema, ScoreTableArgs args) {
    field(schema, args.idColumn(), "--id-column");
    StructField text = field(schema, args.textColumn(), "--text-column");
    if (!(text.dataType() instanceof StringType)) {
      throw new IllegalArgumentException("--text-column '" + args.textColumn() + "' has type "
          + text.dataType().simpleString() + "; it must be a string column");
    }
    if (SecureScores.OUTPUT_COLUMNS.contains(args.idColumn()) || args.idColumn().equals(DatePartition.COLUMN)) {
      throw new IllegalArgumentException("--id-column '" + args.idColumn() + "' clashes with an output column ("
          + String.join(", ", SecureScores.OUTPUT_COLUMNS) + ", " + DatePartition.COLUMN + "); rename it first");
    }
  }

  private static StructField field(StructType schema, String name, String flag) {
    for (StructField f : schema.fields()) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    throw new IllegalArgumentException(flag + " '" + name + "' is not a column of the input; its columns are "
        + String.join(", ", schema.fieldNames()));
  }

  static Map<String, String> sessionConf(SparkSession spark) {
    return scala.jdk.javaapi.CollectionConverters.asJava(spark.conf().getAll());
  }
}
