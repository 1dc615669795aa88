package org.secformer.engine.comm;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.secformer.engine.MpcException;
import org.secformer.shares.control.ErrorCode;

/** A pair of {@link PeerChannel}s joined by in-memory queues, for protocol tests with two threads. */
public final class InMemoryPeers {
  private record Message(String tag, long[] payload) {}

  private InMemoryPeers() {}

  /** Returns the channels of party 0 and party 1. */
  public static PeerChannel[] pair(long timeoutMillis) {
    BlockingQueue<Message> to0 = new LinkedBlockingQueue<>();
    BlockingQueue<Message> to1 = new LinkedBlockingQueue<>();
    return new PeerChannel[] {
      new End(0, to1, to0, timeoutMillis), new End(1, to0, to1, timeoutMillis)
    };
  }

  private static final class End implements PeerChannel {
    private final int party;
    private final BlockingQueue<Message> out;
    private final BlockingQueue<Message> in;
    private final long timeoutMillis;
    private final CommStats stats = new CommStats();

    End(int party, BlockingQueue<Message> out, BlockingQueue<Message> in, long timeoutMillis) {
      this.party = party;
      this.out = out;
      this.in = in;
      this.timeoutMillis = timeoutMillis;
    }

    @Override
    public long[] exchange(String tag, long[] mine) {
      out.add(new Message(tag, mine.clone()));
      Message theirs;
      try {
        theirs = in.poll(timeoutMillis, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new MpcException(ErrorCode.INTERNAL, "interrupted while waiting for the peer", e);
      }
      if (theirs == null) {
        throw new MpcException(
            ErrorCode.TIMEOUT, "party " + party + ": no message from the peer for '" + tag + "'");
      }
      PeerMessages.checkMatch(party, tag, mine.length, theirs.tag(), theirs.payload().length);
      stats.recordExchange(tag, 8L * mine.length, 8L * theirs.payload().length);
      return theirs.payload();
    }

    @Override
    public int party() {
      return party;
    }

    @Override
    public CommStats stats() {
      return stats;
    }

    @Override
    public void close() {}
  }
}
