package org.secformer.spark.sql;

import java.util.Objects;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.analysis.TypeCheckResult;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Unevaluable;
import org.apache.spark.sql.catalyst.expressions.codegen.CodegenContext;
import org.apache.spark.sql.catalyst.expressions.codegen.ExprCode;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StringType;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * A call of {@code secure_classify(text)} or {@code secure_embed(text)} as the analyzer sees it: it only
 * types the call and checks its argument. It is never evaluated row by row; {@link SecureScoreRule} turns
 * it into a {@link SecureScore} node that scores a partition's texts in engine batches.
 *
 * <p>It reports itself non-deterministic: each evaluation is an engine job whose fixed-point result may
 * differ in the last digits, so the optimizer must neither duplicate it nor move it out of the operator
 * the user wrote it in. It is public with a public constructor because Catalyst copies tree nodes by
 * reflection.
 */
public final class SecureFunction extends Expression implements Unevaluable {
  private final FunctionKind kind;
  private final Seq<Expression> args;

  public SecureFunction(FunctionKind kind, Seq<Expression> args) {
    this.kind = kind;
    this.args = args;
  }

  public FunctionKind kind() {
    return kind;
  }

  /** The text argument (checked to be the only one, a string, before any rule reads it). */
  public Expression text() {
    return args.head();
  }

  @Override
  public TypeCheckResult checkInputDataTypes() {
    if (args.size() != 1) {
      return new TypeCheckResult.TypeCheckFailure(kind.sqlName() + " takes one STRING argument, got " + args.size());
    }
    DataType type = text().dataType();
    if (!(type instanceof StringType)) {
      return new TypeCheckResult.TypeCheckFailure(kind.sqlName() + " expects a STRING column, got " + type.sql());
    }
    return TypeCheckResult.TypeCheckSuccess$.MODULE$;
  }

  @Override
  public DataType dataType() {
    return kind.dataType();
  }

  @Override
  public boolean nullable() {
    return true;
  }

  @Override
  public boolean deterministic() {
    return false;
  }

  @Override
  public String prettyName() {
    return kind.sqlName();
  }

  @Override
  public String toString() {
    return kind.sqlName() + ScalaSeqs.list(args);
  }

  @Override
  public Object eval(InternalRow input) {
    throw notPlanned();
  }

  @Override
  public ExprCode doGenCode(CodegenContext ctx, ExprCode ev) {
    throw notPlanned();
  }

  private IllegalStateException notPlanned() {
    return new IllegalStateException(kind.sqlName() + " is scored a partition at a time and cannot be evaluated per row"
        + " here; use it in a SELECT list or WHERE clause, with " + SecformerExtensions.class.getName()
        + " in spark.sql.extensions");
  }

  @Override
  public Seq<Expression> children() {
    return args;
  }

  @Override
  public Expression withNewChildrenInternal(IndexedSeq<Expression> newChildren) {
    return new SecureFunction(kind, newChildren);
  }

  @Override
  public int productArity() {
    return 2;
  }

  @Override
  public Object productElement(int n) {
    return switch (n) {
      case 0 -> kind;
      case 1 -> args;
      default -> throw new IndexOutOfBoundsException(n);
    };
  }

  @Override
  public boolean canEqual(Object that) {
    return that instanceof SecureFunction;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecureFunction f && kind == f.kind && args.equals(f.args);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, args);
  }
}
