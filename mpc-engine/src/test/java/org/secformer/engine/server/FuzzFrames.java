package org.secformer.engine.server;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.secformer.engine.net.FrameType;
import org.secformer.engine.net.Wire;
import org.secformer.shares.control.Ack;
import org.secformer.shares.control.ControlCodec;
import org.secformer.shares.control.ControlMessage;
import org.secformer.shares.control.JobEnd;
import org.secformer.shares.control.JobReport;
import org.secformer.shares.control.SeedGrant;
import org.secformer.shares.control.SeedRequest;

/**
 * Hostile input for the engine's links, drawn from a seeded random source: raw wire bytes (length prefix
 * included) of one fuzz case per call. Builds frames by hand, so it can write what the engine's own encoder
 * refuses to (bad magic, unknown types, lying lengths).
 */
final class FuzzFrames {
  /** What a case tries; each names the defence it probes. */
  enum Family {
    RANDOM_BYTES,
    TRUNCATED_FRAME,
    OVERSIZED_LENGTH,
    UNKNOWN_TYPE,
    BAD_MAGIC_OR_VERSION,
    LYING_PAYLOAD_LENGTH,
    WRONG_JOB_ID,
    GARBAGE_CONTROL,
    WRONG_MOMENT,
    BAD_TENSOR
  }

  static final ControlCodec CODEC = new ControlCodec();

  private final SplittableRandom rnd;
  private final int maxFrameBytes;

  FuzzFrames(long seed, int maxFrameBytes) {
    this.rnd = new SplittableRandom(seed);
    this.maxFrameBytes = maxFrameBytes;
  }

  SplittableRandom random() {
    return rnd;
  }

  Family family() {
    Family[] all = Family.values();
    return all[rnd.nextInt(all.length)];
  }

  /** One case of {@code family}; {@code job} is a job id the target may know (or not). */
  byte[] make(Family family, String job) {
    return switch (family) {
      case RANDOM_BYTES -> randomBytes(rnd.nextInt(1, 200));
      case TRUNCATED_FRAME -> {
        byte[] whole = validFrame(job);
        yield Arrays.copyOf(whole, rnd.nextInt(1, whole.length));
      }
      case OVERSIZED_LENGTH -> {
        ByteBuffer b = ByteBuffer.allocate(4 + rnd.nextInt(0, 64));
        long length = maxFrameBytes - 3L + rnd.nextLong(0, 0xFFFF_FFFFL - maxFrameBytes + 4);
        b.putInt((int) length);
        while (b.hasRemaining()) {
          b.put((byte) rnd.nextInt());
        }
        yield b.array();
      }
      case UNKNOWN_TYPE -> {
        int type;
        do {
          type = rnd.nextInt(256);
        } while (FrameType.fromCode((byte) type) != null);
        yield frame(Wire.MAGIC, Wire.VERSION, type, job, 0, randomBytes(rnd.nextInt(0, 40)));
      }
      case BAD_MAGIC_OR_VERSION -> rnd.nextBoolean()
          ? frame((byte) (Wire.MAGIC + rnd.nextInt(1, 256)), Wire.VERSION, FrameType.CONTROL.code(), job, 0,
              control(new JobEnd(job)))
          : frame(Wire.MAGIC, (byte) (Wire.VERSION + rnd.nextInt(1, 256)), FrameType.CONTROL.code(), job, 0,
              control(new JobEnd(job)));
      case LYING_PAYLOAD_LENGTH -> {
        byte[] f = validFrame(job);
        int jobLen = f[7] & 0xFF;
        ByteBuffer.wrap(f).putInt(16 + jobLen, rnd.nextInt()); // P no longer matches the frame length
        yield f;
      }
      case WRONG_JOB_ID -> frame(Wire.MAGIC, Wire.VERSION, FrameType.CONTROL.code(), "stranger-" + rnd.nextInt(1000),
          rnd.nextLong(100), control(new JobEnd("stranger-" + rnd.nextInt(1000))));
      case GARBAGE_CONTROL -> frame(Wire.MAGIC, Wire.VERSION, FrameType.CONTROL.code(), job, rnd.nextLong(100),
          garbageControl(job));
      case WRONG_MOMENT -> wrongMoment(job);
      case BAD_TENSOR -> frame(Wire.MAGIC, Wire.VERSION,
          (rnd.nextBoolean() ? FrameType.TENSOR : FrameType.TENSOR_CHUNK).code(), job, rnd.nextLong(4), badTensor());
    };
  }

  /** A frame as {@link Wire} lays it out, with whatever fields the caller chooses. */
  static byte[] frame(byte magic, byte version, int type, String job, long seq, byte[] payload) {
    byte[] id = job.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(Wire.FIXED_HEADER_BYTES + id.length + payload.length);
    b.putInt(b.capacity() - Wire.LENGTH_FIELD_BYTES);
    b.put(magic).put(version).put((byte) type).put((byte) id.length).put(id);
    b.putLong(seq).putInt(payload.length).put(payload);
    return b.array();
  }

  static byte[] frame(FrameType type, String job, long seq, byte[] payload) {
    return frame(Wire.MAGIC, Wire.VERSION, type.code(), job, seq, payload);
  }

  static byte[] control(ControlMessage m) {
    return CODEC.encode(m);
  }

