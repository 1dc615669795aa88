package org.secformer.engine.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.secformer.engine.MpcException;
import org.secformer.shares.control.ErrorCode;

class TensorChunksTest {
  private static final int FRAME = 1024;
  private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

  private static long[] random(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    long[] v = new long[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextLong();
    }
    if (n > 1) {
      v[0] = Long.MIN_VALUE;
      v[1] = -1;
    }
    return v;
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 123, 124, 125, 1000, 4097})
  void splitIntoFramesUnderTheMaximumAndReassembleOverTheWire(int n) {
    long[] v = random(n, n);
    List<Frame> frames = TensorChunks.split(ALLOC, "job", 9, "open(x-a)", v, FRAME);
    int per = TensorChunks.elementsPerFrame(FRAME, "job", "open(x-a)");
    assertEquals(TensorChunks.frameCount(n, per), frames.size());
    for (Frame f : frames) {
      assertTrue(Wire.frameBytes(f) <= FRAME, "frame of " + Wire.frameBytes(f) + " bytes");
      assertEquals(frames.size() == 1 ? FrameType.TENSOR : FrameType.TENSOR_CHUNK, f.type());
    }
    // through the real encoder and decoder
    EmbeddedChannel out = new EmbeddedChannel(new FrameCodec(FRAME));
    EmbeddedChannel in = new EmbeddedChannel();
    FramePipeline.addFraming(in.pipeline(), NetOptions.defaults().withMaxFrameBytes(FRAME));
    frames.forEach(out::writeOutbound);
    for (Object b; (b = out.readOutbound()) != null; ) {
      in.writeInbound(b);
    }
    TensorChunks.Assembler a = new TensorChunks.Assembler(1 << 20);
    TensorMessage m = null;
    int seen = 0;
    for (Frame f; (f = in.readInbound()) != null; seen++) {
      assertNull(m, "nothing after the last chunk");
      m = a.accept(f);
      f.release();
    }
    assertEquals(frames.size(), seen);
    assertEquals(9, m.seq());
    assertEquals("open(x-a)", m.tag());
    assertArrayEquals(v, m.values());
    assertTrue(!a.inProgress());
    out.finishAndReleaseAll();
    in.finishAndReleaseAll();
  }

  @Test
  void aMissingChunkIsMalformed() {
    List<Frame> frames = TensorChunks.split(ALLOC, "job", 1, "t", random(500, 1), FRAME);
    TensorChunks.Assembler a = new TensorChunks.Assembler(1 << 20);
    try {
      assertNull(a.accept(frames.get(0)));
      MpcException e = assertThrows(MpcException.class, () -> a.accept(frames.get(2)));
      assertEquals(ErrorCode.MALFORMED_FRAME, e.code());
    } finally {
      frames.forEach(Frame::release);
    }
  }

  @Test
  void aChunkOfAnotherExchangeInsideATensorIsMalformed() {
    List<Frame> first = TensorChunks.split(ALLOC, "job", 1, "t", random(500, 1), FRAME);
    List<Frame> second = TensorChunks.split(ALLOC, "job", 2, "t", random(500, 2), FRAME);
    TensorChunks.Assembler a = new TensorChunks.Assembler(1 << 20);
    try {
      assertNull(a.accept(first.get(0)));
      assertEquals(ErrorCode.MALFORMED_FRAME,
          assertThrows(MpcException.class, () -> a.accept(second.get(0))).code());
    } finally {
      first.forEach(Frame::release);
      second.forEach(Frame::release);
    }
  }

  @Test
  void aTensorOverTheMessageLimitIsRefusedBeforeAllocation() {
    List<Frame> frames = TensorChunks.split(ALLOC, "job", 1, "t", random(300, 3), FRAME);
    TensorChunks.Assembler a = new TensorChunks.Assembler(299);
    try {
      assertEquals(ErrorCode.FRAME_TOO_LARGE,
          assertThrows(MpcException.class, () -> a.accept(frames.get(0))).code());
    } finally {
      frames.forEach(Frame::release);
    }
  }

  @Test
  void aFrameTooSmallForAnyElementIsAnError() {
    assertThrows(IllegalArgumentException.class, () -> TensorChunks.elementsPerFrame(40, "job", "tag"));
  }

  /** A peer announcing a huge tensor in its first chunk must not make this side allocate it up front. */
  @Test
  void aFirstChunkAnnouncingAHugeTotalAllocatesOnlyWhatArrives() {
    var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    TensorChunks.Assembler a = new TensorChunks.Assembler(1L << 27);
    int total = (1 << 27) - 1; // 1 GiB of elements, announced by a 40-byte chunk
    java.nio.ByteBuffer p = java.nio.ByteBuffer.allocate(Wire.TENSOR_FIXED_BYTES + 1 + 8);
    p.putShort((short) 1).put((byte) 'x').putInt(total).putInt(0).putLong(7);
    Frame first = Frame.of(FrameType.TENSOR_CHUNK, "job", 0, p.array());
    long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
    assertNull(a.accept(first));
    long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
    assertTrue(allocated < 8L << 20, "accepting one 1-element chunk allocated " + allocated + " bytes");
    assertTrue(a.inProgress());
  }

  @Test
  void aChunkedTensorGrowsToItsTotalAndArrivesWhole() {
    long[] v = random(300_000, 3); // more than the initial buffer, in many chunks
    List<Frame> frames = TensorChunks.split(ALLOC, "job", 4, "t", v, 64 << 10);
    TensorChunks.Assembler a = new TensorChunks.Assembler(1 << 20);
    TensorMessage m = null;
    for (Frame f : frames) {
      m = a.accept(f);
      f.release();
    }
    assertArrayEquals(v, m.values());
  }
}
