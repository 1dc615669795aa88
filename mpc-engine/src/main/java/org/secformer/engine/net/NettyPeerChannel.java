package org.secformer.engine.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.secformer.engine.MpcException;
import org.secformer.engine.comm.CommStats;
import org.secformer.engine.comm.PeerChannel;
import org.secformer.engine.comm.PeerMessages;
import org.secformer.shares.control.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The P0&lt;-&gt;P1 link of one job over one mutually authenticated TLS channel (made by {@link
 * PeerServer#accept} on P0 and {@link PeerConnector#connect} on P1).
 *
 * <p>{@link #exchange} numbers its calls 0, 1, 2, ... (the seq of the frames), sends the tag and elements
 * as one TENSOR frame or, when larger than {@link NetOptions#frameBudget()}, as TENSOR_CHUNK frames, then
 * waits for the peer's tensor of the same seq and checks tag and length ({@link PeerMessages#checkMatch}).
 * Sending waits whenever the channel is over its high water mark, so a large tensor never queues more than
 * about one chunk beyond it. The receiving side assembles tensors on the event loop; since both parties
 * exchange in lockstep, at most one tensor waits ahead of the caller.
 *
 * <p>Failures: no peer tensor within {@link NetOptions#exchangeTimeout()}: TIMEOUT; the link closes while
 * waiting (peer gone, TLS failure, refused frame): PEER_UNAVAILABLE or the code of the refusal, at once;
 * the peer's ERROR frame: its code. Any failure closes the link and every later call fails the same way.
 *
 * <p>{@link #stats()} counts 8 bytes per element, exactly like the in-memory link, so protocol cost checks
 * hold over the network; framing overhead is in {@link #wireBytesSent()} / {@link #wireBytesReceived()}
 * (frames with headers, without TLS records). One caller thread at a time.
 */
public final class NettyPeerChannel implements PeerChannel {
  private static final Logger LOG = LoggerFactory.getLogger(NettyPeerChannel.class);
  /** Name of this link's handler in the pipeline. */
  public static final String HANDLER = "peer";

  private sealed interface Inbound permits Received, Failed {}

  private record Received(TensorMessage message) implements Inbound {}

  private record Failed(MpcException cause) implements Inbound {}

  private final int party;
  private final String jobId;
  private final Channel channel;
  private final SocketAddress remote;
  private final NetOptions options;
  private final CommStats stats = new CommStats();
  private final BlockingQueue<Inbound> inbox = new LinkedBlockingQueue<>();
  private final Object writability = new Object();
  private final AtomicReference<MpcException> failure = new AtomicReference<>();
  private final AtomicLong wireSent = new AtomicLong();
  private final AtomicLong wireReceived = new AtomicLong();
  private final ChannelFutureListener onWritten = this::written;
  private volatile ChannelFuture lastWrite;
  private volatile boolean closedLocally;
  private long nextSeq;

  /** Takes over {@code channel} (set up and role-checked) by replacing the pipeline stage {@code setupStage}. */
  NettyPeerChannel(int party, String jobId, Channel channel, NetOptions options, String setupStage) {
    if (party != 0 && party != 1) {
      throw new IllegalArgumentException("party must be 0 or 1, got " + party);
    }
    this.party = party;
    this.jobId = Objects.requireNonNull(jobId, "jobId");
    this.channel = channel;
    this.remote = channel.remoteAddress();
    this.options = options;
    channel.pipeline().replace(setupStage, HANDLER, new Handler());
    if (!channel.isActive()) {
      fail(new MpcException(ErrorCode.PEER_UNAVAILABLE, who() + "the link closed during set-up"));
    }
  }

  @Override
  public long[] exchange(String tag, long[] mine) {
    Objects.requireNonNull(tag, "tag");
    Objects.requireNonNull(mine, "mine");
    MpcException failed = failure.get();
    if (failed != null) {
      throw rethrow(failed);
    }
    long deadline = System.nanoTime() + options.exchangeTimeout().toNanos();
    long seq = nextSeq++;
    send(seq, tag, mine, deadline);
    TensorMessage theirs = receive(seq, tag, deadline);
    try {
      PeerMessages.checkMatch(party, tag, mine.length, theirs.tag(), theirs.values().length);
    } catch (MpcException e) {
      abort(e);
      throw e;
    }
    stats.recordExchange(tag, 8L * mine.length, 8L * theirs.values().length);
    return theirs.values();
  }

  private void send(long seq, String tag, long[] mine, long deadline) {
    int per = TensorChunks.elementsPerFrame(options.frameBudget(), jobId, tag);
    int frames = TensorChunks.frameCount(mine.length, per);
    for (int i = 0; i < frames; i++) {
      awaitWritable(seq, tag, deadline);
      Frame f = TensorChunks.frame(channel.alloc(), jobId, seq, tag, mine, per, i);
      wireSent.addAndGet(Wire.frameBytes(f));
      ChannelFuture w = channel.writeAndFlush(f);
      w.addListener(onWritten);
      lastWrite = w;
    }
  }

  /** Waits while the channel is above its high water mark (back-pressure), failing on close or timeout. */
  private void awaitWritable(long seq, String tag, long deadline) {
    if (channel.isWritable()) {
      return;
    }
    synchronized (writability) {
      while (!channel.isWritable()) {
        MpcException failed = failure.get();
        if (failed != null) {
          throw rethrow(failed);
        }
        if (!channel.isActive()) {
          throw new MpcException(ErrorCode.PEER_UNAVAILABLE, who() + "the link closed while sending '" + tag + "'");
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          MpcException t = new MpcException(
              ErrorCode.TIMEOUT,
              who() + "the peer at " + remote + " did not take '" + tag + "' (exchange " + seq + ") within "
                  + options.exchangeTimeout());
          abort(t);
          throw t;
        }
        try {
          writability.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 100)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          MpcException x = new MpcException(ErrorCode.INTERNAL, who() + "interrupted while sending '" + tag + "'", e);
          abort(x);
          throw x;
        }
      }
    }
  }

  private TensorMessage receive(long seq, String tag, long deadline) {
    Inbound in;
    try {
      in = inbox.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      MpcException x = new MpcException(
          ErrorCode.INTERNAL, who() + "interrupted while waiting for the peer's '" + tag + "'", e);
      abort(x);
      throw x;
    }
    if (in == null) {
      MpcException t = new MpcException(
          ErrorCode.TIMEOUT,
          who() + "no message from the peer at " + remote + " for '" + tag + "' (exchange " + seq + ") within "
              + options.exchangeTimeout());
      abort(t);
      throw t;
    }
    if (in instanceof Failed f) {
      inbox.add(f); // stays failed for later calls
      throw rethrow(f.cause());
    }
    TensorMessage m = ((Received) in).message();
    if (m.seq() != seq) {
      MpcException e = new MpcException(
          ErrorCode.MALFORMED_FRAME,
          who() + "expected exchange " + seq + " ('" + tag + "') but the peer sent exchange " + m.seq() + " ('"
              + m.tag() + "'): the parties are out of step");
      abort(e);
      throw e;
    }
    return m;
  }

  private void written(ChannelFuture f) {
    if (!f.isSuccess() && f.channel().isActive()) {
      MpcException e = FrameErrorHandler.classify(f.cause());
      LOG.warn("{}sending to the peer failed: {} {}", who(), e.code(), e.getMessage());
      abort(e);
    }
    // on a closed channel, channelInactive reports the reason
  }

  /** Records the first failure, wakes the caller, and never throws. */
  private void fail(MpcException e) {
    if (failure.compareAndSet(null, e)) {
      inbox.add(new Failed(e));
      synchronized (writability) {
        writability.notifyAll();
      }
    }
  }

  private void abort(MpcException e) {
    fail(e);
    channel.close();
  }

  private static MpcException rethrow(MpcException cause) {
    return new MpcException(cause.code(), cause.getMessage(), cause);
  }

  private String who() {
    return "party " + party + " (job " + jobId + "): ";
  }

  @Override
  public int party() {
    return party;
  }

  public String jobId() {
    return jobId;
  }

  @Override
  public CommStats stats() {
    return stats;
  }

  /** Frame bytes written, headers included, TLS records excluded. */
  public long wireBytesSent() {
    return wireSent.get();
  }

  /** Frame bytes received, headers included, TLS records excluded. */
  public long wireBytesReceived() {
    return wireReceived.get();
  }

  /** The underlying Netty channel (for tests and diagnostics). */
  public Channel channel() {
    return channel;
  }

  /**
   * Closes the link after the last tensor written has left (bounded by the connect timeout), so a peer
   * still reading this party's final message gets all of it. Later calls fail with PEER_UNAVAILABLE.
   */
  @Override
  public void close() {
    closedLocally = true;
    ChannelFuture w = lastWrite;
    if (w != null && !channel.eventLoop().inEventLoop()) {
      w.awaitUninterruptibly(options.connectTimeout().toMillis());
    }
    fail(new MpcException(ErrorCode.PEER_UNAVAILABLE, who() + "the link was closed by this party"));
    ChannelFuture c = channel.close();
    if (!channel.eventLoop().inEventLoop()) {
      c.awaitUninterruptibly(Duration.ofSeconds(2).toMillis());
    }
  }

  @Override
  public String toString() {
    return "NettyPeerChannel[party " + party + ", job " + jobId + ", peer " + remote + "]";
  }

  /** Receives on the event loop: assembles tensors, reports errors, wakes waiting senders. */
  private final class Handler extends SimpleChannelInboundHandler<Frame> {
    private final TensorChunks.Assembler assembler = new TensorChunks.Assembler(options.maxMessageBytes() / 8);

    Handler() {
      super(Frame.class);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Frame f) {
      wireReceived.addAndGet(Wire.frameBytes(f));
      if (failure.get() != null) {
        return; // link is going down; drop
      }
      if (f.type() == FrameType.ERROR) {
        MpcException e = Wire.readError(f);
        LOG.warn("{}the peer at {} reported {}: {}", who(), remote, e.code(), e.getMessage());
        fail(new MpcException(e.code(), who() + "the peer reported " + e.code() + ": " + e.getMessage()));
        ctx.close();
        return;
      }
      try {
        if (!jobId.equals(f.jobId())) {
          throw new MpcException(
              ErrorCode.UNKNOWN_JOB, "a frame of job '" + f.jobId() + "' arrived on the link of job '" + jobId + "'");
        }
        switch (f.type()) {
          case TENSOR, TENSOR_CHUNK -> {
            TensorMessage m = assembler.accept(f);
            if (m != null) {
              inbox.add(new Received(m));
            }
          }
          default -> throw new MpcException(
              ErrorCode.MALFORMED_FRAME, "unexpected " + f.type() + " frame on the peer link");
        }
      } catch (MpcException e) {
        LOG.warn("{}refusing a frame from the peer at {}: {} {}", who(), remote, e.code(), e.getMessage());
        fail(new MpcException(e.code(), who() + e.getMessage(), e));
        ctx.writeAndFlush(Wire.errorFrame(jobId, f.seq(), e.code(), e.getMessage()))
            .addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      synchronized (writability) {
        writability.notifyAll();
      }
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      MpcException reason = ctx.channel().attr(FrameErrorHandler.CLOSE_REASON).get();
      if (closedLocally) {
        fail(new MpcException(ErrorCode.PEER_UNAVAILABLE, who() + "the link was closed by this party"));
      } else if (reason != null) {
        fail(new MpcException(reason.code(), who() + "the link to " + remote + " closed: " + reason.getMessage(),
            reason));
      } else {
        fail(new MpcException(
            ErrorCode.PEER_UNAVAILABLE, who() + "the peer at " + remote + " closed the link"));
      }
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      MpcException e = FrameErrorHandler.classify(cause);
      LOG.warn("{}link to {} failed: {} {}", who(), remote, e.code(), e.getMessage());
      ctx.channel().attr(FrameErrorHandler.CLOSE_REASON).setIfAbsent(e);
      fail(new MpcException(e.code(), who() + e.getMessage(), e));
      ctx.close();
    }
  }
}
