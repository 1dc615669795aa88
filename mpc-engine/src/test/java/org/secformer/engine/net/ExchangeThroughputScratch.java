package org.secformer.engine.net;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.junit.jupiter.api.Test;
import org.secformer.engine.tls.CertTool;

/**
 * Scratch measurement, not a test (surefire skips it by name): exchange throughput of a 128x768 tensor
 * over the loopback TLS link, raw little-endian longs versus Arrow IPC bytes. Run with {@code mvn -pl
 * mpc-engine test -Dtest=ExchangeThroughputScratch}.
 */
public class ExchangeThroughputScratch {
  private static final int N = 128 * 768;
  private static final int WARMUP = 20;
  private static final int ROUNDS = 100;

  public static void main(String[] args) throws Exception {
    new ExchangeThroughputScratch().measure();
  }

  @Test
  void measure() throws Exception {
    Path certs = Files.createTempDirectory("certs");
    CertTool.generate(certs, Duration.ofDays(1));
    long[] data = new long[N];
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < N; i++) {
      data[i] = r.nextLong();
    }
    // alternate raw and Arrow several times to even out a noisy shared machine; the first pass is warm-up
    try (PeerLinks links = PeerLinks.loopback(certs, "bench", NetOptions.defaults());
        BufferAllocator alloc = new RootAllocator()) {
      for (int rep = 0; rep < 4; rep++) {
        report("raw longs      ", links, ch -> ch.exchange("raw", data));
        report("Arrow IPC bytes", links,
            ch -> fromArrow(alloc, unpack(ch.exchange("arrow", pack(toArrow(alloc, data))))));
      }
    }
    try (BufferAllocator alloc = new RootAllocator()) {
      // encoding alone, no network
      long t0 = System.nanoTime();
      int sz = 0;
      for (int i = 0; i < ROUNDS; i++) {
        sz = fromArrow(alloc, toArrow(alloc, data)).length;
      }
      double arrowMs = (System.nanoTime() - t0) / 1e6 / ROUNDS;
      System.out.printf("Arrow IPC encode+decode alone: %.3f ms per tensor (%d elements), IPC size %d B vs raw %d B%n",
          arrowMs, sz, toArrow(alloc, data).length, 8 * N);
    }
  }

  private static void report(String name, PeerLinks links, Function<NettyPeerChannel, long[]> body) throws Exception {
    for (int i = 0; i < WARMUP; i++) {
      Parties.run(links, body);
    }
    long wire0 = links.p0().wireBytesSent();
    long t0 = System.nanoTime();
    for (int i = 0; i < ROUNDS; i++) {
      List<long[]> got = Parties.run(links, body);
      if (got.get(0).length != N) {
        throw new AssertionError("wrong length");
      }
    }
    double s = (System.nanoTime() - t0) / 1e9;
    double perDir = 8.0 * N * ROUNDS / s / 1e6;
    System.out.printf("%s: %.2f ms per exchange of %d longs; payload %.1f MB/s per direction (%.1f MB/s both), "
            + "wire bytes per exchange at P0 %d%n",
        name, s * 1e3 / ROUNDS, N, perDir, 2 * perDir, (links.p0().wireBytesSent() - wire0) / ROUNDS);
  }

  private static byte[] toArrow(BufferAllocator alloc, long[] v) {
    try (BigIntVector vec = new BigIntVector("x", alloc)) {
      vec.allocateNew(v.length);
      for (int i = 0; i < v.length; i++) {
        vec.set(i, v[i]);
      }
      vec.setValueCount(v.length);
      try (VectorSchemaRoot root = VectorSchemaRoot.of(vec);
          ByteArrayOutputStream out = new ByteArrayOutputStream(8 * v.length + 512);
          ArrowStreamWriter w = new ArrowStreamWriter(root, null, Channels.newChannel(out))) {
        w.start();
        w.writeBatch();
        w.end();
        return out.toByteArray();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long[] fromArrow(BufferAllocator alloc, byte[] bytes) {
    try (ArrowStreamReader rd = new ArrowStreamReader(new ByteArrayInputStream(bytes), alloc)) {
      rd.loadNextBatch();
      BigIntVector vec = (BigIntVector) rd.getVectorSchemaRoot().getVector(0);
      long[] v = new long[vec.getValueCount()];
      for (int i = 0; i < v.length; i++) {
        v[i] = vec.get(i);
      }
      return v;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Bytes into longs (8-byte length prefix, zero padding), so they ride the same exchange. */
  private static long[] pack(byte[] b) {
    long[] v = new long[1 + (b.length + 7) / 8];
    v[0] = b.length;
    ByteBuffer bb = ByteBuffer.allocate(8 * (v.length - 1)).order(ByteOrder.LITTLE_ENDIAN).put(b);
    bb.flip();
    bb.asLongBuffer().get(v, 1, v.length - 1);
    return v;
  }

  private static byte[] unpack(long[] v) {
    ByteBuffer bb = ByteBuffer.allocate(8 * (v.length - 1)).order(ByteOrder.LITTLE_ENDIAN);
    bb.asLongBuffer().put(v, 1, v.length - 1);
    byte[] b = new byte[(int) v[0]];
    bb.get(b);
    return b;
  }
}
