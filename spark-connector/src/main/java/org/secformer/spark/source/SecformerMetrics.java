package org.secformer.spark.source;

import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.metric.CustomSumMetric;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.secformer.spark.SessionReport;

/**
 * The write's figures in the Spark UI (SQL tab, on the write node), summed over tasks: rows, engine
 * batches, traffic between the parties and from the dealer, rounds, secure time. Spark creates these
 * classes by name on the driver, so they are public with a no-argument constructor.
 */
public final class SecformerMetrics {
  static final String ROWS = "secformerRows";
  static final String NULL_ROWS = "secformerNullRows";
  static final String BATCHES = "secformerBatches";
  static final String BYTES_SENT_P0 = "secformerBytesSentP0";
  static final String BYTES_SENT_P1 = "secformerBytesSentP1";
  static final String ROUNDS = "secformerRounds";
  static final String DEALER_BYTES = "secformerDealerBytes";
  static final String SECURE_MS = "secformerSecureMs";

  private SecformerMetrics() {}

  static CustomMetric[] supported() {
    return new CustomMetric[] {new Rows(), new NullRows(), new Batches(), new BytesSentP0(), new BytesSentP1(),
        new Rounds(), new DealerBytes(), new SecureMs()};
  }

  /** A task's values: rows as they arrive, the engine figures once its session has ended ({@code report}). */
  static CustomTaskMetric[] values(long rows, long nullRows, SessionReport report) {
    SessionReport r = report == null ? SessionReport.EMPTY : report;
    return new CustomTaskMetric[] {value(ROWS, rows), value(NULL_ROWS, nullRows), value(BATCHES, r.batches()),
        value(BYTES_SENT_P0, r.bytesSentP0()), value(BYTES_SENT_P1, r.bytesSentP1()), value(ROUNDS, r.rounds()),
        value(DEALER_BYTES, r.dealerBytesP0() + r.dealerBytesP1()), value(SECURE_MS, r.secureNanos() / 1_000_000)};
  }

  private static CustomTaskMetric value(String name, long value) {
    return new CustomTaskMetric() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public long value() {
        return value;
      }
    };
  }

  /** Sum over tasks; named once here so the subclasses stay one line each. */
  private abstract static class Sum extends CustomSumMetric {
    private final String name;
    private final String description;

    Sum(String name, String description) {
      this.name = name;
      this.description = description;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String description() {
      return description;
    }
  }

  public static final class Rows extends Sum {
    public Rows() {
      super(ROWS, "secformer rows written");
    }
  }

  public static final class NullRows extends Sum {
    public NullRows() {
      super(NULL_ROWS, "secformer rows without output (null or over-long text)");
    }
  }

  public static final class Batches extends Sum {
    public Batches() {
      super(BATCHES, "secformer engine batches");
    }
  }

  public static final class BytesSentP0 extends Sum {
    public BytesSentP0() {
      super(BYTES_SENT_P0, "secformer bytes sent by party 0");
    }
  }

  public static final class BytesSentP1 extends Sum {
    public BytesSentP1() {
      super(BYTES_SENT_P1, "secformer bytes sent by party 1");
    }
  }

  public static final class Rounds extends Sum {
    public Rounds() {
      super(ROUNDS, "secformer communication rounds");
    }
  }

  public static final class DealerBytes extends Sum {
    public DealerBytes() {
      super(DEALER_BYTES, "secformer dealer bytes received by both parties");
    }
  }

  public static final class SecureMs extends Sum {
    public SecureMs() {
      super(SECURE_MS, "secformer secure compute time (ms)");
    }
  }
}
