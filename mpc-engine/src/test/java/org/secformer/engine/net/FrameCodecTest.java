package org.secformer.engine.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.secformer.engine.MpcException;
import org.secformer.shares.control.ErrorCode;

/** The framing stages on an EmbeddedChannel: no sockets, no threads, every buffer released. */
class FrameCodecTest {
  private static final int MAX = 1024;

  private static EmbeddedChannel framing(int maxFrameBytes) {
    EmbeddedChannel ch = new EmbeddedChannel();
    FramePipeline.addFraming(ch.pipeline(), NetOptions.defaults().withMaxFrameBytes(maxFrameBytes));
    return ch;
  }

  /** The bytes {@code frames} encode to, in one buffer (caller releases). */
  private static ByteBuf encode(Frame... frames) {
    EmbeddedChannel enc = new EmbeddedChannel(new FrameCodec(Wire.DEFAULT_MAX_FRAME_BYTES));
    for (Frame f : frames) {
      assertTrue(enc.writeOutbound(f));
    }
    ByteBuf all = drainOutbound(enc);
    assertFalse(enc.finish());
    return all;
  }

  private static ByteBuf drainOutbound(EmbeddedChannel ch) {
    ByteBuf all = Unpooled.buffer();
    for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
      all.writeBytes(b);
      b.release();
    }
    return all;
  }

  /** Decodes everything {@code ch} wrote (e.g. its ERROR frame) with a fresh decoder. */
  private static List<Frame> decodeOutbound(EmbeddedChannel ch) {
    EmbeddedChannel dec = framing(Wire.DEFAULT_MAX_FRAME_BYTES);
    dec.writeInbound(drainOutbound(ch));
    List<Frame> out = new ArrayList<>();
    for (Frame f; (f = dec.readInbound()) != null; ) {
      out.add(f);
    }
    assertFalse(dec.finish());
    return out;
  }

  private static Frame sample(long seq, int payloadBytes) {
    byte[] p = new byte[payloadBytes];
    for (int i = 0; i < p.length; i++) {
      p[i] = (byte) (i * 31 + seq);
    }
    return Frame.of(FrameType.CONTROL, "job-é-1", seq, p);
  }

  private static void assertSame(Frame expected, Frame actual) {
    assertEquals(expected.type(), actual.type());
    assertEquals(expected.jobId(), actual.jobId());
    assertEquals(expected.seq(), actual.seq());
    assertArrayEquals(expected.payloadBytes(), actual.payloadBytes());
  }

  private static MpcException refusal(EmbeddedChannel ch) {
    assertFalse(ch.isOpen(), "the channel is closed after a refused frame");
    List<Frame> sent = decodeOutbound(ch);
    assertEquals(1, sent.size(), "one ERROR frame goes back to the peer");
    assertEquals(FrameType.ERROR, sent.get(0).type());
    MpcException reported = Wire.readError(sent.get(0));
    sent.get(0).release();
    MpcException reason = ch.attr(FrameErrorHandler.CLOSE_REASON).get();
    assertEquals(reason.code(), reported.code());
    assertNull(ch.readInbound());
    ch.finishAndReleaseAll();
    return reason;
  }

  @Test
  void roundTripKeepsEveryField() {
    Frame original = sample(42, 100);
    Frame empty = Frame.empty(FrameType.HELLO, "j", -7);
    ByteBuf bytes = encode(original.retainedDuplicate(), empty);
    assertEquals(Wire.frameBytes(original) + Wire.frameBytes(empty), bytes.readableBytes());

    EmbeddedChannel ch = framing(MAX);
    assertTrue(ch.writeInbound(bytes));
    Frame a = ch.readInbound();
    Frame b = ch.readInbound();
    assertSame(original, a);
    assertSame(empty, b);
    assertNull(ch.readInbound());
    a.release();
    b.release();
    original.release();
    assertFalse(ch.finish());
  }

  @Test
  void framesSplitAtEveryByteBoundaryDecode() {
    Frame f1 = sample(1, 37);
    Frame f2 = sample(2, 0);
    ByteBuf bytes = encode(f1.retainedDuplicate(), f2.retainedDuplicate());
    EmbeddedChannel ch = framing(MAX);
    List<Frame> got = new ArrayList<>();
    while (bytes.isReadable()) {
      ch.writeInbound(bytes.readRetainedSlice(1));
      for (Frame f; (f = ch.readInbound()) != null; ) {
        got.add(f);
      }
    }
    bytes.release();
    assertEquals(2, got.size());
    assertSame(f1, got.get(0));
    assertSame(f2, got.get(1));
    got.forEach(Frame::release);
    f1.release();
    f2.release();
    assertFalse(ch.finish());
  }

  @Test
  void everySplitPointOfTwoFramesDecodes() {
    Frame f1 = sample(3, 20);
    Frame f2 = sample(4, 9);
    ByteBuf bytes = encode(f1.retainedDuplicate(), f2.retainedDuplicate());
    for (int cut = 0; cut <= bytes.readableBytes(); cut++) {
      EmbeddedChannel ch = framing(MAX);
      ch.writeInbound(bytes.retainedSlice(0, cut));
      ch.writeInbound(bytes.retainedSlice(cut, bytes.readableBytes() - cut));
      Frame a = ch.readInbound();
      Frame b = ch.readInbound();
      assertSame(f1, a);
      assertSame(f2, b);
      a.release();
      b.release();
      assertFalse(ch.finish());
    }
    bytes.release();
    f1.release();
    f2.release();
  }

  @Test
  void aFrameOverTheMaximumIsRefusedAsFrameTooLargeAndTheLinkCloses() {
    Frame big = sample(5, MAX); // header + MAX > MAX
    ByteBuf bytes = encode(big);
    EmbeddedChannel ch = framing(MAX);
    ch.writeInbound(bytes.readRetainedSlice(6)); // the length field is enough to refuse it
    MpcException reason = refusal(ch);
    assertEquals(ErrorCode.FRAME_TOO_LARGE, reason.code());
    assertTrue(reason.getMessage().contains("exceeds the maximum of " + MAX), reason.getMessage());
    bytes.release();
  }

  @Test
  void aFrameOfExactlyTheMaximumPasses() {
    int payload = MAX - Wire.FIXED_HEADER_BYTES - "job-é-1".getBytes(StandardCharsets.UTF_8).length;
    Frame f = sample(6, payload);
    assertEquals(MAX, Wire.frameBytes(f));
    EmbeddedChannel ch = framing(MAX);
    assertTrue(ch.writeInbound(encode(f.retainedDuplicate())));
    Frame got = ch.readInbound();
    assertSame(f, got);
    got.release();
    f.release();
    assertFalse(ch.finish());
  }

  @Test
  void theEncoderRefusesToSendAFrameOverTheMaximum() {
    EmbeddedChannel ch = new EmbeddedChannel(new FrameCodec(MAX));
    EncoderException e = assertThrows(EncoderException.class, () -> ch.writeOutbound(sample(7, MAX)));
    FrameException cause = assertInstanceOf(FrameException.class, e.getCause() instanceof FrameException
        ? e.getCause() : e);
    assertEquals(ErrorCode.FRAME_TOO_LARGE, cause.code());
    assertFalse(ch.finishAndReleaseAll());
  }

  private static MpcException refuseCorrupted(int index, int value) {
    ByteBuf bytes = encode(sample(8, 16));
    bytes.setByte(index, value);
    EmbeddedChannel ch = framing(MAX);
    ch.writeInbound(bytes);
    return refusal(ch);
  }

  @Test
  void aBadVersionIsMalformed() {
    MpcException e = refuseCorrupted(5, 9);
    assertEquals(ErrorCode.MALFORMED_FRAME, e.code());
    assertTrue(e.getMessage().contains("unsupported wire version 9"), e.getMessage());
  }

  @Test
  void aBadMagicIsMalformed() {
    MpcException e = refuseCorrupted(4, 0x00);
    assertEquals(ErrorCode.MALFORMED_FRAME, e.code());
    assertTrue(e.getMessage().contains("bad magic"), e.getMessage());
  }

  @Test
  void anUnknownTypeIsMalformed() {
    MpcException e = refuseCorrupted(6, 0x7F);
    assertEquals(ErrorCode.MALFORMED_FRAME, e.code());
    assertTrue(e.getMessage().contains("unknown frame type 127"), e.getMessage());
  }

  @Test
  void aPayloadLengthThatDisagreesWithTheFrameLengthIsMalformed() {
    int payloadLenAt = 8 + "job-é-1".getBytes(StandardCharsets.UTF_8).length + 8;
    MpcException e = refuseCorrupted(payloadLenAt + 3, 99);
    assertEquals(ErrorCode.MALFORMED_FRAME, e.code());
  }

  @Test
  void aFrameShorterThanItsHeaderIsMalformed() {
    ByteBuf b = Unpooled.buffer().writeInt(3).writeByte(Wire.MAGIC).writeByte(Wire.VERSION).writeByte(1);
    EmbeddedChannel ch = framing(MAX);
    ch.writeInbound(b);
    assertEquals(ErrorCode.MALFORMED_FRAME, refusal(ch).code());
  }

  @Test
  void errorPayloadsCarryCodeAndMessage() {
    Frame f = Wire.errorFrame("j", 3, ErrorCode.UNKNOWN_MODEL, "no model 'x'");
    MpcException e = Wire.readError(f);
    assertEquals(ErrorCode.UNKNOWN_MODEL, e.code());
    assertEquals("no model 'x'", e.getMessage());
    f.release();
  }

  @Test
  void frameToStringHidesThePayload() {
    Frame f = Frame.of(FrameType.TENSOR, "j", 1, new byte[] {0x41, 0x42});
    assertEquals("Frame[TENSOR, job=j, seq=1, payload=2 B]", f.toString());
    f.release();
  }

  @Test
  void jobIdsLongerThan255BytesAreRejected() {
    assertThrows(IllegalArgumentException.class,
        () -> Frame.empty(FrameType.HELLO, "x".repeat(Wire.MAX_JOB_ID_BYTES + 1), 0));
  }
}
