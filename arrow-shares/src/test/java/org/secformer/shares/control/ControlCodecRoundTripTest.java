package org.secformer.shares.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ControlCodecRoundTripTest {
  private final ControlCodec codec = new ControlCodec();

  @Test
  void everySampleRoundTrips() {
    for (ControlMessage m : Frames.samples()) {
      byte[] bytes = codec.encode(m);
      ControlMessage back = codec.decode(bytes);
      assertEquals(m, back, () -> "round trip of " + m + " via " + Frames.hex(bytes));
      assertEquals(m.getClass(), back.getClass());
      assertNotSame(m, back);
      assertEquals(ControlCodec.FORMAT_VERSION, bytes[0]);
      assertArrayEquals(bytes, codec.encode(back), "re-encoding must give the same bytes");
    }
  }

  @Test
  void emptyOptionsRowShapeAndUnicodeSurvive() {
    JobStart job = (JobStart) codec.decode(codec.encode(
        new JobStart("jöb-日本-🚀", "модель", 16, "bert-classify", Map.of())));
    assertEquals("jöb-日本-🚀", job.jobId());
    assertEquals("модель", job.modelId());
    assertTrue(job.options().isEmpty());

    BatchHeader header = (BatchHeader) codec.decode(codec.encode(new BatchHeader("j", 3, 0, new int[0], 0)));
    assertEquals(0, header.rowShape().length);

    ErrorMessage error = (ErrorMessage) codec.decode(codec.encode(new ErrorMessage(null, ErrorCode.TIMEOUT, "")));
    assertEquals(null, error.jobId());
    assertEquals(ErrorCode.TIMEOUT, error.code());
    assertEquals("", error.message());
  }

  @Test
  void everyErrorCodeRoundTrips() {
    for (ErrorCode code : ErrorCode.values()) {
      ErrorMessage m = new ErrorMessage("job", code, code.name());
      assertEquals(m, codec.decode(codec.encode(m)));
    }
  }

  /** Pins the wire format: a change here breaks peers running the previous build. */
  @Test
  void wireFormatIsTheDocumentedOne() {
    // version 1, Ack id 19, jobId "j" (length + 1 = 2), seq 5 as zigzag varint 10
    assertArrayEquals(Frames.bytes(1, 19, 2, 'j', 10), codec.encode(new Ack("j", 5)));
    // version 1, Hello id 16, "p0", party 0, worker 3 (zigzag 6), protocol 1 (zigzag 2)
    assertArrayEquals(Frames.bytes(1, 16, 3, 'p', '0', 0, 6, 2), codec.encode(new Hello(Hello.P0, 0, 3, 1)));
    // client: party -1 is zigzag 1
    assertArrayEquals(Frames.bytes(1, 16, 7, 'c', 'l', 'i', 'e', 'n', 't', 1, 0, 2),
        codec.encode(new Hello(Hello.CLIENT, -1, 0, 1)));
    // ErrorMessage id 20, null jobId 0, TIMEOUT wire code 8 (zigzag 16), empty message 1
    assertArrayEquals(Frames.bytes(1, 20, 0, 16, 1), codec.encode(new ErrorMessage(null, ErrorCode.TIMEOUT, "")));
    // BatchHeader id 18, "j", seq 1 (2), rows 2 (4), shape [3] (count 1, zigzag 6), chunks 1 (2)
    assertArrayEquals(Frames.bytes(1, 18, 2, 'j', 2, 4, 1, 6, 2), codec.encode(new BatchHeader("j", 1, 2, new int[] {3}, 1)));
    // JobStart id 17, "j", "m", fracBits 16 (32), "c", one option a=b
    assertArrayEquals(Frames.bytes(1, 17, 2, 'j', 2, 'm', 32, 2, 'c', 1, 2, 'a', 2, 'b'),
        codec.encode(new JobStart("j", "m", 16, "c", Map.of("a", "b"))));
  }

  @Test
  void optionsEncodeInKeyOrderWhateverTheInputMapOrder() {
    Map<String, String> forward = new LinkedHashMap<>();
    Map<String, String> backward = new LinkedHashMap<>();
    for (int i = 0; i < 50; i++) {
      forward.put("k" + i, "v" + i);
      backward.put("k" + (49 - i), "v" + (49 - i));
    }
    byte[] a = codec.encode(new JobStart("j", "m", 16, "matmul", forward));
    byte[] b = codec.encode(new JobStart("j", "m", 16, "matmul", new HashMap<>(backward)));
    assertArrayEquals(a, b);
  }

  @Test
  void decodesAFrameInsideALargerBuffer() {
    byte[] frame = codec.encode(new Ack("job-9", 42));
    byte[] buffer = new byte[frame.length + 10];
    java.util.Arrays.fill(buffer, (byte) 0x7f);
    System.arraycopy(frame, 0, buffer, 3, frame.length);
    assertEquals(new Ack("job-9", 42), codec.decode(buffer, 3, frame.length));
  }

  @Test
  void decodedMessagesAreImmutable() {
    JobStart job = (JobStart) codec.decode(codec.encode(new JobStart("j", "m", 16, "c", Map.of("a", "b"))));
    assertThrows(UnsupportedOperationException.class, () -> job.options().put("x", "y"));
    BatchHeader header = (BatchHeader) codec.decode(codec.encode(new BatchHeader("j", 1, 1, new int[] {5}, 1)));
    header.rowShape()[0] = 99;
    assertEquals(5, header.rowShape()[0]);
  }
}
