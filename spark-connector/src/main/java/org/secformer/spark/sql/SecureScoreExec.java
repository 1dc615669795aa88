package org.secformer.spark.sql;

import java.util.Objects;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeSet;
import org.apache.spark.sql.catalyst.expressions.AttributeSet$;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.UnaryExecNode;
import org.secformer.spark.SecformerConf;
import scala.collection.Iterator;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * Physical {@link SecureScore}: maps each partition of the child through a {@link ScorePartition}, one
 * engine job per task scoring the texts in batches. The settings were resolved on the driver when the
 * query was planned and travel with the task. Rows keep their order and partition, so the child's
 * partitioning and ordering still hold.
 */
public final class SecureScoreExec extends SparkPlan implements UnaryExecNode {
  private final FunctionKind kind;
  private final Expression text;
  private final Attribute result;
  private final SecformerConf conf;
  private final SparkPlan child;

  public SecureScoreExec(FunctionKind kind, Expression text, Attribute result, SecformerConf conf, SparkPlan child) {
    this.kind = kind;
    this.text = text;
    this.result = result;
    this.conf = conf;
    this.child = child;
  }

  @Override
  public RDD<InternalRow> doExecute() {
    ScorePartition score = new ScorePartition(kind, text, child.output(), result.dataType(), conf,
        SecformerMetrics.forContext(sparkContext()));
    return child.execute().toJavaRDD().mapPartitions(score, true).rdd();
  }

  @Override
  public SparkPlan child() {
    return child;
  }

  @Override
  public Seq<Attribute> output() {
    return ScalaSeqs.appended(child.output(), result);
  }

  @Override
  public AttributeSet producedAttributes() {
    return AttributeSet$.MODULE$.apply(result);
  }

  @Override
  public Partitioning outputPartitioning() {
    return child.outputPartitioning();
  }

  @Override
  public Seq<SortOrder> outputOrdering() {
    return child.outputOrdering();
  }

  /** The plan string shows the call, not the settings (paths of the engine conf and model). */
  @Override
  public Iterator<Object> stringArgs() {
    return ScalaSeqs.<Object>seq(kind.sqlName(), text, result).iterator();
  }

  @Override
  public String verboseStringWithOperatorId() {
    return UnaryExecNode.super.verboseStringWithOperatorId();
  }

  @Override
  public Seq<SparkPlan> children() {
    return ScalaSeqs.seq(child);
  }

  @Override
  public SparkPlan withNewChildInternal(SparkPlan newChild) {
    return new SecureScoreExec(kind, text, result, conf, newChild);
  }

  @Override
  public SparkPlan withNewChildrenInternal(IndexedSeq<SparkPlan> newChildren) {
    return withNewChildInternal(newChildren.head());
  }

  @Override
  public int productArity() {
    return 5;
  }

  @Override
  public Object productElement(int n) {
    return switch (n) {
      case 0 -> kind;
      case 1 -> text;
      case 2 -> result;
      case 3 -> conf;
      case 4 -> child;
      default -> throw new IndexOutOfBoundsException(n);
    };
  }

  @Override
  public boolean canEqual(Object that) {
    return that instanceof SecureScoreExec;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecureScoreExec s && kind == s.kind && text.equals(s.text) && result.equals(s.result)
        && conf.equals(s.conf) && child.equals(s.child);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, text, result, conf, child);
  }
}
