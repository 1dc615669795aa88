package org.secformer.engine.comm;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Traffic counters of one party: rounds and bytes per tag, plus bytes received from the dealer.
 *
 * <p>A round is one exchange with the peer (send then receive), however many tensors it carries. Each
 * party counts only its own traffic; the system total is the sum over parties. Thread-safe.
 *
 * <p>Everything is also charged to the innermost {@link Phase} the party has {@link #enter entered}, with
 * the wall time spent in it, for a per-protocol breakdown; dealer bytes are also kept per correlation kind.
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
  private final Map<String, Long> dealerByKind = new TreeMap<>();
  private final Map<Phase, PhaseFigures> byPhase = new EnumMap<>(Phase.class);
  private final Deque<Phase> phases = new ArrayDeque<>();
  private long phaseSince = System.nanoTime();

  /** What one phase cost this party: exchanges, bytes, dealer bytes and wall nanoseconds inside it. */
  public record PhaseFigures(long rounds, long bytesSent, long bytesReceived, long dealerBytes, long nanos) {
    static final PhaseFigures ZERO = new PhaseFigures(0, 0, 0, 0, 0);

    PhaseFigures plus(PhaseFigures o) {
      return new PhaseFigures(rounds + o.rounds, bytesSent + o.bytesSent, bytesReceived + o.bytesReceived,
          dealerBytes + o.dealerBytes, nanos + o.nanos);
    }

    PhaseFigures minus(PhaseFigures o) {
      return new PhaseFigures(rounds - o.rounds, bytesSent - o.bytesSent, bytesReceived - o.bytesReceived,
          dealerBytes - o.dealerBytes, nanos - o.nanos);
    }

    public double seconds() {
      return nanos / 1e9;
    }
  }

  /** Leaves the phase on close; phases nest, the innermost one is charged. */
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }

  /** Charges what follows to {@code phase} until the returned scope is closed. */
  public synchronized Scope enter(Phase phase) {
    chargeTime();
    phases.push(phase);
    return () -> leave(phase);
  }

  private synchronized void leave(Phase phase) {
    chargeTime();
    phases.removeFirstOccurrence(phase);
  }

  private void chargeTime() {
    long now = System.nanoTime();
    charge(new PhaseFigures(0, 0, 0, 0, now - phaseSince));
    phaseSince = now;
  }

  private void charge(PhaseFigures f) {
    byPhase.merge(phases.isEmpty() ? Phase.OTHER : phases.peek(), f, PhaseFigures::plus);
  }

  public synchronized void recordExchange(String tag, long bytesSent, long bytesReceived) {
    byTag.merge(tag, new Counter(1, bytesSent, bytesReceived), Counter::plus);
    charge(new PhaseFigures(1, bytesSent, bytesReceived, 0, 0));
  }

  /** Dealer material of one correlation of kind {@code kind} received by this party. */
  public synchronized void recordDealer(String kind, long bytesReceived) {
    dealerBytesReceived += bytesReceived;
    dealerRequests++;
    dealerByKind.merge(kind, bytesReceived, Long::sum);
    charge(new PhaseFigures(0, 0, 0, bytesReceived, 0));
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

  /** Dealer bytes received per correlation kind. */
  public synchronized Map<String, Long> dealerByKind() {
    return new TreeMap<>(dealerByKind);
  }

  /** Figures per phase so far (time charged up to now). */
  public synchronized Map<Phase, PhaseFigures> byPhase() {
    chargeTime();
    return new EnumMap<>(byPhase);
  }

  /** Per-phase difference {@code after - before} of two {@link #byPhase} readings. */
  public static Map<Phase, PhaseFigures> phaseDelta(Map<Phase, PhaseFigures> after, Map<Phase, PhaseFigures> before) {
    Map<Phase, PhaseFigures> diff = new EnumMap<>(Phase.class);
    after.forEach((p, f) -> diff.put(p, f.minus(before.getOrDefault(p, PhaseFigures.ZERO))));
    diff.values().removeIf(f -> f.equals(PhaseFigures.ZERO));
    return diff;
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
