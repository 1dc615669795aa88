package org.secformer.spark.ml;

import java.util.Iterator;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.secformer.spark.PartitionScorer;
import org.secformer.spark.Scored;
import org.secformer.spark.ScoringMetrics;
import org.secformer.spark.SecformerConf;

/**
 * Executor side of {@link SecureBertClassifier#transform}: scores one partition through a
 * {@link PartitionScorer} (one engine job, batched) and appends the prediction struct to each row, keeping
 * the rows' order. It holds only the resolved settings, the text column's position and the accumulators,
 * never the transformer, so the task closure stays small.
 */
final class ScoreRows implements MapPartitionsFunction<Row, Row> {
  private final SecformerConf conf;
  private final int textIndex;
  private final ScoringMetrics metrics;

  ScoreRows(SecformerConf conf, int textIndex, ScoringMetrics metrics) {
    this.conf = conf;
    this.textIndex = textIndex;
    this.metrics = metrics;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    int at = textIndex;
    return new PartitionScorer<Row, Row>(rows, r -> r.isNullAt(at) ? null : r.getString(at), ScoreRows::append, conf,
        metrics::add);
  }

  private static Row append(Row row, Scored scored) {
    Object[] values = new Object[row.length() + 1];
    for (int i = 0; i < row.length(); i++) {
      values[i] = row.get(i);
    }
    values[row.length()] = Prediction.of(scored);
    return RowFactory.create(values);
  }
}
