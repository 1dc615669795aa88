package org.secformer.spark.sql;

import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.FunctionIdentifier$;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import scala.Function1;
import scala.Tuple3;
import scala.runtime.BoxedUnit;

/**
 * The SQL functions {@code secure_classify(text)} and {@code secure_embed(text)}, scored under MPC by the
 * engines named in the session's {@code spark.secformer.*} settings. Enable with
 * {@code spark.sql.extensions=org.secformer.spark.sql.SecformerExtensions}, then for example
 * {@code SELECT id, secure_classify(note).label FROM sensitive_notes}. Each task scores its partition's
 * texts in engine batches ({@link SecureScoreRule}, {@link SecureScoreStrategy}); {@link SecformerMetrics}
 * reports what was scored.
 */
public final class SecformerExtensions implements Function1<SparkSessionExtensions, BoxedUnit> {
  @Override
  public BoxedUnit apply(SparkSessionExtensions extensions) {
    for (FunctionKind kind : FunctionKind.values()) {
      ExpressionInfo info = new ExpressionInfo(SecureFunction.class.getName(), null, kind.sqlName(), kind.usage(),
          "\n    Arguments:\n      * text - a STRING column; settings come from spark.secformer.*\n", "", "", "", "", "",
          "");
      extensions.injectFunction(new Tuple3<>(FunctionIdentifier$.MODULE$.apply(kind.sqlName()), info,
          args -> new SecureFunction(kind, args)));
    }
    extensions.injectOptimizerRule(session -> new SecureScoreRule());
    extensions.injectPlannerStrategy(SecureScoreStrategy::new);
    return BoxedUnit.UNIT;
  }
}
