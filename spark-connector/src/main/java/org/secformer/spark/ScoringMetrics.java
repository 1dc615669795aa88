package org.secformer.spark;

import java.io.Serializable;
import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * Driver-side accumulators of scoring figures, one named {@code LongAccumulator} per figure of a
 * {@link SessionReport} (visible in the Spark UI's stage page), to which each task adds its partition's
 * report. The one mechanism behind the metrics of the SQL functions, the ML transformer and the jobs.
 * Accumulators updated inside a transformation count every evaluation: running two actions on an uncached
 * result, or a recomputed partition, adds its report again, so cache a result whose figures must match one
 * scoring pass.
 */
public final class ScoringMetrics implements Serializable {
  private static final long serialVersionUID = 1L;

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

  private ScoringMetrics(SparkContext sc, String prefix) {
    rows = sc.longAccumulator(prefix + "rows");
    nullRows = sc.longAccumulator(prefix + "nullRows");
    truncatedRows = sc.longAccumulator(prefix + "truncatedRows");
    batches = sc.longAccumulator(prefix + "batches");
    retries = sc.longAccumulator(prefix + "retries");
    rounds = sc.longAccumulator(prefix + "rounds");
    bytesSentP0 = sc.longAccumulator(prefix + "bytesSentP0");
    bytesSentP1 = sc.longAccumulator(prefix + "bytesSentP1");
    dealerBytesP0 = sc.longAccumulator(prefix + "dealerBytesP0");
    dealerBytesP1 = sc.longAccumulator(prefix + "dealerBytesP1");
    secureNanos = sc.longAccumulator(prefix + "secureNanos");
  }

  /** Fresh accumulators named {@code <prefix><figure>}, e.g. {@code secformer.rows} for prefix "secformer.". */
  public static ScoringMetrics register(SparkContext sc, String prefix) {
    return new ScoringMetrics(sc, prefix);
  }

  /** Executor side: one partition's session report. */
  public void add(SessionReport r) {
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

  /**
   * The figures so far, summed over the partitions scored: rows, null and truncated rows, engine batches,
   * retries, rounds (P0's count), bytes each party sent, dealer bytes each party received, and the secure
   * time (the sum of the partitions' secure times, so larger than wall time when tasks ran in parallel).
   */
  public SessionReport report() {
    return new SessionReport(rows.value(), nullRows.value(), truncatedRows.value(), batches.value(), retries.value(),
        rounds.value(), bytesSentP0.value(), bytesSentP1.value(), dealerBytesP0.value(), dealerBytesP1.value(),
        secureNanos.value());
  }

  @Override
  public String toString() {
    return report().toString();
  }
}
