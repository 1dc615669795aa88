package org.secformer.engine.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** API behaviour: special tokens, truncation, buckets, batches, errors. */
class WordPieceTokenizerTest {
  private static final long CLS = 101;
  private static final long SEP = 102;

  private static WordPieceTokenizer tok;

  @BeforeAll
  static void load() {
    tok = WordPieceTokenizer.fromResource(HfOracle.MINILM_RESOURCE);
  }

  @Test
  void vocabularyAndSpecialIds() {
    assertEquals(30522, tok.vocabSize());
    assertEquals(101, tok.id("[CLS]"));
    assertEquals("[SEP]", tok.token(102));
    assertEquals(100, tok.unknownId());
    assertEquals(0, tok.padId());
    assertEquals(2, tok.specialCount());
    assertEquals(-1, tok.id("no-such-token"));
    assertEquals(null, tok.token(-1));
    assertArrayEquals(new int[] {16, 32, 64, 128}, tok.buckets());
  }

  @Test
  void nullTextIsRejectedClearly() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tok.encode(null, 32));
    assertTrue(e.getMessage().contains("null"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> tok.tokenIds(null));
    e = assertThrows(IllegalArgumentException.class, () -> tok.encodeBatch(Arrays.asList("a", null), 32));
    assertTrue(e.getMessage().contains("1"), e.getMessage());
  }

  @Test
  void emptyAndWhitespaceOnlyTextsGiveClsSep() {
    for (String text : List.of("", " ", "\t\n\r ", "\u3000\u00A0", "\u200B\u0000\uFEFF")) {
      WordPieceTokenizer.Encoding e = tok.encode(text, 128);
      assertArrayEquals(new long[] {CLS, SEP}, e.ids(), HfOracle.describe(text));
      assertEquals(2, e.length());
      assertEquals(16, e.paddedLength());
      long[] mask = new long[16];
      mask[0] = 1;
      mask[1] = 1;
      assertArrayEquals(mask, e.attentionMask());
      assertArrayEquals(new long[16], e.tokenTypeIds());
      assertEquals(0, tok.tokenIds(text).length);
    }
  }

  @Test
  void truncationKeepsClsAndSep() {
    String text = "one two three four five six seven eight nine ten eleven twelve";
    int[] all = tok.tokenIds(text);
    assertEquals(12, all.length);
    WordPieceTokenizer.Encoding e = tok.encode(text, 6);
    assertEquals(6, e.length());
    assertArrayEquals(new long[] {CLS, all[0], all[1], all[2], all[3], SEP}, e.ids());
    assertEquals(16, e.paddedLength());
    assertArrayEquals(new long[] {CLS, SEP}, tok.encode(text, 2).ids());
    assertEquals(14, tok.encode(text, 14).length());
    assertEquals(14, tok.encode(text, 100).length());
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> tok.encode(text, 1));
    assertTrue(ex.getMessage().contains("maxLength"), ex.getMessage());
  }

  @Test
  void paddingGoesToTheSmallestBucketThatFits() {
    assertEquals(16, tok.paddedLength(1, 512));
    assertEquals(16, tok.paddedLength(16, 512));
    assertEquals(32, tok.paddedLength(17, 512));
    assertEquals(128, tok.paddedLength(128, 512));
    assertEquals(512, tok.paddedLength(129, 512));
    String text = "word ".repeat(300);
    WordPieceTokenizer.Encoding e = tok.encode(text, 200);
    assertEquals(200, e.length());
    assertEquals(200, e.paddedLength());
    e = tok.encode("word ".repeat(20), 128);
    assertEquals(22, e.length());
    assertEquals(32, e.paddedLength());
    for (int i = 0; i < 32; i++) {
      assertEquals(i < 22 ? 1 : 0, e.attentionMask()[i]);
      assertEquals(0, e.tokenTypeIds()[i]);
      if (i >= 22) {
        assertEquals(0, e.inputIds()[i]);
      }
    }
  }

  @Test
  void customAndNoBuckets() {
    WordPieceTokenizer custom = tok.withBuckets(8, 24);
    assertEquals(8, custom.encode("a b c", 64).paddedLength());
    assertEquals(24, custom.encode("word ".repeat(10), 64).paddedLength());
    assertEquals(64, custom.encode("word ".repeat(40), 64).paddedLength());
    WordPieceTokenizer none = tok.withBuckets();
    assertEquals(5, none.encode("a b c", 64).paddedLength());
    assertThrows(IllegalArgumentException.class, () -> tok.withBuckets(16, 16));
    assertThrows(IllegalArgumentException.class, () -> tok.withBuckets(0, 16));
    assertArrayEquals(new int[] {16, 32, 64, 128}, tok.buckets(), "withBuckets must not change the original");
  }

  @Test
  void batchIsPaddedToOneBucket() {
    List<String> texts = List.of("short", "", "word ".repeat(20), "a somewhat longer sentence, with punctuation!");
    List<WordPieceTokenizer.Encoding> batch = tok.encodeBatch(texts, 128);
    assertEquals(4, batch.size());
    for (int i = 0; i < texts.size(); i++) {
      WordPieceTokenizer.Encoding b = batch.get(i);
      WordPieceTokenizer.Encoding single = tok.encode(texts.get(i), 128);
      assertEquals(32, b.paddedLength());
      assertArrayEquals(single.ids(), b.ids());
      assertEquals(single.length(), Arrays.stream(b.attentionMask()).sum());
    }
    assertEquals(16, tok.encodeBatch(List.of("a", "b c"), 128).get(0).paddedLength());
    assertEquals(3, tok.withBuckets().encodeBatch(List.of("a", ""), 128).get(1).paddedLength());
    assertTrue(tok.encodeBatch(List.of(), 128).isEmpty());
  }

  @Test
  void batchOfRealTextsTruncatesEachAndPadsToTheLongest() {
    List<String> texts = SpamAssassinFixture.load().stream().limit(64).map(SpamAssassinFixture::text).toList();
    List<WordPieceTokenizer.Encoding> batch = tok.encodeBatch(texts, 64);
    for (int i = 0; i < texts.size(); i++) {
      assertEquals(64, batch.get(i).paddedLength());
      assertArrayEquals(tok.encode(texts.get(i), 64).ids(), batch.get(i).ids());
    }
  }

  @Test
  void encodingHasValueSemantics() {
    WordPieceTokenizer.Encoding a = tok.encode("hello world", 32);
    WordPieceTokenizer.Encoding b = tok.encode("hello world", 32);
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, tok.encode("hello there", 32));
    assertTrue(a.toString().contains("7592"), a.toString());
    assertThrows(IllegalArgumentException.class,
        () -> new WordPieceTokenizer.Encoding(new long[2], new long[3], new long[2], 1));
    assertThrows(IllegalArgumentException.class,
        () -> new WordPieceTokenizer.Encoding(new long[2], new long[2], new long[2], 3));
  }

  @Test
  void concurrentUseGivesTheSameResults() {
    List<String> texts = SpamAssassinFixture.load().stream().map(SpamAssassinFixture::text).toList();
    List<String> sequential = texts.stream().map(t -> Arrays.toString(tok.encode(t, 128).inputIds())).toList();
    List<String> parallel = texts.parallelStream().map(t -> Arrays.toString(tok.encode(t, 128).inputIds()))
        .collect(Collectors.toList());
    assertEquals(sequential, parallel);
  }

  @Test
  void loadsFromPathAndStream(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("tokenizer.json");
    Files.write(file, HfOracle.miniLmJson());
    WordPieceTokenizer fromPath = WordPieceTokenizer.fromJson(file);
    WordPieceTokenizer fromStream = WordPieceTokenizer.fromJson(new ByteArrayInputStream(HfOracle.miniLmJson()));
    assertEquals(tok.encode("Loaded twice.", 16), fromPath.encode("Loaded twice.", 16));
    assertEquals(tok.encode("Loaded twice.", 16), fromStream.encode("Loaded twice.", 16));
    assertThrows(IllegalArgumentException.class, () -> WordPieceTokenizer.fromResource("/no/such.json"));
  }

  @Test
  void unsupportedTokenizerJsonIsRejected() {
    assertRejected(root -> ((com.fasterxml.jackson.databind.node.ObjectNode) root.get("model")).put("type", "BPE"),
        "model type BPE");
    assertRejected(root -> root.putObject("pre_tokenizer").put("type", "Whitespace"), "pre_tokenizer Whitespace");
    assertRejected(root -> root.putObject("normalizer").put("type", "NFKC"), "normalizer NFKC");
    assertRejected(root -> ((com.fasterxml.jackson.databind.node.ObjectNode) HfOracle.addedTokens(root).get(4))
        .put("normalized", true), "normalized=true");
    assertRejected(root -> ((com.fasterxml.jackson.databind.node.ObjectNode) root.get("model")).put("unk_token",
        "<unk>"), "unk_token <unk>");
  }

  private static void assertRejected(java.util.function.Consumer<com.fasterxml.jackson.databind.node.ObjectNode> edit,
      String expected) {
    byte[] json = HfOracle.miniLmJson(edit);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HfOracle.ours(json));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
