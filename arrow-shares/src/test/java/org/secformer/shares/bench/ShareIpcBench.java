package org.secformer.shares.bench;

import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.secformer.shares.arrow.ShareBatch;
import org.secformer.shares.arrow.ShareIpc;
import org.secformer.shares.prg.Prg;
import org.secformer.shares.ring.RingTensor;

/**
 * Arrow IPC encoding of one party's share of a 32 x 128 x 768 batch (32 sequences of 128 tokens, hidden
 * 768: 25.2 MB of payload). Scores are batches per second; MB/s = score x 25.17.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "--add-opens=java.base/java.nio=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@State(Scope.Benchmark)
public class ShareIpcBench {
  private BufferAllocator allocator;
  private ShareIpc ipc;
  private ShareBatch batch;
  private byte[] encoded;

  @Setup
  public void setup() {
    allocator = new RootAllocator();
    ipc = new ShareIpc(allocator);
    RingTensor payload = Prg.fromSystemRandom().uniform(32, 128, 768);
    long[] rows = new long[32];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = i;
    }
    batch = new ShareBatch("bench", 0, 16, rows, payload);
    encoded = ipc.toBytes(batch);
  }

  @TearDown
  public void tearDown() {
    allocator.close();
  }

  @Benchmark
  public byte[] encode() {
    return ipc.toBytes(batch);
  }

  @Benchmark
  public ShareBatch decode() {
    return ipc.fromBytes(encoded);
  }
}
