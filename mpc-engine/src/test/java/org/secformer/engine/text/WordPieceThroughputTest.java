package org.secformer.engine.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Throughput on the 1,200 fixture emails (subject + body, max length 128), ours and Hugging Face's through DJL,
 * single-threaded. Reported on stdout and in {@code target/wordpiece-throughput.txt}; not asserted (timings
 * depend on the machine).
 */
class WordPieceThroughputTest {
  private static final int ROUNDS = 10;

  @Test
  void measure() throws IOException {
    List<String> texts = SpamAssassinFixture.load().stream().map(SpamAssassinFixture::text).toList();
    byte[] json = HfOracle.miniLmJson();
    WordPieceTokenizer ours = HfOracle.ours(json);
    long checksum = 0;
    for (int r = 0; r < 3; r++) {
      for (String t : texts) {
        checksum += ours.encode(t, 128).length();
      }
    }
    long t0 = System.nanoTime();
    long tokens = 0;
    for (int r = 0; r < ROUNDS; r++) {
      for (String t : texts) {
        tokens += ours.encode(t, 128).length();
      }
    }
    double oursPerSec = texts.size() * (double) ROUNDS / ((System.nanoTime() - t0) / 1e9);

    long t1 = System.nanoTime();
    for (int r = 0; r < ROUNDS; r++) {
      ours.encodeBatch(texts, 128);
    }
    double oursBatchPerSec = texts.size() * (double) ROUNDS / ((System.nanoTime() - t1) / 1e9);

    double hfPerSec;
    double hfBatchPerSec;
    try (HuggingFaceTokenizer hf = HfOracle.reference(json, Map.of("addSpecialTokens", "true",
        "truncation", "true", "padding", "false", "maxLength", "128"))) {
      for (String t : texts) {
        hf.encode(t);
      }
      long t2 = System.nanoTime();
      long hfTokens = 0;
      for (int r = 0; r < ROUNDS; r++) {
        for (String t : texts) {
          hfTokens += hf.encode(t).getIds().length;
        }
      }
      hfPerSec = texts.size() * (double) ROUNDS / ((System.nanoTime() - t2) / 1e9);
      assertEquals(tokens, hfTokens, "the same number of tokens");
      long t3 = System.nanoTime();
      for (int r = 0; r < ROUNDS; r++) {
        hf.batchEncode(texts);
      }
      hfBatchPerSec = texts.size() * (double) ROUNDS / ((System.nanoTime() - t3) / 1e9);
    }
    String report = String.format("WordPieceTokenizer: %,.0f texts/s single, %,.0f texts/s encodeBatch; "
        + "HF via DJL: %,.0f texts/s encode, %,.0f texts/s batchEncode (%d texts x %d rounds, %.1f tokens/text, "
        + "%d cores)%n", oursPerSec, oursBatchPerSec, hfPerSec, hfBatchPerSec, texts.size(), ROUNDS,
        tokens / (double) (texts.size() * ROUNDS), Runtime.getRuntime().availableProcessors());
    System.out.print(report);
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target", "wordpiece-throughput.txt"), report);
    assertEquals(3 * tokens / ROUNDS, checksum);
  }
}
