package org.secformer.engine.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our ids against Hugging Face tokenizers (Rust, via DJL) on the MiniLM tokenizer.json: 3,600 texts from 1,200
 * real emails and the hand-written hard cases, without truncation, truncated, and padded to the bucket.
 */
class WordPieceTokenizerOracleTest {
  private static final int[] MAX_LENGTHS = {8, 16, 32, 64, 128};

  private static WordPieceTokenizer ours;
  private static HuggingFaceTokenizer hfPlain;
  private static HuggingFaceTokenizer hfSpecial;
  private static final Map<Integer, HuggingFaceTokenizer> HF_TRUNCATED = new TreeMap<>();
  private static final Map<Integer, HuggingFaceTokenizer> HF_PADDED = new TreeMap<>();
  private static List<String> realTexts;

  @BeforeAll
  static void load() {
    byte[] json = HfOracle.miniLmJson();
    ours = HfOracle.ours(json);
    hfPlain = HfOracle.reference(json, false);
    hfSpecial = HfOracle.reference(json, true);
    for (int max : MAX_LENGTHS) {
      HF_TRUNCATED.put(max, HfOracle.reference(json, Map.of("addSpecialTokens", "true", "truncation", "true",
          "padding", "false", "maxLength", Integer.toString(max))));
    }
    for (int bucket : WordPieceTokenizer.DEFAULT_BUCKETS) {
      HF_PADDED.put(bucket, HfOracle.reference(json, Map.of("addSpecialTokens", "true", "truncation", "true",
          "padding", "max_length", "maxLength", Integer.toString(bucket))));
    }
    realTexts = new ArrayList<>();
    for (SpamAssassinFixture f : SpamAssassinFixture.load()) {
      realTexts.add(f.subject());
      realTexts.add(f.body());
      realTexts.add(f.text());
    }
  }

  @AfterAll
  static void close() {
    hfPlain.close();
    hfSpecial.close();
    HF_TRUNCATED.values().forEach(HuggingFaceTokenizer::close);
    HF_PADDED.values().forEach(HuggingFaceTokenizer::close);
  }

  static Stream<String> hardCases() {
    return HardCases.all().stream();
  }

  static String mismatch(String what, String text, long[] mine, long[] theirs) {
    return what + " differs for text " + HfOracle.describe(text) + "\n  ours: " + HfOracle.ids(mine)
        + "\n  HF:   " + HfOracle.ids(theirs);
  }

  /** Every comparison for one text; returns the failures (empty if all equal). */
  static List<String> compare(String text) {
    List<String> failures = new ArrayList<>();
    long[] mine = HfOracle.toLong(ours.tokenIds(text));
    long[] theirs = hfPlain.encode(text).getIds();
    if (!java.util.Arrays.equals(mine, theirs)) {
      failures.add(mismatch("ids without special tokens", text, mine, theirs));
    }
    mine = ours.withBuckets().encode(text, Integer.MAX_VALUE).ids();
    theirs = hfSpecial.encode(text).getIds();
    if (!java.util.Arrays.equals(mine, theirs)) {
      failures.add(mismatch("ids with [CLS]/[SEP], not truncated", text, mine, theirs));
    }
    for (int max : MAX_LENGTHS) {
      mine = ours.encode(text, max).ids();
      theirs = HF_TRUNCATED.get(max).encode(text).getIds();
      if (!java.util.Arrays.equals(mine, theirs)) {
        failures.add(mismatch("ids truncated to " + max, text, mine, theirs));
      }
    }
    return failures;
  }

  @Test
  void realEmailsGiveExactlyTheSameIds() {
    assertEquals(3600, realTexts.size());
    List<String> failures = new ArrayList<>();
    int truncated = 0;
    for (String text : realTexts) {
      failures.addAll(compare(text));
      if (ours.tokenIds(text).length > 126) {
        truncated++;
      }
    }
    assertTrue(failures.isEmpty(), () -> failures.size() + " mismatches, first ones:\n"
        + String.join("\n", failures.subList(0, Math.min(10, failures.size()))));
    assertTrue(truncated > 100, "the fixture should exercise truncation at 128, only " + truncated + " texts do");
  }

  @ParameterizedTest
  @MethodSource("hardCases")
  void hardCaseGivesExactlyTheSameIds(String text) {
    List<String> failures = compare(text);
    assertTrue(failures.isEmpty(), () -> String.join("\n", failures));
  }

  @Test
  void knownExampleFromTheDjlCheck() {
    assertArrayEquals(new long[] {101, 7592, 2088, 1010, 4895, 8671, 2666, 3567, 6321, 2204, 999, 102},
        ours.encode("Hello world, unbelievably good!", 128).ids());
  }

  @Test
  void bucketPaddingAndAttentionMaskEqualHfPaddedToTheSameLength() {
    List<String> texts = new ArrayList<>(realTexts);
    texts.addAll(HardCases.all());
    Map<Integer, Integer> perBucket = new TreeMap<>();
    for (String text : texts) {
      WordPieceTokenizer.Encoding e = ours.encode(text, 128);
      int bucket = e.paddedLength();
      perBucket.merge(bucket, 1, Integer::sum);
      ai.djl.huggingface.tokenizers.Encoding ref = HF_PADDED.get(bucket).encode(text);
      String where = " for text " + HfOracle.describe(text);
      assertArrayEquals(ref.getIds(), e.inputIds(), () -> mismatch("padded ids", text, e.inputIds(),
          ref.getIds()));
      assertArrayEquals(ref.getAttentionMask(), e.attentionMask(), "attention mask" + where);
      assertArrayEquals(ref.getTypeIds(), e.tokenTypeIds(), "token type ids" + where);
      // the bucket is the smallest that holds the sequence
      assertTrue(e.length() <= bucket, "length exceeds bucket" + where);
      int i = java.util.Arrays.binarySearch(WordPieceTokenizer.DEFAULT_BUCKETS, bucket);
      assertTrue(i == 0 || WordPieceTokenizer.DEFAULT_BUCKETS[i - 1] < e.length(), "bucket not minimal" + where);
    }
    assertEquals(4, perBucket.size(), () -> "all four buckets should occur: " + perBucket);
  }
}
