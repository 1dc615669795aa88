package org.secformer.engine.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The reference: Hugging Face tokenizers (Rust 0.21.4, through DJL 0.36.0's JNI binding) on the MiniLM
 * {@code tokenizer.json} from the langchain4j model jar, or on variants of it.
 */
final class HfOracle {
  static final String MINILM_RESOURCE = "/all-minilm-l6-v2-tokenizer.json";
  static final ObjectMapper JSON = new ObjectMapper();

  static {
    // the native library comes from the DJL jar; keep its extracted copy under target/ and never phone home
    System.setProperty("DJL_CACHE_DIR", Path.of("target", "djl-cache").toAbsolutePath().toString());
    System.setProperty("OPT_OUT_TRACKING", "true");
    System.setProperty("ai.djl.offline", "true");
  }

  private static byte[] miniLm;

  private HfOracle() {}

  /** The bytes of the MiniLM tokenizer.json. */
  static synchronized byte[] miniLmJson() {
    if (miniLm == null) {
      try (InputStream in = HfOracle.class.getResourceAsStream(MINILM_RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException(MINILM_RESOURCE + " not on the test class path (MiniLM model jar)");
        }
        miniLm = in.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return miniLm;
  }

  /** The MiniLM tokenizer.json, edited by {@code edit}. */
  static byte[] miniLmJson(Consumer<ObjectNode> edit) {
    try {
      ObjectNode root = (ObjectNode) JSON.readTree(miniLmJson());
      edit.accept(root);
      return JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static WordPieceTokenizer ours(byte[] json) {
    try {
      return WordPieceTokenizer.fromJson(new ByteArrayInputStream(json));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** DJL's tokenizer on {@code json}, with truncation and padding off. */
  static HuggingFaceTokenizer reference(byte[] json, boolean addSpecialTokens) {
    return reference(json, Map.of("addSpecialTokens", Boolean.toString(addSpecialTokens),
        "truncation", "false", "padding", "false"));
  }

  static HuggingFaceTokenizer reference(byte[] json, Map<String, String> options) {
    try {
      return HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json), options);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A tokenizer.json with the given normalizer, BertPreTokenizer, and a BPE model whose vocabulary is the 256
   * byte tokens with byte_fallback: each pre-tokenized word comes out as its UTF-8 bytes, so the ids reveal
   * exactly what normalization and pre-tokenization did.
   */
  static byte[] byteProbeJson(JsonNode normalizer) {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    root.putArray("added_tokens");
    root.set("normalizer", normalizer);
    root.putObject("pre_tokenizer").put("type", "BertPreTokenizer");
    root.putNull("post_processor");
    root.putNull("decoder");
    ObjectNode model = root.putObject("model");
    model.put("type", "BPE");
    model.putNull("dropout");
    model.putNull("unk_token");
    model.putNull("continuing_subword_prefix");
    model.putNull("end_of_word_suffix");
    model.put("fuse_unk", false);
    model.put("byte_fallback", true);
    ObjectNode vocab = model.putObject("vocab");
    for (int b = 0; b < 256; b++) {
      vocab.put(String.format("<0x%02X>", b), b);
    }
    model.putArray("merges");
    try {
      return JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The words of a byte-probe encoding (see {@link #byteProbeJson}). */
  static List<String> probeWords(Encoding e) {
    long[] ids = e.getIds();
    long[] words = e.getWordIds();
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < ids.length) {
      int j = i;
      byte[] bytes = new byte[ids.length - i];
      while (j < ids.length && words[j] == words[i]) {
        bytes[j - i] = (byte) ids[j];
        j++;
      }
      out.add(new String(bytes, 0, j - i, StandardCharsets.UTF_8));
      i = j;
    }
    return out;
  }

  static ObjectNode bertNormalizer(boolean clean, boolean chinese, Boolean strip, boolean lower) {
    ObjectNode n = JSON.createObjectNode();
    n.put("type", "BertNormalizer");
    n.put("clean_text", clean);
    n.put("handle_chinese_chars", chinese);
    if (strip == null) {
      n.putNull("strip_accents");
    } else {
      n.put("strip_accents", strip);
    }
    n.put("lowercase", lower);
    return n;
  }

  /** The text quoted, and again with everything outside printable ASCII escaped as U+{hex}. */
  static String describe(String text) {
    StringBuilder sb = new StringBuilder();
    boolean plain = true;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (cp >= 0x20 && cp < 0x7F && cp != '"' && cp != '\\') {
        sb.append((char) cp);
      } else {
        plain = false;
        sb.append(String.format("\\u{%X}", cp));
      }
    }
    String shown = text.length() > 400 ? text.substring(0, 400) + "..." : text;
    return plain ? '"' + shown + '"' : '"' + shown + "\" = \"" + sb + '"';
  }

  static String ids(long[] a) {
    return Arrays.toString(a);
  }

  static long[] toLong(int[] a) {
    return Arrays.stream(a).asLongStream().toArray();
  }

  static ArrayNode addedTokens(ObjectNode root) {
    return (ArrayNode) root.get("added_tokens");
  }
}
