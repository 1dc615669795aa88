package org.secformer.engine.job;

import org.secformer.engine.protocol.MpcContext;
import org.secformer.shares.ring.RingTensor;

/**
 * What a job computes on each batch, run identically at P0 and P1 on their shares. One instance per
 * job and party: it may keep per-job state such as weights whose masks were opened on the first batch.
 */
public interface Computation {
  /** This party's share of the output for this party's share of one input batch [rows, ...]. */
  RingTensor apply(MpcContext ctx, RingTensor inputShare);
}
