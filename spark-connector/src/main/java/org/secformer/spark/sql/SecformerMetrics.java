package org.secformer.spark.sql;

import java.io.Serializable;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.secformer.spark.SessionReport;

/**
 * What the SQL functions did in this Spark application, summed over all queries and tasks: named
 * accumulators ({@code secformer.rows}, {@code secformer.batches}, {@code secformer.bytesSentP0}, ...,
 * also shown per stage in the Spark UI) to which each task adds its scoring session's report. Read them
 * on the driver with {@link #total}; take the difference of two totals for one query. Figures of failed
 * tasks are not counted; a retried task counts once.
 */
public final class SecformerMetrics implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Map<SparkContext, SecformerMetrics> BY_CONTEXT = Collections.synchronizedMap(new WeakHashMap<>());

  private final LongAccumulator rows;
  private final LongAccumulator nullRows;
  private final LongAccumulator truncatedRows;
  private final LongAccumulator batches;
  private final LongAccumulator retries;
  private final LongAccumulator rounds;
  private final LongAccumulator bytesSentP0;
  private final LongAccumulator bytesSentP1;
  private final LongAccumulator dealerBytesP0;
  private final LongAccumulator dealerBytesP1;
  private final LongAccumulator secureNanos;

  private SecformerMetrics(SparkContext sc) {
    rows = sc.longAccumulator("secformer.rows");
    nullRows = sc.longAccumulator("secformer.nullRows");
    truncatedRows = sc.longAccumulator("secformer.truncatedRows");
    batches = sc.longAccumulator("secformer.batches");
    retries = sc.longAccumulator("secformer.retries");
    rounds = sc.longAccumulator("secformer.rounds");
    bytesSentP0 = sc.longAccumulator("secformer.bytesSentP0");
    bytesSentP1 = sc.longAccumulator("secformer.bytesSentP1");
    dealerBytesP0 = sc.longAccumulator("secformer.dealerBytesP0");
    dealerBytesP1 = sc.longAccumulator("secformer.dealerBytesP1");
    secureNanos = sc.longAccumulator("secformer.secureNanos");
  }

  /** The application's accumulators, registered on first use (driver side, when a query is planned). */
  static SecformerMetrics forContext(SparkContext sc) {
    return BY_CONTEXT.computeIfAbsent(sc, SecformerMetrics::new);
  }

  /** Totals so far for the session's Spark application; all zero before the first secure query ran. */
  public static SessionReport total(SparkSession spark) {
    SecformerMetrics m = BY_CONTEXT.get(spark.sparkContext());
    return m == null ? SessionReport.EMPTY : m.report();
  }

  private SessionReport report() {
    return new SessionReport(rows.value(), nullRows.value(), truncatedRows.value(), batches.value(), retries.value(),
        rounds.value(), bytesSentP0.value(), bytesSentP1.value(), dealerBytesP0.value(), dealerBytesP1.value(),
        secureNanos.value());
  }

  /** Executor side: one scoring session's report. */
  void add(SessionReport r) {
    rows.add(r.rows());
    nullRows.add(r.nullRows());
    truncatedRows.add(r.truncatedRows());
    batches.add(r.batches());
    retries.add(r.retries());
    rounds.add(r.rounds());
    bytesSentP0.add(r.bytesSentP0());
    bytesSentP1.add(r.bytesSentP1());
    dealerBytesP0.add(r.dealerBytesP0());
    dealerBytesP1.add(r.dealerBytesP1());
    secureNanos.add(r.secureNanos());
  }
}
