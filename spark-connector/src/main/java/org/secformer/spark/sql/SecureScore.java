package org.secformer.spark.sql;

import java.util.Objects;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeSet;
import org.apache.spark.sql.catalyst.expressions.AttributeSet$;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionSet;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.UnaryNode;
import scala.Option;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * Logical operator: every row of the child, in order, with one more column, {@code result}, holding
 * {@code kind} applied to {@code text}. It stands for one engine job per partition that scores the
 * partition's texts in batches. Rows are neither added nor dropped, so row counts and constraints pass
 * through. Public with a public constructor because Catalyst copies tree nodes by reflection.
 */
public final class SecureScore extends LogicalPlan implements UnaryNode {
  private final FunctionKind kind;
  private final Expression text;
  private final Attribute result;
  private final LogicalPlan child;

  public SecureScore(FunctionKind kind, Expression text, Attribute result, LogicalPlan child) {
    this.kind = kind;
    this.text = text;
    this.result = result;
    this.child = child;
  }

  public FunctionKind kind() {
    return kind;
  }

  public Expression text() {
    return text;
  }

  public Attribute result() {
    return result;
  }

  @Override
  public LogicalPlan child() {
    return child;
  }

  @Override
  public Seq<Attribute> output() {
    return ScalaSeqs.appended(child.output(), result);
  }

  /** The result column is made here, so it is not an input the child must provide. */
  @Override
  public AttributeSet producedAttributes() {
    return AttributeSet$.MODULE$.apply(result);
  }

  @Override
  public Option<Object> maxRows() {
    return child.maxRows();
  }

  @Override
  public ExpressionSet validConstraints() {
    return child.constraints();
  }

  @Override
  public scala.collection.Iterator<Object> stringArgs() {
    return ScalaSeqs.<Object>seq(kind.sqlName(), text, result).iterator();
  }

  @Override
  public Seq<LogicalPlan> children() {
    return ScalaSeqs.seq(child);
  }

  @Override
  public LogicalPlan withNewChildInternal(LogicalPlan newChild) {
    return new SecureScore(kind, text, result, newChild);
  }

  @Override
  public LogicalPlan withNewChildrenInternal(IndexedSeq<LogicalPlan> newChildren) {
    return withNewChildInternal(newChildren.head());
  }

  @Override
  public int productArity() {
    return 4;
  }

  @Override
  public Object productElement(int n) {
    return switch (n) {
      case 0 -> kind;
      case 1 -> text;
      case 2 -> result;
      case 3 -> child;
      default -> throw new IndexOutOfBoundsException(n);
    };
  }

  @Override
  public boolean canEqual(Object that) {
    return that instanceof SecureScore;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecureScore s && kind == s.kind && text.equals(s.text) && result.equals(s.result)
        && child.equals(s.child);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, text, result, child);
  }
}
