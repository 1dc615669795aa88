package org.secformer.spark.sql;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression$;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.catalyst.rules.Rule;
import org.apache.spark.sql.types.Metadata;

/**
 * Optimizer rule: an operator with one input that calls {@code secure_classify} / {@code secure_embed}
 * (a SELECT list, a WHERE clause) gets a {@link SecureScore} node below it per distinct call, and the
 * calls become references to the scored columns. So the texts are scored a partition at a time, never
 * row by row. An operator other than a projection is wrapped in a projection of its former output, so
 * the scored columns do not leak upward. Elsewhere (ORDER BY, GROUP BY, inside an aggregate, a join
 * condition) Spark's analyzer rejects the calls as it rejects every non-deterministic expression there;
 * score in a subquery first, then sort, group or join on the result.
 */
final class SecureScoreRule extends Rule<LogicalPlan> {
  @Override
  public LogicalPlan apply(LogicalPlan plan) {
    LogicalPlan withChildren = plan.mapChildren(this::apply);
    List<SecureFunction> calls = calls(withChildren);
    if (calls.isEmpty() || withChildren.children().size() != 1) {
      return withChildren;
    }
    LogicalPlan child = withChildren.children().head();
    Map<SecureFunction, Attribute> scored = new LinkedHashMap<>();
    for (SecureFunction call : calls) {
      Attribute result = new AttributeReference(call.prettyName(), call.dataType(), true, Metadata.empty(),
          NamedExpression$.MODULE$.newExprId(), ScalaSeqs.seq());
      // calls come innermost first, so a call inside another's argument is already a column here
      child = new SecureScore(call.kind(), replace(call.text(), scored), result, child);
      scored.put(call, result);
    }
    LogicalPlan rewritten = withChildren.withNewChildren(ScalaSeqs.seq(child)).mapExpressions(e -> replace(e, scored));
    if (withChildren instanceof Project) {
      return rewritten;
    }
    List<NamedExpression> former = new ArrayList<>(ScalaSeqs.list(withChildren.output()));
    return new Project(ScalaSeqs.seq(former), rewritten);
  }

  /** Distinct calls in the operator's expressions, innermost first. */
  private static List<SecureFunction> calls(LogicalPlan plan) {
    List<SecureFunction> found = new ArrayList<>();
    for (Expression e : ScalaSeqs.list(plan.expressions())) {
      collect(e, found);
    }
    return found;
  }

  private static void collect(Expression e, List<SecureFunction> found) {
    for (Expression c : ScalaSeqs.list(e.children())) {
      collect(c, found);
    }
    if (e instanceof SecureFunction f && !found.contains(f)) {
      found.add(f);
    }
  }

  private static Expression replace(Expression e, Map<SecureFunction, Attribute> scored) {
    if (e instanceof SecureFunction f && scored.containsKey(f)) {
      return scored.get(f);
    }
    return e.mapChildren(c -> replace(c, scored));
  }
}
