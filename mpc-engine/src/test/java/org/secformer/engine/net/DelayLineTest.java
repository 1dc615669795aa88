package org.secformer.engine.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the delay line holds counts as queued output (a sender sees back-pressure for bytes "on the wire")
 * and fails, released, when the channel closes. Release order and timing are checked on real links in
 * {@link NetworkEmulationTest}.
 */
class DelayLineTest {
  @Test
  void heldWritesCountAgainstTheWaterMarksAndFailOnClose() {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1024, 4096));
    // long enough that nothing is released during the test
    ch.pipeline().addFirst(new DelayLine(Duration.ofSeconds(30)));
    List<ByteBuf> sent = new ArrayList<>();
    List<ChannelFuture> writes = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ByteBuf b = Unpooled.buffer(800).writeZero(800);
      sent.add(b);
      writes.add(ch.writeAndFlush(b));
      assertEquals(i < 4, ch.isWritable(), "writable with " + (i + 1) + " x 800 bytes held under a 4096-byte high mark");
    }
    assertNull(ch.readOutbound(), "nothing reaches the socket before the delay");
    assertTrue(writes.stream().noneMatch(ChannelFuture::isDone));
    ch.close();
    for (int i = 0; i < 5; i++) {
      assertFalse(writes.get(i).isSuccess());
      assertInstanceOf(ClosedChannelException.class, writes.get(i).cause(), "write " + i);
      assertEquals(0, sent.get(i).refCnt(), "held buffer " + i + " released");
    }
  }
}
