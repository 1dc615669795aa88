package org.secformer.shares.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ControlCodecConcurrencyTest {
  private static final int THREADS = 8;
  private static final int ROUNDS = 3_000;

  @Test
  void oneCodecServesManyThreads() throws Exception {
    ControlCodec codec = new ControlCodec();
    List<ControlMessage> shared = Frames.samples();
    List<byte[]> sharedFrames = shared.stream().map(codec::encode).toList();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        Callable<Integer> work = () -> {
          start.await();
          int checked = 0;
          for (int i = 0; i < ROUNDS; i++) {
            ControlMessage own = messageFor(thread, i);
            assertEquals(own, codec.decode(codec.encode(own)));
            int k = (thread + i) % shared.size();
            assertEquals(shared.get(k), codec.decode(sharedFrames.get(k)));
            assertArrayEquals(sharedFrames.get(k), codec.encode(shared.get(k)));
            checked++;
          }
          return checked;
        };
        results.add(pool.submit(work));
      }
      start.countDown();
      int total = 0;
      for (Future<Integer> f : results) {
        total += f.get(2, TimeUnit.MINUTES); // rethrows a worker's assertion failure
      }
      assertEquals(THREADS * ROUNDS, total);
    } finally {
      pool.shutdownNow();
    }
  }

  /** A message whose every field depends on the thread and round, so a mix-up would show. */
  private static ControlMessage messageFor(int thread, int round) {
    String job = "job-" + thread + "-" + round;
    return switch (round % 5) {
      case 0 -> new Hello(Hello.CLIENT, Hello.NO_PARTY, thread, round + 1);
      case 1 -> new JobStart(job, "model-" + thread, thread, "matmul", Map.of("round", "" + round));
      case 2 -> new BatchHeader(job, round, thread, new int[] {thread, round}, round % 7);
      case 3 -> new Ack(job, (long) thread << 32 | round);
      default -> new ErrorMessage(job, ErrorCode.values()[round % ErrorCode.values().length], "t" + thread);
    };
  }
}
