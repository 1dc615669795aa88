package org.secformer.engine.comm;

import java.util.Map;
import java.util.TreeMap;

/**
 * Traffic counters of one party: rounds and bytes per tag, plus bytes received from the dealer.
 *
 * <p>A round is one exchange with the peer (send then receive), however many tensors it carries. Each
 * party counts only its own traffic; the system total is the sum over parties. Thread-safe.
 */
public final class CommStats {
  /** Counters for one tag. */
  public record Counter(long rounds, long bytesSent, long bytesReceived) {
    Counter plus(Counter o) {
      return new Counter(rounds + o.rounds, bytesSent + o.bytesSent, bytesReceived + o.bytesReceived);
    }

    Counter minus(Counter o) {
      return new Counter(rounds - o.rounds, bytesSent - o.bytesSent, bytesReceived - o.bytesReceived);
    }
  }

  private final Map<String, Counter> byTag = new TreeMap<>();
  private long dealerBytesReceived;
  private long dealerRequests;

  public synchronized void recordExchange(String tag, long bytesSent, long bytesReceived) {
    byTag.merge(tag, new Counter(1, bytesSent, bytesReceived), Counter::plus);
  }

  public synchronized void recordDealer(long bytesReceived) {
    dealerBytesReceived += bytesReceived;
    dealerRequests++;
  }

  public synchronized long rounds() {
    return byTag.values().stream().mapToLong(Counter::rounds).sum();
  }

  public synchronized long bytesSent() {
    return byTag.values().stream().mapToLong(Counter::bytesSent).sum();
  }

  public synchronized long bytesReceived() {
    return byTag.values().stream().mapToLong(Counter::bytesReceived).sum();
  }

  public synchronized long dealerBytesReceived() {
    return dealerBytesReceived;
  }

  public synchronized long dealerRequests() {
    return dealerRequests;
  }

  public synchronized Map<String, Counter> byTag() {
    return new TreeMap<>(byTag);
  }

  /** An immutable copy, for before/after differences. */
  public synchronized Snapshot snapshot() {
    return new Snapshot(rounds(), bytesSent(), bytesReceived(), dealerBytesReceived, new TreeMap<>(byTag));
  }

  /** Totals at one instant. */
  public record Snapshot(
      long rounds, long bytesSent, long bytesReceived, long dealerBytes, Map<String, Counter> byTag) {
    public Snapshot minus(Snapshot before) {
      Map<String, Counter> diff = new TreeMap<>(byTag);
      before.byTag.forEach((tag, c) -> diff.merge(tag, new Counter(0, 0, 0).minus(c), Counter::plus));
      diff.values().removeIf(c -> c.rounds() == 0 && c.bytesSent() == 0 && c.bytesReceived() == 0);
      return new Snapshot(
          rounds - before.rounds,
          bytesSent - before.bytesSent,
          bytesReceived - before.bytesReceived,
          dealerBytes - before.dealerBytes,
          diff);
    }

    @Override
    public String toString() {
      return String.format(
          "rounds=%d sent=%d B received=%d B dealer=%d B", rounds, bytesSent, bytesReceived, dealerBytes);
    }
  }
}
