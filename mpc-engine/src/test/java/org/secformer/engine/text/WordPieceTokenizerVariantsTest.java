package org.secformer.engine.text;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Other settings of a BERT tokenizer.json (cased, no accent stripping, no CJK handling, no cleaning, added-token
 * flags, other post-processors, a short word limit), each against Hugging Face on the same edited JSON.
 */
class WordPieceTokenizerVariantsTest {
  private static List<String> texts;

  @BeforeAll
  static void load() {
    texts = new ArrayList<>(HardCases.all());
    texts.addAll(List.of("a [MASK] b", "a[MASK]b", "x [SEP]y", "[SEP]", "é[SEP]é", "_[SEP]_", "1[SEP]2",
        " [MASK] ", "\u00A0[MASK]\u3000", "word[MASK] [MASK]word", "[MASK][MASK]"));
    List<SpamAssassinFixture> f = SpamAssassinFixture.load();
    for (int i = 0; i < f.size(); i += 4) {
      texts.add(f.get(i).text());
    }
  }

  static ObjectNode normalizer(ObjectNode root) {
    return (ObjectNode) root.get("normalizer");
  }

  static ObjectNode added(ObjectNode root, String content) {
    for (var t : (ArrayNode) root.get("added_tokens")) {
      if (t.get("content").asText().equals(content)) {
        return (ObjectNode) t;
      }
    }
    throw new IllegalArgumentException(content);
  }

  static Stream<Arguments> variants() {
    return Stream.of(
        variant("cased (lowercase=false, strip_accents=null)", r -> normalizer(r).put("lowercase", false)),
        variant("strip_accents=true, lowercase=false",
            r -> normalizer(r).put("lowercase", false).put("strip_accents", true)),
        variant("strip_accents=false, lowercase=true", r -> normalizer(r).put("strip_accents", false)),
        variant("handle_chinese_chars=false", r -> normalizer(r).put("handle_chinese_chars", false)),
        variant("clean_text=false", r -> normalizer(r).put("clean_text", false)),
        variant("no normalizer", r -> r.putNull("normalizer")),
        variant("max_input_chars_per_word=8", r -> ((ObjectNode) r.get("model")).put("max_input_chars_per_word", 8)),
        variant("[MASK] lstrip+rstrip, [SEP] single_word", r -> {
          added(r, "[MASK]").put("lstrip", true).put("rstrip", true);
          added(r, "[SEP]").put("single_word", true);
        }),
        variant("BertProcessing post-processor", r -> {
          ObjectNode pp = r.putObject("post_processor");
          pp.put("type", "BertProcessing");
          pp.putArray("sep").add("[SEP]").add(102);
          pp.putArray("cls").add("[CLS]").add(101);
        }),
        variant("no post-processor", r -> r.putNull("post_processor")));
  }

  static Arguments variant(String name, Consumer<ObjectNode> edit) {
    return Arguments.of(name, edit);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void sameIdsAsHuggingFace(String name, Consumer<ObjectNode> edit) {
    byte[] json = HfOracle.miniLmJson(edit);
    WordPieceTokenizer ours = HfOracle.ours(json);
    List<String> failures = new ArrayList<>();
    try (HuggingFaceTokenizer plain = HfOracle.reference(json, true);
        HuggingFaceTokenizer truncated = HfOracle.reference(json, Map.of("addSpecialTokens", "true",
            "truncation", "true", "padding", "false", "maxLength", "32"))) {
      for (String text : texts) {
        long[] mine = ours.withBuckets().encode(text, Integer.MAX_VALUE).ids();
        long[] theirs = plain.encode(text).getIds();
        if (!Arrays.equals(mine, theirs)) {
          failures.add(WordPieceTokenizerOracleTest.mismatch(name + ": ids", text, mine, theirs));
        }
        mine = ours.encode(text, 32).ids();
        theirs = truncated.encode(text).getIds();
        if (!Arrays.equals(mine, theirs)) {
          failures.add(WordPieceTokenizerOracleTest.mismatch(name + ": ids truncated to 32", text, mine, theirs));
        }
      }
    }
    assertTrue(failures.isEmpty(), () -> failures.size() + " mismatches, first ones:\n"
        + String.join("\n", failures.subList(0, Math.min(10, failures.size()))));
  }
}
