package org.secformer.engine.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.secformer.engine.MpcException;
import org.secformer.engine.tls.PeerRoleVerifier;
import org.secformer.engine.tls.Role;
import org.secformer.shares.control.ControlCodec;
import org.secformer.shares.control.ControlMessage;
import org.secformer.shares.control.ErrorCode;

/**
 * One authenticated connection carrying control messages, tensors and Arrow batches (dealer links and
 * client links). Sends may be called from any thread; large tensors are chunked and, off the event loop,
 * each chunk waits while the channel is over its write high-water mark, so a slow reader holds back the
 * writer instead of filling memory. A tensor's chunks go out together: concurrent tensor sends on one
 * link take turns, a whole tensor each. Send tensors off the event loop only, since a sender may wait
 * for another one's chunks to drain.
 */
public final class Session {
  private static final ControlCodec CODEC = new ControlCodec();

  private final Channel channel;
  private final NetOptions options;
  // the receiver reassembles one chunked tensor at a time per link, so one tensor's chunks must not
  // interleave with another's (the dealer's workers answer several requests and jobs over one link)
  private final Object tensorWrites = new Object();

  Session(Channel channel, NetOptions options) {
    this.channel = channel;
    this.options = options;
  }

  public Role peerRole() {
    return channel.attr(PeerRoleVerifier.PEER_ROLE).get();
  }

  public boolean isOpen() {
    return channel.isActive();
  }

  public String remote() {
    return String.valueOf(channel.remoteAddress());
  }

  public void sendControl(String jobId, long seq, ControlMessage message) {
    write(Frame.of(FrameType.CONTROL, jobId, seq, CODEC.encode(message)));
  }

  public void sendArrow(String jobId, long seq, byte[] ipc) {
    if (ipc.length + Wire.FIXED_HEADER_BYTES + 255 > options.maxFrameBytes()) {
      throw new MpcException(ErrorCode.FRAME_TOO_LARGE, "a share batch of " + ipc.length
          + " bytes does not fit one frame of at most " + options.maxFrameBytes() + " bytes: send smaller batches");
    }
    write(Frame.of(FrameType.ARROW, jobId, seq, ipc));
  }

  public void sendTensor(String jobId, long seq, String tag, long[] values) {
    List<Frame> frames =
        TensorChunks.split(channel.alloc(), jobId, seq, tag, values, Math.min(options.chunkBytes(), options.maxFrameBytes()));
    synchronized (tensorWrites) {
      for (int i = 0; i < frames.size(); i++) {
        if (!channel.isActive()) {
          frames.subList(i, frames.size()).forEach(Frame::release);
          throw new MpcException(ErrorCode.PEER_UNAVAILABLE, "link to " + remote() + " closed while sending '" + tag + "'");
        }
        try {
          awaitWritable();
        } catch (MpcException e) {
          frames.subList(i, frames.size()).forEach(Frame::release);
          throw e;
        }
        try {
          write(frames.get(i));
        } catch (MpcException e) {
          // the link closed after the check above: write released this frame, the rest are still ours
          frames.subList(i + 1, frames.size()).forEach(Frame::release);
          throw e;
        }
      }
    }
  }

  /** Sends an ERROR frame and closes the link once it is written. */
  public void fail(String jobId, long seq, ErrorCode code, String message) {
    if (channel.isActive()) {
      channel.writeAndFlush(Wire.errorFrame(jobId == null ? "" : jobId, seq, code, message))
          .addListener(f -> channel.close());
    }
  }

  /** Sends an ERROR frame for one job; the link stays open for other jobs. */
  public void sendError(String jobId, long seq, ErrorCode code, String message) {
    write(Wire.errorFrame(jobId == null ? "" : jobId, seq, code, message));
  }

  /**
   * Stops reading from the link (back-pressure): the peer's further frames wait in its socket buffers and
   * then in the peer's own writes, until {@link #resumeReading}.
   */
  public void pauseReading() {
    channel.config().setAutoRead(false);
  }

  public void resumeReading() {
    channel.config().setAutoRead(true);
  }

  public ChannelFuture closeFuture() {
    return channel.closeFuture();
  }

  /** Closes the link; off the event loop, waits briefly so queued writes (e.g. a JobEnd) leave first. */
  public void close() {
    ChannelFuture f = channel.close();
    if (!channel.eventLoop().inEventLoop()) {
      f.awaitUninterruptibly(2_000);
    }
  }

  private void write(Frame f) {
    if (!channel.isActive()) {
      f.release();
      throw new MpcException(ErrorCode.PEER_UNAVAILABLE, "link to " + remote() + " is closed");
    }
    channel.writeAndFlush(f);
  }

  private void awaitWritable() {
    if (channel.eventLoop().inEventLoop()) {
      return;
    }
    long deadline = System.nanoTime() + options.exchangeTimeout().toNanos();
    while (!channel.isWritable() && channel.isActive()) {
      if (System.nanoTime() > deadline) {
        throw new MpcException(ErrorCode.TIMEOUT, "link to " + remote() + " did not drain within " + options.exchangeTimeout());
      }
      try {
        TimeUnit.MILLISECONDS.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new MpcException(ErrorCode.INTERNAL, "interrupted while sending", e);
      }
    }
  }
}
