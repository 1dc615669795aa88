package org.secformer.jobs;

import org.apache.spark.util.AccumulatorV2;
import org.secformer.spark.SessionReport;

/**
 * Sums the {@link SessionReport}s of a job's scoring sessions (one per task) on the driver: rows, nulls,
 * batches, retries and the parties' traffic. Spark applies a task's update once per successful attempt of
 * an action's task; a recomputed partition (lost executor, speculation) may add its report again, so the
 * figures are for the summary, not for accounting.
 */
final class SessionReportAccumulator extends AccumulatorV2<SessionReport, SessionReport> {
  private SessionReport sum = SessionReport.EMPTY;

  @Override
  public boolean isZero() {
    return sum.equals(SessionReport.EMPTY);
  }

  @Override
  public SessionReportAccumulator copy() {
    SessionReportAccumulator c = new SessionReportAccumulator();
    c.sum = sum;
    return c;
  }

  @Override
  public void reset() {
    sum = SessionReport.EMPTY;
  }

  @Override
  public void add(SessionReport report) {
    sum = sum.plus(report);
  }

  @Override
  public void merge(AccumulatorV2<SessionReport, SessionReport> other) {
    sum = sum.plus(other.value());
  }

  @Override
  public SessionReport value() {
    return sum;
  }
}
