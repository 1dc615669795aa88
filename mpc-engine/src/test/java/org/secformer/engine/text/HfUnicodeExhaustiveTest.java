package org.secformer.engine.text;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every Unicode scalar value, alone and inside a word, through our tokenizer and Hugging Face's: once with the
 * real MiniLM vocabulary (ids), and once per normalizer configuration through a byte-fallback probe model that
 * shows the exact words normalization and pre-tokenization produce.
 *
 * <p>Planes 0, 1 and 14 are covered code point by code point, and so are the edges of the CJK ranges and the
 * compatibility ideographs (which decompose) in planes 2-3; elsewhere in planes 2-3 (ideographs only) every 7th
 * code point is taken, and in the unassigned planes 4-13 and the private-use planes 15-16 every 61st. Run with
 * {@code -Dsecformer.exhaustive=full} for all 1,112,064 scalar values.
 */
@org.junit.jupiter.api.Tag("slow")
class HfUnicodeExhaustiveTest {
  private static final int CHUNK = 256;
  private static final boolean FULL = "full".equals(System.getProperty("secformer.exhaustive"));

  static boolean covered(int cp) {
    if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
      return false;
    }
    int plane = cp >>> 16;
    if (FULL || plane <= 1 || plane == 14) {
      return true;
    }
    if (plane <= 3) {
      return cp % 7 == 0 || (cp >= 0x2A600 && cp <= 0x2A7FF) || (cp >= 0x2B700 && cp <= 0x2B9FF)
          || (cp >= 0x2CE00 && cp <= 0x2CFFF) || (cp >= 0x2F800 && cp <= 0x2FFFF) || (cp >= 0x31300 && cp <= 0x313FF);
    }
    return cp % 61 == 0;
  }

  /** The probe text for one code point: alone, and between letters. */
  static String probe(int cp) {
    String c = new String(Character.toChars(cp));
    return c + " a" + c + "b ";
  }

  static List<int[]> chunks() {
    List<int[]> chunks = new ArrayList<>();
    int[] cur = new int[CHUNK];
    int n = 0;
    for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
      if (!covered(cp)) {
        continue;
      }
      cur[n++] = cp;
      if (n == CHUNK) {
        chunks.add(cur);
        cur = new int[CHUNK];
        n = 0;
      }
    }
    if (n > 0) {
      chunks.add(Arrays.copyOf(cur, n));
    }
    return chunks;
  }

  static String text(int[] cps) {
    StringBuilder sb = new StringBuilder();
    for (int cp : cps) {
      sb.append(probe(cp));
    }
    return sb.toString();
  }

  /**
   * Compares {@code ours} with {@code theirs} chunk by chunk; where a chunk differs, each of its code points
   * alone. Returns the differing code points with both results.
   */
  static <T> List<String> compareAll(Function<String, T> ours, Function<String[], List<T>> theirs) {
    List<int[]> chunks = chunks();
    List<String> diffs = new ArrayList<>();
    int batch = 64;
    for (int b = 0; b < chunks.size(); b += batch) {
      List<int[]> part = chunks.subList(b, Math.min(chunks.size(), b + batch));
      String[] texts = part.stream().map(HfUnicodeExhaustiveTest::text).toArray(String[]::new);
      List<T> ref = theirs.apply(texts);
      for (int i = 0; i < texts.length; i++) {
        if (!Objects.equals(ours.apply(texts[i]), ref.get(i))) {
          int[] cps = part.get(i);
          String[] single = Arrays.stream(cps).mapToObj(HfUnicodeExhaustiveTest::probe).toArray(String[]::new);
          List<T> refSingle = theirs.apply(single);
          for (int k = 0; k < cps.length; k++) {
            T mine = ours.apply(single[k]);
            if (!Objects.equals(mine, refSingle.get(k))) {
              diffs.add(String.format("U+%04X (type %d): ours %s, HF %s", cps[k], Character.getType(cps[k]),
                  mine, refSingle.get(k)));
            }
          }
        }
      }
    }
    return diffs;
  }

  static String report(List<String> diffs) {
    try {
      java.nio.file.Files.createDirectories(java.nio.file.Path.of("target"));
      java.nio.file.Files.write(java.nio.file.Path.of("target", "hf-unicode-diffs.txt"), diffs,
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return diffs.size() + " code points differ:\n" + String.join("\n", diffs.subList(0, Math.min(400,
        diffs.size())));
  }

  @Test
  void everyCodePointGivesTheSameIdsWithTheMiniLmVocabulary() {
    byte[] json = HfOracle.miniLmJson();
    WordPieceTokenizer ours = HfOracle.ours(json);
    try (HuggingFaceTokenizer ref = HfOracle.reference(json, false)) {
      List<String> diffs = compareAll(t -> Arrays.toString(HfOracle.toLong(ours.tokenIds(t))),
          texts -> Arrays.stream(ref.batchEncode(texts)).map(e -> Arrays.toString(e.getIds())).toList());
      assertTrue(diffs.isEmpty(), () -> report(diffs));
    }
  }

  static Stream<Arguments> normalizers() {
    return Stream.of(
        Arguments.of("MiniLM: clean, chinese, strip=null, lower", HfOracle.bertNormalizer(true, true, null, true)),
        Arguments.of("cased: clean, chinese, no strip, no lower", HfOracle.bertNormalizer(true, true, null, false)),
        Arguments.of("lower without strip", HfOracle.bertNormalizer(true, true, false, true)),
        Arguments.of("strip without lower", HfOracle.bertNormalizer(true, true, true, false)),
        Arguments.of("nothing: pre-tokenizer only", HfOracle.bertNormalizer(false, false, false, false)),
        Arguments.of("no clean_text, all else", HfOracle.bertNormalizer(false, true, true, true)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("normalizers")
  void everyCodePointNormalizesAndPreTokenizesTheSame(String name, ObjectNode normalizer) {
    WordPieceTokenizer ours = HfOracle.ours(HfOracle.miniLmJson(root -> root.set("normalizer", normalizer)));
    try (HuggingFaceTokenizer ref = HfOracle.reference(HfOracle.byteProbeJson(normalizer), false)) {
      List<String> diffs = compareAll(ours::preTokenize,
          texts -> Arrays.stream(ref.batchEncode(texts)).map(HfOracle::probeWords).toList());
      assertTrue(diffs.isEmpty(), () -> name + ": " + report(diffs));
    }
  }

  @SuppressWarnings("unused")
  private static List<String> words(Encoding e) {
    return HfOracle.probeWords(e);
  }
}
