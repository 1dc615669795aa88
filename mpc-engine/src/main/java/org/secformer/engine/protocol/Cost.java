package org.secformer.engine.protocol;

/**
 * The declared cost of one protocol call at one party (as SPU's latency()/comm()): rounds with the peer,
 * bytes this party sends to the peer (it receives as many), and bytes the dealer sends to each party.
 * Tests run each protocol and compare the measured traffic with the declaration exactly.
 */
public record Cost(long rounds, long bytesSent, long dealerBytesP0, long dealerBytesP1) {
  public static final Cost ZERO = new Cost(0, 0, 0, 0);

  public Cost plus(Cost o) {
    return new Cost(
        rounds + o.rounds,
        bytesSent + o.bytesSent,
        dealerBytesP0 + o.dealerBytesP0,
        dealerBytesP1 + o.dealerBytesP1);
  }

  /** The same cost repeated {@code times} times in sequence. */
  public Cost times(long times) {
    return new Cost(rounds * times, bytesSent * times, dealerBytesP0 * times, dealerBytesP1 * times);
  }

  /** Several protocols whose openings share rounds: rounds are the maximum, bytes add. */
  public Cost parallel(Cost o) {
    return new Cost(
        Math.max(rounds, o.rounds),
        bytesSent + o.bytesSent,
        dealerBytesP0 + o.dealerBytesP0,
        dealerBytesP1 + o.dealerBytesP1);
  }

  public long dealerBytes(int party) {
    return party == 0 ? dealerBytesP0 : dealerBytesP1;
  }
}
