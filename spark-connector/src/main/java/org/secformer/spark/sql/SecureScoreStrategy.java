package org.secformer.spark.sql;

import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.SparkStrategy;
import org.secformer.spark.SecformerConf;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Plans {@link SecureScore} as {@link SecureScoreExec}, resolving the settings from the session's
 * {@code spark.secformer.*} conf now, on the driver, so a wrong key fails the query before any task runs.
 */
final class SecureScoreStrategy extends SparkStrategy {
  private final SparkSession session;

  SecureScoreStrategy(SparkSession session) {
    this.session = session;
  }

  @Override
  public Seq<SparkPlan> apply(LogicalPlan plan) {
    if (!(plan instanceof SecureScore s)) {
      return ScalaSeqs.seq();
    }
    Map<String, String> sessionConf = CollectionConverters.asJava(session.conf().getAll());
    SecformerConf conf = SecformerConf.resolve(Map.of(), sessionConf);
    return ScalaSeqs.seq(new SecureScoreExec(s.kind(), s.text(), s.result(), conf, planLater(s.child())));
  }
}
