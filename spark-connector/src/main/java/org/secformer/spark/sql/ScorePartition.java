package org.secformer.spark.sql;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.util.TaskCompletionListener;
import org.apache.spark.util.TaskFailureListener;
import org.secformer.spark.ScoringMetrics;
import org.secformer.spark.PartitionScorer;
import org.secformer.spark.SecformerConf;
import scala.collection.immutable.Seq;

/**
 * One task's work for {@link SecureScoreExec}, run on the executor: the partition's rows go through a
 * {@link PartitionScorer} (one engine job, texts scored in batches) and come out in order as unsafe rows
 * with the result appended. The job ends with the task even when the consumer stops early (LIMIT).
 */
final class ScorePartition implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LogManager.getLogger(ScorePartition.class);

  private final FunctionKind kind;
  private final Expression text;
  private final Seq<Attribute> input;
  private final DataType resultType;
  private final SecformerConf conf;
  private final ScoringMetrics metrics;

  ScorePartition(FunctionKind kind, Expression text, Seq<Attribute> input, DataType resultType, SecformerConf conf,
      ScoringMetrics metrics) {
    this.kind = kind;
    this.text = text;
    this.input = input;
    this.resultType = resultType;
    this.conf = conf;
    this.metrics = metrics;
  }

  @Override
  public Iterator<InternalRow> call(Iterator<InternalRow> rows) {
    TaskContext task = TaskContext.get();
    UnsafeProjection textOf = UnsafeProjection.create(ScalaSeqs.seq(text), input);
    textOf.initialize(task.partitionId());
    UnsafeProjection out = UnsafeProjection.create(outputTypes());
    JoinedRow joined = new JoinedRow();
    // the scorer holds a batch of rows, and Spark reuses the row objects it hands out
    Iterator<InternalRow> copies = new Iterator<>() {
      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public InternalRow next() {
        return rows.next().copy();
      }
    };
    PartitionScorer<InternalRow, InternalRow> scorer = new PartitionScorer<>(copies,
        row -> {
          UnsafeRow t = textOf.apply(row);
          return t.isNullAt(0) ? null : t.getUTF8String(0).toString();
        },
        (row, scored) -> out.apply(joined.apply(row, new GenericInternalRow(new Object[] {kind.value(scored, conf.modelId())})))
            .copy(),
        conf, metrics::add);
    task.addTaskFailureListener((TaskFailureListener) (ctx, error) -> scorer.abort());
    task.addTaskCompletionListener((TaskCompletionListener) ctx -> endEarly(scorer));
    return scorer;
  }

  /** The rows the task needed are out; a failure to end the job cleanly must not fail the task now. */
  private static void endEarly(PartitionScorer<?, ?> scorer) {
    try {
      scorer.close();
    } catch (RuntimeException e) {
      LOG.warn("ending the engine job of a partition read only in part failed: {}", e.getMessage());
    }
  }

  private DataType[] outputTypes() {
    List<DataType> types = new ArrayList<>();
    for (Attribute a : ScalaSeqs.list(input)) {
      types.add(a.dataType());
    }
    types.add(resultType);
    return types.toArray(DataType[]::new);
  }
}
