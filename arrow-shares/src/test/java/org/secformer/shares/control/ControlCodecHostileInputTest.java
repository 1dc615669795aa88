package org.secformer.shares.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.io.Output;
import com.esotericsoftware.kryo.kryo5.serializers.RecordSerializer;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class ControlCodecHostileInputTest {
  private final ControlCodec codec = new ControlCodec();

  private ControlCodecException refused(byte[] frame) {
    return assertThrows(ControlCodecException.class, () -> codec.decode(frame),
        () -> "expected refusal of " + Frames.hex(frame));
  }

  private static void assertMessageContains(ControlCodecException e, String... parts) {
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), () -> "message \"" + e.getMessage() + "\" lacks \"" + p + "\"");
    }
  }

  @Test
  void emptyNullAndOutOfRangeFramesAreRefused() {
    assertMessageContains(refused(new byte[0]), "empty");
    assertMessageContains(assertThrows(ControlCodecException.class, () -> codec.decode(null)), "null");
    byte[] ack = codec.encode(new Ack("j", 1));
    assertMessageContains(assertThrows(ControlCodecException.class, () -> codec.decode(ack, 2, ack.length)),
        "offset 2", "length " + ack.length);
    assertThrows(ControlCodecException.class, () -> codec.decode(ack, -1, 2));
    assertThrows(ControlCodecException.class, () -> codec.decode(ack, 0, -1));
  }

  @Test
  void unknownFormatVersionIsRefused() {
    byte[] frame = codec.encode(new Ack("j", 1));
    for (int version : new int[] {0, 2, 0x7f, 0xff}) {
      frame[0] = (byte) version;
      assertMessageContains(refused(frame), "version " + version);
    }
  }

  @Test
  void oversizedFrameIsRefusedBeforeReading() {
    byte[] frame = new byte[WireLimits.MAX_FRAME_BYTES + 1];
    frame[0] = ControlCodec.FORMAT_VERSION;
    assertMessageContains(refused(frame), String.valueOf(WireLimits.MAX_FRAME_BYTES + 1), "exceeds");
  }

  @Test
  void randomGarbageIsRefused() {
    Random random = new Random(20261124L);
    for (int trial = 0; trial < 20_000; trial++) {
      byte[] garbage = new byte[random.nextInt(129)];
      random.nextBytes(garbage);
      assertThrows(ControlCodecException.class, () -> codec.decode(garbage), () -> Frames.hex(garbage));
    }
  }

  /**
   * Garbage behind a valid version and class id reaches the body readers. Random bytes may by
   * chance form a valid message; then it must be a faithful one, never any other exception.
   */
  @Test
  void garbageBodiesOfEveryKindAreRefusedOrDecodeFaithfully() {
    Random random = new Random(7L);
    int refusedCount = 0;
    int trials = 0;
    for (MessageKind<?> kind : MessageKinds.ALL) {
      for (int trial = 0; trial < 5_000; trial++, trials++) {
        byte[] body = new byte[random.nextInt(64)];
        random.nextBytes(body);
        byte[] frame = new byte[body.length + 2];
        frame[0] = ControlCodec.FORMAT_VERSION;
        frame[1] = (byte) kind.id();
        System.arraycopy(body, 0, frame, 2, body.length);
        if (decodesFaithfullyOrIsRefused(frame)) {
          refusedCount++;
        }
      }
    }
    assertTrue(refusedCount > trials * 0.99, "only " + refusedCount + " of " + trials + " refused");
  }

  @Test
  void mutatedValidFramesAreRefusedOrDecodeFaithfully() {
    Random random = new Random(11L);
    int refusedCount = 0;
    int trials = 0;
    for (ControlMessage m : Frames.samples()) {
      byte[] valid = codec.encode(m);
      for (int trial = 0; trial < 2_000; trial++, trials++) {
        byte[] frame = valid.clone();
        for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
          frame[1 + random.nextInt(frame.length - 1)] = (byte) random.nextInt(256);
        }
        if (decodesFaithfullyOrIsRefused(frame)) {
          refusedCount++;
        }
      }
    }
    assertTrue(refusedCount > trials / 4, "only " + refusedCount + " of " + trials + " refused");
  }

  /** True if refused; if accepted, checks that the message re-encodes to an equal message. */
  private boolean decodesFaithfullyOrIsRefused(byte[] frame) {
    ControlMessage m;
    try {
      m = codec.decode(frame);
    } catch (ControlCodecException e) {
      assertNotNull(e.getMessage());
      assertFalse(e.getMessage().isBlank());
      return true;
    } catch (RuntimeException e) {
      throw new AssertionError("decode threw " + e + " instead of ControlCodecException on " + Frames.hex(frame), e);
    }
    assertEquals(m, codec.decode(codec.encode(m)), () -> "accepted garbage " + Frames.hex(frame));
    return false;
  }

  @Test
  void everyStrictPrefixIsRefusedAsTruncated() {
    for (ControlMessage m : Frames.samples()) {
      byte[] full = codec.encode(m);
      byte[] pristine = full.clone();
      for (int length = 0; length < full.length; length++) {
        int n = length;
        ControlCodecException e = assertThrows(ControlCodecException.class, () -> codec.decode(full, 0, n),
            () -> "prefix of " + n + " bytes of " + m + " was accepted");
        assertMessageContains(e, n == 0 ? "empty" : "truncated");
        ControlCodecException copy = assertThrows(ControlCodecException.class,
            () -> codec.decode(java.util.Arrays.copyOf(full, n)));
        assertEquals(e.getMessage(), copy.getMessage());
      }
      assertArrayEquals(pristine, full, "decode must not write into the caller's buffer");
    }
  }

  @Test
  void trailingBytesAreRefused() {
    for (ControlMessage m : Frames.samples()) {
      byte[] valid = codec.encode(m);
      byte[] longer = java.util.Arrays.copyOf(valid, valid.length + 3);
      assertMessageContains(refused(longer), "3 trailing bytes", m.getClass().getSimpleName());
    }
  }

  @Test
  void unregisteredClassIdsAreRefused() {
    for (int id : new int[] {15, 77, 16_000, Integer.MAX_VALUE}) {
      byte[] frame = Frames.frame(out -> {
        out.writeVarInt(id, true);
        Frames.string(out, "job");
        out.writeVarLong(2, false);
      });
      assertMessageContains(refused(frame), "unregistered", "class id " + id);
    }
  }

  /** Kryo's own ids (int, String, ...) are registered in every Kryo but are not control messages. */
  @Test
  void kryoBuiltInClassIdsAreRefused() {
    for (int id = 0; id < MessageKinds.FIRST_ID; id++) {
      int builtIn = id;
      byte[] frame = Frames.frame(out -> {
        out.writeVarInt(builtIn, true);
        out.writeString("a string as Kryo writes it");
      });
      assertMessageContains(refused(frame), "unregistered", "class id " + id);
    }
  }

  @Test
  void bytesFromAPlainKryoWithClassNamesAreRefused() {
    Kryo plain = new Kryo();
    plain.setRegistrationRequired(false); // writes the class name instead of an id
    Output out = new Output(256, -1);
    out.writeByte(ControlCodec.FORMAT_VERSION);
    plain.writeClassAndObject(out, new Ack("job", 1));
    byte[] frame = out.toBytes();
    assertTrue(new String(frame, java.nio.charset.StandardCharsets.ISO_8859_1).contains("org.secformer.shares.control.Ac"),
        "the plain Kryo frame should carry the class name"); // Kryo flags the last ASCII char
    assertMessageContains(refused(frame), "unregistered");
  }

  @Test
  void bytesFromAPlainKryoWithReflectiveSerializersAreRefused() {
    // Same registration id as our Ack, but Kryo's own record encoding of the fields.
    Kryo plain = new Kryo();
    plain.setRegistrationRequired(true);
    plain.register(Ack.class, new RecordSerializer<>(Ack.class), 19);
    Output out = new Output(256, -1);
    out.writeByte(ControlCodec.FORMAT_VERSION);
    out.writeVarInt(19, true);
    plain.writeObject(out, new Ack("job-1", 1));
    refused(out.toBytes());
  }

  @Test
  void bytesFromACodecWithOtherIdsAreRefused() {
    List<MessageKind<?>> moved = new ArrayList<>();
    for (MessageKind<?> k : MessageKinds.ALL) {
      moved.add(moveAck(k));
    }
    ControlCodec other = new ControlCodec(moved);
    byte[] frame = other.encode(new Ack("job", 1));
    assertEquals(new Ack("job", 1), other.decode(frame));
    assertMessageContains(refused(frame), "class id 30");
  }

  private static <T extends ControlMessage> MessageKind<T> moveAck(MessageKind<T> k) {
    return k.type() == Ack.class ? new MessageKind<>(30, k.type(), k.writer(), k.reader()) : k;
  }

  @Test
  void bytesFromACodecWithSwappedIdsAreRefused() {
    List<MessageKind<?>> swapped = new ArrayList<>();
    for (MessageKind<?> k : MessageKinds.ALL) {
      swapped.add(swapHelloAndAck(k));
    }
    ControlCodec other = new ControlCodec(swapped);
    // An Ack sent under Hello's id: read as a Hello, it runs out before the worker index.
    assertMessageContains(refused(other.encode(new Ack("job-1", 1))), "Hello");
    // Even when the bytes happen to fill a Hello, "job-1" is not a role.
    assertMessageContains(refused(Frames.bytes(1, 16, 6, 'j', 'o', 'b', '-', '1', 0, 0, 2)), "Hello", "\"job-1\"");
    // A Hello sent under Ack's id: the trailing party fields do not belong to an Ack.
    assertMessageContains(refused(other.encode(new Hello(Hello.P1, 1, 2, 3))), "trailing", "Ack");
  }

  private static <T extends ControlMessage> MessageKind<T> swapHelloAndAck(MessageKind<T> k) {
    int id = k.type() == Hello.class ? 19 : k.type() == Ack.class ? 16 : k.id();
    return new MessageKind<>(id, k.type(), k.writer(), k.reader());
  }

  @Test
  void hugeDeclaredLengthsAreRefusedAgainstTheLimits() {
    // string declaring 2^31 - 2 bytes
    assertMessageContains(refused(Frames.frame(out -> {
      out.writeVarInt(19, true);
      out.writeVarInt(Integer.MAX_VALUE, true);
    })),
        "Ack", "jobId", "limit " + WireLimits.MAX_STRING_BYTES);
    // varint beyond 2^31 - 1 (Kryo reads it as negative)
    assertMessageContains(refused(Frames.frame(out -> {
      out.writeVarInt(19, true);
      out.writeBytes(Frames.bytes(0xff, 0xff, 0xff, 0xff, 0x0f));
    })), "jobId", "over 2^31 - 1");
    // map declaring 2^30 entries
    assertMessageContains(refused(jobStartWithOptionCount(1 << 30)), "options", "limit " + WireLimits.MAX_ENTRIES);
    // array declaring 2^31 - 1 dimensions
    assertMessageContains(refused(Frames.frame(out -> {
      out.writeVarInt(18, true);
      Frames.string(out, "j");
      out.writeVarLong(0, false);
      out.writeVarInt(1, false);
      out.writeVarInt(Integer.MAX_VALUE, true);
    })), "rowShape", "limit " + WireLimits.MAX_ENTRIES);
  }

  @Test
  void lengthsWithinLimitsButBeyondTheFrameAreRefusedWithoutAllocating() {
    byte[] bigString = Frames.frame(out -> {
      out.writeVarInt(19, true);
      out.writeVarInt(WireLimits.MAX_STRING_BYTES + 1, true);
    });
    byte[] bigMap = jobStartWithOptionCount(WireLimits.MAX_ENTRIES);
    byte[] bigArray = Frames.frame(out -> {
      out.writeVarInt(18, true);
      Frames.string(out, "j");
      out.writeVarLong(0, false);
      out.writeVarInt(1, false);
      out.writeVarInt(WireLimits.MAX_ENTRIES, true);
    });
    assertMessageContains(refused(bigString), "truncated", "declares " + WireLimits.MAX_STRING_BYTES + " bytes");
    assertMessageContains(refused(bigMap), "truncated", "declares " + WireLimits.MAX_ENTRIES + " entries");
    assertMessageContains(refused(bigArray), "truncated", "declares " + WireLimits.MAX_ENTRIES + " entries");

    // Had the reader allocated first, each refusal would cost 256 KiB to 1 MiB.
    long perFrame = allocatedBytesPerCall(() -> {
      assertThrows(ControlCodecException.class, () -> codec.decode(bigString));
      assertThrows(ControlCodecException.class, () -> codec.decode(bigMap));
      assertThrows(ControlCodecException.class, () -> codec.decode(bigArray));
    }) / 3;
    assertTrue(perFrame < 64 * 1024, "refusing one hostile frame allocated " + perFrame + " bytes");
  }

  private static byte[] jobStartWithOptionCount(int count) {
    return Frames.frame(out -> {
      out.writeVarInt(17, true);
      Frames.string(out, "j");
      Frames.string(out, "m");
      out.writeVarInt(16, false);
      Frames.string(out, "matmul");
      out.writeVarInt(count, true);
      Frames.string(out, "k");
      Frames.string(out, "v");
    });
  }

  private static long allocatedBytesPerCall(Executable call) {
    assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean,
        "this JVM cannot count allocated bytes");
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
    int rounds = 200;
    try {
      for (int i = 0; i < rounds; i++) {
        call.execute(); // warm-up: class loading and JIT allocate too
      }
      long tid = Thread.currentThread().getId();
      long before = threads.getThreadAllocatedBytes(tid);
      for (int i = 0; i < rounds; i++) {
        call.execute();
      }
      return (threads.getThreadAllocatedBytes(tid) - before) / rounds;
    } catch (Throwable t) {
      return fail(t);
    }
  }

  @Test
  void nullWhereNotAllowedIsRefused() {
    // Ack with a null jobId
    assertMessageContains(refused(Frames.bytes(1, 19, 0, 2)), "Ack", "jobId is null");
    // ErrorMessage with a null message
    assertMessageContains(refused(Frames.bytes(1, 20, 0, 16, 0)), "ErrorMessage", "message is null");
    // JobStart with a null option value
    assertMessageContains(refused(Frames.bytes(1, 17, 2, 'j', 2, 'm', 32, 2, 'c', 1, 2, 'a', 0)), "options", "null");
    // but a null ErrorMessage.jobId is legal
    assertEquals(new ErrorMessage(null, ErrorCode.TIMEOUT, ""), codec.decode(Frames.bytes(1, 20, 0, 16, 1)));
  }

  @Test
  void invalidUtf8IsRefused() {
    // a lone continuation byte, a truncated sequence, and a UTF-8-encoded surrogate
    for (byte[] bad : List.of(Frames.bytes(0x80), Frames.bytes(0xc3), Frames.bytes(0xed, 0xa0, 0x80))) {
      byte[] frame = Frames.frame(out -> {
        out.writeVarInt(19, true);
        out.writeVarInt(bad.length + 1, true);
        out.writeBytes(bad);
        out.writeVarLong(1, false);
      });
      assertMessageContains(refused(frame), "jobId", "not valid UTF-8");
    }
  }

  @Test
  void invalidFieldValuesAreRefusedByTheRecordChecks() {
    assertMessageContains(refused(Frames.bytes(1, 20, 0, 198, 1, 1)), "invalid ErrorMessage", "unknown error code 99");
    assertMessageContains(refused(Frames.bytes(1, 16, 3, 'p', '7', 0, 0, 2)), "invalid Hello", "\"p7\"");
    assertMessageContains(refused(Frames.bytes(1, 16, 3, 'p', '0', 2, 0, 2)), "invalid Hello", "party id 0, got 1");
    assertMessageContains(refused(Frames.bytes(1, 19, 2, 'j', 1)), "invalid Ack", "seq must be >= 0, got -1");
    assertMessageContains(refused(Frames.bytes(1, 19, 2, ' ', 2)), "invalid Ack", "jobId is blank");
    assertMessageContains(refused(Frames.bytes(1, 17, 2, 'j', 2, 'm', 100, 2, 'c', 0)), "invalid JobStart", "50");
    assertMessageContains(refused(Frames.bytes(1, 18, 2, 'j', 0, 0, 1, 1, 0)), "invalid BatchHeader", "[-1]");
    assertMessageContains(refused(Frames.bytes(1, 17, 2, 'j', 2, 'm', 32, 2, 'c', 2, 2, 'a', 2, 'b', 2, 'a', 2, 'c')),
        "duplicate key \"a\"");
  }

  @Test
  void unregisteredClassesAreNotEncoded() {
    record Stray(String jobId) {}
    assertMessageContains(assertThrows(ControlCodecException.class, () -> codec.encodeObject(new Stray("j"))),
        "Stray", "not a registered control message kind");
    // String is registered in every Kryo by default, but is not a control message.
    assertMessageContains(assertThrows(ControlCodecException.class, () -> codec.encodeObject("text")),
        "java.lang.String", "not a registered");
    assertMessageContains(assertThrows(ControlCodecException.class, () -> codec.encode(null)), "null");
  }

  @Test
  void encodingRespectsTheLimitsDecodingEnforces() {
    String tooLong = "x".repeat(WireLimits.MAX_STRING_BYTES + 1);
    assertMessageContains(assertThrows(ControlCodecException.class,
        () -> codec.encode(new ErrorMessage("j", ErrorCode.INTERNAL, tooLong))), "message", "limit");
    String justFits = "x".repeat(WireLimits.MAX_STRING_BYTES);
    ErrorMessage big = new ErrorMessage("j", ErrorCode.INTERNAL, justFits);
    assertEquals(big, codec.decode(codec.encode(big)));

    Map<String, String> heavy = new java.util.HashMap<>();
    for (int i = 0; i < 5; i++) {
      heavy.put("k" + i, justFits);
    }
    assertMessageContains(assertThrows(ControlCodecException.class,
        () -> codec.encode(new JobStart("j", "m", 16, "c", heavy))), "JobStart", "frame limit");

    assertMessageContains(assertThrows(ControlCodecException.class,
        () -> codec.encode(new BatchHeader("j", 0, 0, new int[WireLimits.MAX_ENTRIES + 1], 0))), "rowShape", "limit");
    assertMessageContains(assertThrows(ControlCodecException.class,
        () -> codec.encode(new Ack("job-\uD800", 1))), "jobId", "unpaired surrogate");
  }
}
