package org.secformer.shares.control;

import com.esotericsoftware.kryo.kryo5.io.Output;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Sample messages and hand-built frames for the codec tests. */
final class Frames {
  private Frames() {}

  static List<ControlMessage> samples() {
    return List.of(
        new Hello(Hello.P0, 0, 0, 1),
        new Hello(Hello.P1, 1, 7, 3),
        new Hello(Hello.DEALER, 2, 12, Integer.MAX_VALUE),
        new Hello(Hello.CLIENT, Hello.NO_PARTY, 255, 1),
        new JobStart("job-1", "minilm-l6", 16, "bert-classify", Map.of()),
        new JobStart("job-2", "bert-base", 12, "matmul",
            Map.of("attention", "2quad", "seqLen", "128", "batch", "32")),
        new JobStart("jöb-ü-日本", "модель", 0, "matmul", Map.of("ключ", "值 🚀", "ε", "")),
        new BatchHeader("job-1", 0, 32, new int[] {128, 384}, 4),
        new BatchHeader("job-1", Long.MAX_VALUE, 0, new int[0], 0),
        new BatchHeader("job-3", 1L << 40, Integer.MAX_VALUE, new int[] {0, Integer.MAX_VALUE, 1}, 1),
        new Ack("job-1", 0),
        new Ack("job-1", Long.MAX_VALUE),
        new ErrorMessage("job-1", ErrorCode.UNKNOWN_MODEL, "model bert-huge is not loaded"),
        new ErrorMessage(null, ErrorCode.UNAUTHORIZED, ""),
        new ErrorMessage("job-🙂", ErrorCode.INTERNAL, "Fehler: Überlauf ∑ 🚀"),
        new JobEnd("job-1"),
        new JobReport("job-1", 1, 3, 96, 42, 1L << 33, 1L << 33, 12345, 999_999_999L, Long.MAX_VALUE,
            Map.of("mul", "1,16,16", "trunc", "2,8,8")),
        new JobReport("job-2", 0, 0, 0, 0, 0, 0, 0, 0, 0, Map.of()),
        new SeedRequest("job-1"),
        new SeedGrant("job-1", Long.MIN_VALUE, -1L),
        new CorrelationAsk("job-1", 7, "MATMUL_FIXED_B", new int[] {128, 768, 768}, "model/W"),
        new CorrelationAsk("job-1", 0, "MUL_TRIPLE", new int[0], ""));
  }

  /** A frame built by hand: the version byte, then whatever {@code body} writes. */
  static byte[] frame(Consumer<Output> body) {
    Output out = new Output(64, -1);
    out.writeByte(ControlCodec.FORMAT_VERSION);
    body.accept(out);
    return out.toBytes();
  }

  /** A string field as the wire format writes it: varint (length + 1), then UTF-8. */
  static void string(Output out, String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    out.writeVarInt(utf8.length + 1, true);
    out.writeBytes(utf8);
  }

  static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  static String hex(byte[] b) {
    StringBuilder s = new StringBuilder();
    for (byte x : b) {
      s.append(String.format("%02x ", x));
    }
    return s.toString().trim() + " (" + Arrays.toString(b) + ")";
  }
}
