package org.secformer.engine.net;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.PendingWriteQueue;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Holds every outbound message for a fixed one-way delay before passing it on, in the order written, like
 * the propagation delay of a long link ({@link NetworkEmulation}). The event loop never blocks: messages
 * wait in a {@link PendingWriteQueue}, which counts them against the channel's write water marks, so a
 * sender sees back-pressure for bytes "on the wire" just as for bytes in the socket buffer. On close the
 * held messages fail, as unsent data does on a real link.
 *
 * <p>The release is timed by one shared timer thread rather than the event loop's own scheduler, because
 * an NIO event loop rounds its wake-ups up to whole milliseconds, ten times the LAN delay.
 */
final class DelayLine extends ChannelDuplexHandler {
  private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "secformer-netem-timer");
    t.setDaemon(true);
    return t;
  });

  private final long delayNanos;
  private final ArrayDeque<Long> releaseAt = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private PendingWriteQueue held;
  private boolean armed;
  private boolean gone;

  DelayLine(Duration oneWayDelay) {
    this.delayNanos = oneWayDelay.toNanos();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.held = new PendingWriteQueue(ctx);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (gone) {
      ctx.write(msg, promise); // fails in the transport like any write to a closed channel
      return;
    }
    releaseAt.add(System.nanoTime() + delayNanos);
    held.add(msg, promise);
    arm();
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    // held messages are flushed when released; a flush now only concerns what was released already
    ctx.flush();
  }

  private void arm() {
    if (armed || releaseAt.isEmpty()) {
      return;
    }
    armed = true;
    long wait = Math.max(0, releaseAt.peek() - System.nanoTime());
    TIMER.schedule(() -> {
      try {
        ctx.executor().execute(this::release);
      } catch (RejectedExecutionException e) {
        // the event loop is shutting down; the channel's close fails what is held
      }
    }, wait, TimeUnit.NANOSECONDS);
  }

  private void release() {
    armed = false;
    if (gone) {
      return;
    }
    long now = System.nanoTime();
    boolean wrote = false;
    while (!releaseAt.isEmpty() && releaseAt.peek() - now <= 0) {
      releaseAt.poll();
      held.removeAndWrite();
      wrote = true;
    }
    if (wrote) {
      ctx.flush();
    }
    arm();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    drop();
    super.channelInactive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    drop();
  }

  private void drop() {
    if (!gone) {
      gone = true;
      releaseAt.clear();
      held.removeAndFailAll(new ClosedChannelException());
    }
  }
}
