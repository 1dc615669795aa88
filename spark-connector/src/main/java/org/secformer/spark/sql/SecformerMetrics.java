package org.secformer.spark.sql;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;
import org.secformer.spark.ScoringMetrics;
import org.secformer.spark.SessionReport;

/**
 * What the SQL functions did in this Spark application, summed over all queries and tasks: named
 * accumulators ({@code secformer.rows}, {@code secformer.batches}, {@code secformer.bytesSentP0}, ...,
 * also shown per stage in the Spark UI) to which each task adds its scoring session's report. Read them
 * on the driver with {@link #total}; take the difference of two totals for one query. Figures of failed
 * tasks are not counted; a retried task counts once.
 */
public final class SecformerMetrics {
  private static final Map<SparkContext, ScoringMetrics> BY_CONTEXT = Collections.synchronizedMap(new WeakHashMap<>());

  private SecformerMetrics() {}

  /** The application's accumulators, registered on first use (driver side, when a query is planned). */
  static ScoringMetrics forContext(SparkContext sc) {
    return BY_CONTEXT.computeIfAbsent(sc, c -> ScoringMetrics.register(c, "secformer."));
  }

  /** Totals so far for the session's Spark application; all zero before the first secure query ran. */
  public static SessionReport total(SparkSession spark) {
    ScoringMetrics m = BY_CONTEXT.get(spark.sparkContext());
    return m == null ? SessionReport.EMPTY : m.report();
  }
}
