package org.secformer.jobs;

import java.util.Locale;
import org.secformer.spark.SessionReport;

/** What a scoring job did, for its last lines of output: rows, nulls, batches, time and the parties' traffic. */
record ScoringSummary(long rows, double seconds, SessionReport sessions) {
  String text() {
    SessionReport s = sessions;
    return String.format(Locale.ROOT, String.join("%n",
        "rows:    %d, %d with a null score (null or over-long text), %d truncated",
        "batches: %d engine batches, %d retried",
        "time:    %.1f s wall, %.1f s in the secure computation (summed over tasks)",
        "traffic: P0 -> P1 %s, P1 -> P0 %s, dealer -> P0 %s, dealer -> P1 %s, %d rounds"),
        rows, s.nullRows(), s.truncatedRows(), s.batches(), s.retries(), seconds, s.secureNanos() / 1e9,
        bytes(s.bytesSentP0()), bytes(s.bytesSentP1()), bytes(s.dealerBytesP0()), bytes(s.dealerBytesP1()), s.rounds());
  }

  static String bytes(long n) {
    if (n < 1 << 20) {
      return String.format(Locale.ROOT, "%.1f KB", n / 1024.0);
    }
    return n < 1L << 30 ? String.format(Locale.ROOT, "%.1f MB", n / (double) (1 << 20))
        : String.format(Locale.ROOT, "%.2f GB", n / (double) (1L << 30));
  }
}