  /** A tensor payload per {@link Wire#TENSOR_PAYLOAD_LAYOUT} with free header fields. */
  static byte[] tensorPayload(String tag, int total, int offset, long[] values) {
    byte[] t = tag.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(Wire.TENSOR_FIXED_BYTES + t.length + 8 * values.length);
    b.putShort((short) t.length).put(t).putInt(total).putInt(offset);
    b.order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      b.putLong(v);
    }
    return b.array();
  }

  private byte[] validFrame(String job) {
    return frame(FrameType.CONTROL, job, rnd.nextLong(100), control(new JobEnd(job)));
  }

  private byte[] wrongMoment(String job) {
    return switch (rnd.nextInt(8)) {
      case 0 -> frame(FrameType.HELLO, job, 0, new byte[0]);
      case 1 -> frame(FrameType.CONTROL, job, 1, control(new SeedGrant(job, rnd.nextLong(), rnd.nextLong())));
      case 2 -> frame(FrameType.CONTROL, job, 2, control(new Ack(job, 2)));
      case 3 -> frame(FrameType.CONTROL, job, 3, control(new JobReport(job, 0, 1, 1, 1, 1, 1, 1, 1, 1, Map.of())));
      case 4 -> frame(FrameType.CONTROL, job, 4, control(new JobEnd(job)));
      case 5 -> frame(FrameType.ARROW, job, 5, randomBytes(rnd.nextInt(0, 64)));
      case 6 -> frame(FrameType.TENSOR, job, 6, tensorPayload("corrections", 2, 0, new long[] {1, 2}));
      default -> frame(FrameType.CONTROL, job, 7, control(new SeedRequest(job)));
    };
  }

  private byte[] garbageControl(String job) {
    return switch (rnd.nextInt(4)) {
      case 0 -> randomBytes(rnd.nextInt(0, 60));
      case 1 -> {
        byte[] b = randomBytes(rnd.nextInt(1, 60));
        b[0] = ControlCodec.FORMAT_VERSION;
        yield b;
      }
      case 2 -> { // a valid message with some bytes changed (one every link answers on its event loop)
        byte[] b = control(new JobReport(job, 0, 1, 2, 3, 4, 5, 6, 7, 8, Map.of("MUL_TRIPLE", "1,2,3")));
        for (int i = rnd.nextInt(1, 4); i > 0; i--) {
          b[rnd.nextInt(1, b.length)] = (byte) rnd.nextInt();
        }
        yield b;
      }
      default -> { // a valid message cut short or with trailing bytes
        byte[] b = control(new JobEnd(job));
        yield rnd.nextBoolean() ? Arrays.copyOf(b, rnd.nextInt(1, b.length)) : concat(b, randomBytes(rnd.nextInt(1, 8)));
      }
    };
  }

  private byte[] badTensor() {
    return switch (rnd.nextInt(6)) {
      case 0 -> randomBytes(rnd.nextInt(0, Wire.TENSOR_FIXED_BYTES)); // shorter than its header
      case 1 -> { // tag length overruns the payload
        byte[] p = tensorPayload("x", 1, 0, new long[] {1});
        p[0] = (byte) 0x7F;
        yield p;
      }
      case 2 -> { // element bytes not a multiple of 8
        byte[] p = tensorPayload("corrections", 2, 0, new long[] {1, 2});
        yield Arrays.copyOf(p, p.length - rnd.nextInt(1, 8));
      }
      case 3 -> tensorPayload("corrections", rnd.nextInt(0, 3), rnd.nextInt(-5, 5), new long[] {1, 2, 3}); // outside total
      case 4 -> tensorPayload("corrections", Integer.MAX_VALUE - rnd.nextInt(100), 0, new long[] {1}); // huge announced total
      default -> tensorPayload("t", -rnd.nextInt(1, 1000), 0, new long[0]);
    };
  }

  byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) rnd.nextInt();
    }
    return b;
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** Whether {@code bytes} hold at least one whole frame (or a length prefix the engine must refuse at once). */
  static boolean holdsACompleteFrame(byte[] bytes, int maxFrameBytes) {
    if (bytes.length < 4) {
      return false;
    }
    long length = ByteBuffer.wrap(bytes).getInt() & 0xFFFF_FFFFL;
    return length + 4 > maxFrameBytes || length + 4 <= bytes.length;
  }

  /** The (type, job, seq, payload) of each whole frame in {@code bytes}. */
  record Parsed(int type, String job, long seq, byte[] payload) {
    String errorText() {
      return new String(payload, StandardCharsets.UTF_8);
    }
  }

  static List<Parsed> parse(byte[] bytes) {
    List<Parsed> out = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(bytes);
    while (b.remaining() >= Wire.FIXED_HEADER_BYTES) {
      int start = b.position();
      int length = b.getInt();
      if (b.remaining() < length) {
        b.position(start);
        break;
      }
      b.get(); // magic
      b.get(); // version
      int type = b.get() & 0xFF;
      byte[] id = new byte[b.get() & 0xFF];
      b.get(id);
      long seq = b.getLong();
      byte[] payload = new byte[b.getInt()];
      b.get(payload);
      out.add(new Parsed(type, new String(id, StandardCharsets.UTF_8), seq, payload));
    }
    return out;
  }
}
