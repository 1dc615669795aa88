package org.secformer.jobs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.secformer.spark.PartitionScorer;
import org.secformer.spark.Scored;
import org.secformer.spark.ScoringMetrics;
import org.secformer.spark.SecformerConf;

/**
 * Scores a text column of a Dataset securely, one engine job per partition through {@link PartitionScorer}
 * (texts batched per partition): the result keeps the chosen columns and adds {@code label} and
 * {@code probability}, plus {@code logits} (array of double) when asked. A null text gives null scores.
 * Each partition's {@link org.secformer.spark.SessionReport} goes to the accumulator.
 *
 * <p>The jobs' bridge to the connector until its ML transformer lands; nothing else here batches texts.
 */
final class SecureScores {
  static final String LABEL = "label";
  static final String PROBABILITY = "probability";
  static final String LOGITS = "logits";
  static final List<String> OUTPUT_COLUMNS = List.of(LABEL, PROBABILITY, LOGITS);

  private SecureScores() {}

  /** The scored Dataset: {@code keep} columns in order, then label, probability and (if asked) logits. */
  static Dataset<Row> score(Dataset<Row> input, String textColumn, List<String> keep, boolean logits,
      SecformerConf conf, ScoringMetrics reports) {
    for (String k : keep) {
      if (OUTPUT_COLUMNS.contains(k)) {
        throw new IllegalArgumentException("column '" + k + "' would clash with the scores' columns " + OUTPUT_COLUMNS);
      }
    }
    List<Column> columns = new ArrayList<>();
    keep.forEach(k -> columns.add(column(k)));
    columns.add(column(textColumn));
    Dataset<Row> selected = input.select(columns.toArray(new Column[0]));
    List<StructField> fields = new ArrayList<>(Arrays.asList(selected.schema().fields()).subList(0, keep.size()));
    fields.add(DataTypes.createStructField(LABEL, DataTypes.StringType, true));
    fields.add(DataTypes.createStructField(PROBABILITY, DataTypes.DoubleType, true));
    if (logits) {
      fields.add(DataTypes.createStructField(LOGITS, DataTypes.createArrayType(DataTypes.DoubleType, false), true));
    }
    StructType schema = DataTypes.createStructType(fields);
    return selected.mapPartitions(new ScorePartition(keep.size(), logits, conf, reports), Encoders.row(schema));
  }

  /** A top-level column by its exact name (a dot in it is part of the name, not a struct field). */
  private static Column column(String name) {
    return functions.col("`" + name.replace("`", "``") + "`");
  }

  /** Runs on the executors: the function object ships the settings and the accumulator, nothing else. */
  private static final class ScorePartition implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final int keep;
    private final boolean logits;
    private final SecformerConf conf;
    private final ScoringMetrics reports;

    ScorePartition(int keep, boolean logits, SecformerConf conf, ScoringMetrics reports) {
      this.keep = keep;
      this.logits = logits;
      this.conf = conf;
      this.reports = reports;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      int text = keep;
      return new PartitionScorer<Row, Row>(rows, r -> r.isNullAt(text) ? null : r.getString(text), this::combine,
          conf, reports::add);
    }

    private Row combine(Row in, Scored s) {
      Object[] out = new Object[keep + (logits ? 3 : 2)];
      for (int i = 0; i < keep; i++) {
        out[i] = in.get(i);
      }
      if (s != null) {
        out[keep] = s.label();
        out[keep + 1] = s.probability();
        if (logits) {
          out[keep + 2] = s.output().clone();
        }
      }
      return RowFactory.create(out);
    }
  }
}
