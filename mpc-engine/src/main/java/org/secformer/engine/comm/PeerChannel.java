package org.secformer.engine.comm;

/**
 * The link from one computing party to the other within one job.
 *
 * <p>Both parties call {@link #exchange} with the same tag in the same order (the protocols are
 * deterministic), so messages are matched by their position in the job's sequence; the tag is checked
 * on arrival to catch a protocol desynchronisation early instead of computing garbage.
 */
public interface PeerChannel extends AutoCloseable {
  /**
   * Sends {@code mine} to the peer and returns the peer's array of the same call: one round. Blocks until
   * the peer's message arrives or the channel's timeout expires ({@link
   * org.secformer.engine.MpcException} with code TIMEOUT or PEER_UNAVAILABLE). Implementations neither
   * modify {@code mine} nor keep a reference to it after returning, and the returned array is a fresh one
   * that belongs to the caller (it may write into it).
   */
  long[] exchange(String tag, long[] mine);

  /** This party's id, 0 or 1. */
  int party();

  CommStats stats();

  @Override
  void close();
}
