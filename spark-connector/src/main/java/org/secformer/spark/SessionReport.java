package org.secformer.spark;

import java.io.Serializable;
import java.util.List;
import org.secformer.shares.control.JobReport;

/**
 * What one scoring session (one engine job, usually one Spark task) did: rows, nulls and truncations,
 * batches and retries, and the parties' figures from their job reports: rounds, bytes each party sent,
 * dealer bytes each party received, and the secure time.
 */
public record SessionReport(long rows, long nullRows, long truncatedRows, long batches, long retries,
    long rounds, long bytesSentP0, long bytesSentP1, long dealerBytesP0, long dealerBytesP1, long secureNanos)
    implements Serializable {
  public static final SessionReport EMPTY = new SessionReport(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

  static SessionReport of(long rows, long nulls, long truncated, long batches, long retries, List<JobReport> reports) {
    long rounds = 0, sent0 = 0, sent1 = 0, dealer0 = 0, dealer1 = 0, secure = 0;
    for (JobReport r : reports) {
      if (r.partyId() == 0) {
        rounds += r.rounds();
        sent0 += r.bytesSent();
        dealer0 += r.dealerBytes();
        secure = Math.max(secure, r.secureNanos());
      } else {
        sent1 += r.bytesSent();
        dealer1 += r.dealerBytes();
      }
    }
    return new SessionReport(rows, nulls, truncated, batches, retries, rounds, sent0, sent1, dealer0, dealer1, secure);
  }

  public SessionReport plus(SessionReport o) {
    return new SessionReport(rows + o.rows, nullRows + o.nullRows, truncatedRows + o.truncatedRows,
        batches + o.batches, retries + o.retries, rounds + o.rounds, bytesSentP0 + o.bytesSentP0,
        bytesSentP1 + o.bytesSentP1, dealerBytesP0 + o.dealerBytesP0, dealerBytesP1 + o.dealerBytesP1,
        secureNanos + o.secureNanos);
  }
}
