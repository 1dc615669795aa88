package org.secformer.engine.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Throughput on the 1,200 fixture emails (subject + body, max length 128), ours and Hugging Face's through DJL,
 * on one thread: the median and the best of 15 timed passes over the 1,200 texts, after warm-up. Reported on
 * stdout and in {@code target/wordpiece-throughput.txt}; not asserted (timings depend on the machine).
 */
@org.junit.jupiter.api.Tag("slow")
class WordPieceThroughputTest {
  private static final int ROUNDS = 15;
  private static final int WARMUP = 5;

  interface Pass {
    long run();
  }

  private static final java.lang.management.ThreadMXBean THREADS =
      java.lang.management.ManagementFactory.getThreadMXBean();

  /**
   * Texts per second of each pass, sorted: [0] by wall clock, [1] by this thread's CPU time (less disturbed by
   * other processes on a busy machine; the DJL passes also use Rust threads, which it does not count).
   */
  private static double[][] time(Pass pass, int texts) {
    for (int i = 0; i < WARMUP; i++) {
      pass.run();
    }
    double[][] perSec = new double[2][ROUNDS];
    for (int i = 0; i < ROUNDS; i++) {
      long c0 = THREADS.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      pass.run();
      perSec[0][i] = texts / ((System.nanoTime() - t0) / 1e9);
      perSec[1][i] = texts / ((THREADS.getCurrentThreadCpuTime() - c0) / 1e9);
    }
    Arrays.sort(perSec[0]);
    Arrays.sort(perSec[1]);
    return perSec;
  }

  private static String fmt(String what, double[][] perSec) {
    return String.format("%s %,.0f texts/s wall median (best %,.0f), %,.0f per CPU-second median", what,
        perSec[0][ROUNDS / 2], perSec[0][ROUNDS - 1], perSec[1][ROUNDS / 2]);
  }

  @Test
  void measure() throws IOException {
    List<String> texts = SpamAssassinFixture.load().stream().map(SpamAssassinFixture::text).toList();
    byte[] json = HfOracle.miniLmJson();
    HfOracle.ours(json); // warm-up of the loading code
    long load0 = System.nanoTime();
    WordPieceTokenizer ours = HfOracle.ours(json);
    double loadMs = (System.nanoTime() - load0) / 1e6;

    long[] tokens = new long[1];
    double[][] single = time(() -> {
      long n = 0;
      for (String t : texts) {
        n += ours.encode(t, 128).length();
      }
      tokens[0] = n;
      return n;
    }, texts.size());
    double[][] batch = time(() -> ours.encodeBatch(texts, 128).size(), texts.size());
    double[][] hfSingle;
    double[][] hfBatch;
    try (HuggingFaceTokenizer hf = HfOracle.reference(json, Map.of("addSpecialTokens", "true",
        "truncation", "true", "padding", "false", "maxLength", "128"))) {
      long hfTokens = 0;
      for (String t : texts) {
        hfTokens += hf.encode(t).getIds().length;
      }
      assertEquals(tokens[0], hfTokens, "the same number of tokens");
      hfSingle = time(() -> {
        long n = 0;
        for (String t : texts) {
          n += hf.encode(t).getIds().length;
        }
        return n;
      }, texts.size());
      hfBatch = time(() -> hf.batchEncode(texts).length, texts.size());
    }
    String report = String.format("%s;%n%s;%nHF via DJL: %s;%n%s;%n%d texts, %.1f tokens/text, %d cores, "
        + "load average %.1f; loading tokenizer.json %.0f ms%n",
        fmt("WordPieceTokenizer.encode", single), fmt("encodeBatch", batch), fmt("encode", hfSingle),
        fmt("batchEncode", hfBatch), texts.size(), tokens[0] / (double) texts.size(),
        Runtime.getRuntime().availableProcessors(),
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), loadMs);
    System.out.print(report);
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target", "wordpiece-throughput.txt"), report);
  }
}
