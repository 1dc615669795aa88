package org.secformer.engine.protocol;

import org.secformer.engine.comm.CommStats;
import org.secformer.engine.comm.Phase;
import org.secformer.engine.comm.PeerChannel;
import org.secformer.engine.dealer.CorrelationSource;
import org.secformer.shares.fxp.FixedPoint;

/**
 * Everything a protocol needs at one computing party for one job, passed explicitly (no globals): the
 * party id, the link to the other party, the correlation source and the fixed-point encoding.
 */
public record MpcContext(PeerChannel peer, CorrelationSource dealer, FixedPoint fxp) {
  public MpcContext {
    if (peer.party() != dealer.party()) {
      throw new IllegalArgumentException(
          "peer channel is party " + peer.party() + " but correlation source is party " + dealer.party());
    }
  }

  public int party() {
    return peer.party();
  }

  public boolean isFirst() {
    return peer.party() == 0;
  }

  public CommStats stats() {
    return peer.stats();
  }

  /** Charges this party's traffic, dealer material and time to {@code phase} until the scope closes. */
  public CommStats.Scope enter(Phase phase) {
    return stats().enter(phase);
  }

  public int fracBits() {
    return fxp.fracBits();
  }
}
