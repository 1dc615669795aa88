package org.secformer.engine.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A BERT WordPiece tokenizer driven by a Hugging Face {@code tokenizer.json}, giving exactly the ids of Hugging
 * Face tokenizers (checked against the Rust library on real and adversarial text, and on every Unicode code
 * point).
 *
 * <p>Pipeline, as in Hugging Face: added tokens ({@code [CLS]}, {@code [SEP]}, {@code [MASK]}, ... written
 * literally in the text) are split out of the raw text first; the rest goes through BertNormalizer (clean_text,
 * handle_chinese_chars, strip_accents (null: follows lowercase), lowercase), BertPreTokenizer (split on
 * whitespace, isolate punctuation) and WordPiece (greedy longest match, {@code ##} continuation, words longer
 * than max_input_chars_per_word become the unknown token). The post-processor template ({@code [CLS] $A [SEP]})
 * wraps the ids.
 *
 * <p>Unlike the JSON's fixed truncation/padding, {@link #encode(String, int)} truncates to a per-call maximum
 * length (keeping the template's special tokens) and pads to a length bucket: the smallest of {@link #buckets()}
 * that holds the sequence (default 16/32/64/128); a sequence longer than the largest bucket is padded to the
 * maximum length, which thus acts as the last bucket. Padding uses the pad id (0 for BERT) with attention mask 0
 * and token type 0.
 *
 * <p>Instances are immutable and thread-safe; tokenization stops as soon as the maximum length is reached, so
 * long texts cost no more than their first words.
 *
 * <p>Supported {@code tokenizer.json} parts: model WordPiece; normalizer BertNormalizer or null; pre-tokenizer
 * BertPreTokenizer; post-processor TemplateProcessing, BertProcessing or null; added tokens with
 * {@code normalized: false} (single_word, lstrip and rstrip honoured). Anything else is rejected when loading.
 */
public final class WordPieceTokenizer {
  /** Default padding buckets. */
  public static final int[] DEFAULT_BUCKETS = {16, 32, 64, 128};

  /**
   * One encoded text. The arrays all have the padded length; {@code length} counts the real tokens (special
   * tokens included), so {@code attentionMask[i] == 1} exactly for {@code i < length}.
   */
  public record Encoding(long[] inputIds, long[] attentionMask, long[] tokenTypeIds, int length) {
    public Encoding {
      Objects.requireNonNull(inputIds, "inputIds");
      Objects.requireNonNull(attentionMask, "attentionMask");
      Objects.requireNonNull(tokenTypeIds, "tokenTypeIds");
      if (attentionMask.length != inputIds.length || tokenTypeIds.length != inputIds.length) {
        throw new IllegalArgumentException("inputIds, attentionMask and tokenTypeIds differ in length");
      }
      if (length < 0 || length > inputIds.length) {
        throw new IllegalArgumentException("length " + length + " outside [0, " + inputIds.length + "]");
      }
    }

    /** The padded length (a bucket, or the maximum length). */
    public int paddedLength() {
      return inputIds.length;
    }

    /** The ids of the real tokens, without padding. */
    public long[] ids() {
      return Arrays.copyOf(inputIds, length);
    }

    /** {@link #ids()} as ints, the form {@code BertInput} takes (word-piece ids fit an int). */
    public int[] intIds() {
      int[] out = new int[length];
      for (int i = 0; i < length; i++) {
        out[i] = Math.toIntExact(inputIds[i]);
      }
      return out;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Encoding e && length == e.length && Arrays.equals(inputIds, e.inputIds)
          && Arrays.equals(attentionMask, e.attentionMask) && Arrays.equals(tokenTypeIds, e.tokenTypeIds);
    }

    @Override
    public int hashCode() {
      return 31 * (31 * (31 * Arrays.hashCode(inputIds) + Arrays.hashCode(attentionMask))
          + Arrays.hashCode(tokenTypeIds)) + length;
    }

    @Override
    public String toString() {
      return "Encoding[length=" + length + ", paddedLength=" + inputIds.length + ", inputIds="
          + Arrays.toString(inputIds) + "]";
    }
  }

  /** A token that Hugging Face splits out of the raw text before normalization. */
  private record AddedToken(String content, int id, boolean singleWord, boolean lstrip, boolean rstrip) {}

  private final boolean cleanText;
  private final boolean handleChineseChars;
  private final boolean stripAccents;
  private final boolean lowercase;

  private final Map<String, Integer> vocab;
  private final String[] idToToken;
  private final VocabTrie trie;
  private final int continuationRoot;
  private final int unkId;
  private final int maxInputCharsPerWord;

  /** Added tokens by first char, longest first; {@code null} where none starts with that char. */
  private final AddedToken[][] addedByFirstChar;

  private final int[] prefixIds;
  private final int[] prefixTypes;
  private final int[] suffixIds;
  private final int[] suffixTypes;
  private final int sequenceTypeId;
  private final int padId;
  private final int padTypeId;
  private final int[] buckets;

  private WordPieceTokenizer(WordPieceTokenizer base, int[] buckets) {
    this.cleanText = base.cleanText;
    this.handleChineseChars = base.handleChineseChars;
    this.stripAccents = base.stripAccents;
    this.lowercase = base.lowercase;
    this.vocab = base.vocab;
    this.idToToken = base.idToToken;
    this.trie = base.trie;
    this.continuationRoot = base.continuationRoot;
    this.unkId = base.unkId;
    this.maxInputCharsPerWord = base.maxInputCharsPerWord;
    this.addedByFirstChar = base.addedByFirstChar;
    this.prefixIds = base.prefixIds;
    this.prefixTypes = base.prefixTypes;
    this.suffixIds = base.suffixIds;
    this.suffixTypes = base.suffixTypes;
    this.sequenceTypeId = base.sequenceTypeId;
    this.padId = base.padId;
    this.padTypeId = base.padTypeId;
    this.buckets = buckets;
  }

  private WordPieceTokenizer(JsonNode root) {
    JsonNode model = required(root, "model");
    String modelType = model.path("type").asText("WordPiece");
    if (!"WordPiece".equals(modelType)) {
      throw unsupported("model type " + modelType);
    }
    // vocabulary
    JsonNode vocabNode = required(model, "vocab");
    Map<String, Integer> v = new HashMap<>(vocabNode.size() * 2);
    int maxId = -1;
    for (Map.Entry<String, JsonNode> e : vocabNode.properties()) {
      int id = e.getValue().asInt(-1);
      if (id < 0) {
        throw new IllegalArgumentException("tokenizer.json: bad id for vocabulary entry " + e.getKey());
      }
      v.put(e.getKey(), id);
      maxId = Math.max(maxId, id);
    }
    JsonNode addedNode = root.path("added_tokens");
    List<AddedToken> added = new ArrayList<>();
    for (JsonNode t : addedNode) {
      String content = required(t, "content").asText();
      int id = required(t, "id").asInt();
      if (t.path("normalized").asBoolean(false)) {
        throw unsupported("added token " + content + " with normalized=true");
      }
      if (content.isEmpty()) {
        continue;
      }
      added.add(new AddedToken(content, id, t.path("single_word").asBoolean(false),
          t.path("lstrip").asBoolean(false), t.path("rstrip").asBoolean(false)));
      maxId = Math.max(maxId, id);
    }
    this.vocab = Map.copyOf(v);
    this.idToToken = new String[maxId + 1];
    v.forEach((token, id) -> idToToken[id] = token);
    for (AddedToken t : added) {
      if (idToToken[t.id()] == null) {
        idToToken[t.id()] = t.content();
      }
    }
    this.trie = new VocabTrie(v);
    String prefix = model.path("continuing_subword_prefix").asText("##");
    this.continuationRoot = trie.walk(VocabTrie.ROOT, prefix);
    String unk = model.path("unk_token").asText("[UNK]");
    Integer unkIdBoxed = v.get(unk);
    if (unkIdBoxed == null) {
      throw new IllegalArgumentException("tokenizer.json: unk_token " + unk + " is not in the vocabulary");
    }
    this.unkId = unkIdBoxed;
    this.maxInputCharsPerWord = model.path("max_input_chars_per_word").asInt(100);

    Map<Character, List<AddedToken>> byFirst = new HashMap<>();
    for (AddedToken t : added) {
      byFirst.computeIfAbsent(t.content().charAt(0), c -> new ArrayList<>()).add(t);
    }
    this.addedByFirstChar = new AddedToken[byFirst.isEmpty() ? 0 : 0x10000][];
    byFirst.forEach((c, list) -> {
      list.sort(Comparator.comparingInt((AddedToken t) -> t.content().length()).reversed());
      addedByFirstChar[c] = list.toArray(new AddedToken[0]);
    });

    // normalizer
    JsonNode norm = root.path("normalizer");
    if (norm.isMissingNode() || norm.isNull()) {
      cleanText = false;
      handleChineseChars = false;
      stripAccents = false;
      lowercase = false;
    } else {
      String type = norm.path("type").asText();
      if (!"BertNormalizer".equals(type)) {
        throw unsupported("normalizer " + type);
      }
      cleanText = norm.path("clean_text").asBoolean(true);
      handleChineseChars = norm.path("handle_chinese_chars").asBoolean(true);
      lowercase = norm.path("lowercase").asBoolean(true);
      JsonNode strip = norm.path("strip_accents");
      stripAccents = strip.isBoolean() ? strip.asBoolean() : lowercase;
    }

    // pre-tokenizer
    JsonNode pre = root.path("pre_tokenizer");
    String preType = pre.path("type").asText("null");
    if (!"BertPreTokenizer".equals(preType)) {
      throw unsupported("pre_tokenizer " + preType);
    }

    // post-processor
    List<int[]> pre0 = new ArrayList<>();
    List<int[]> post0 = new ArrayList<>();
    int seqType = 0;
    JsonNode pp = root.path("post_processor");
    String ppType = pp.isMissingNode() || pp.isNull() ? "null" : pp.path("type").asText();
    switch (ppType) {
      case "null" -> {}
      case "TemplateProcessing" -> {
        JsonNode specials = pp.path("special_tokens");
        boolean seen = false;
        for (JsonNode piece : required(pp, "single")) {
          if (piece.has("Sequence")) {
            JsonNode s = piece.get("Sequence");
            if (seen || !"A".equals(s.path("id").asText("A"))) {
              throw unsupported("single template with sequence " + s);
            }
            seen = true;
            seqType = s.path("type_id").asInt(0);
          } else if (piece.has("SpecialToken")) {
            JsonNode s = piece.get("SpecialToken");
            String name = required(s, "id").asText();
            int type = s.path("type_id").asInt(0);
            JsonNode ids = specials.path(name).path("ids");
            if (!ids.isArray() || ids.isEmpty()) {
              throw new IllegalArgumentException("tokenizer.json: template special token " + name + " has no ids");
            }
            for (JsonNode id : ids) {
              (seen ? post0 : pre0).add(new int[] {id.asInt(), type});
            }
          } else {
            throw unsupported("template piece " + piece);
          }
        }
        if (!seen) {
          throw unsupported("single template without $A");
        }
      }
      case "BertProcessing" -> {
        pre0.add(new int[] {required(pp, "cls").get(1).asInt(), 0});
        post0.add(new int[] {required(pp, "sep").get(1).asInt(), 0});
      }
      default -> throw unsupported("post_processor " + ppType);
    }
    this.prefixIds = pre0.stream().mapToInt(a -> a[0]).toArray();
    this.prefixTypes = pre0.stream().mapToInt(a -> a[1]).toArray();
    this.suffixIds = post0.stream().mapToInt(a -> a[0]).toArray();
    this.suffixTypes = post0.stream().mapToInt(a -> a[1]).toArray();
    this.sequenceTypeId = seqType;

    JsonNode padding = root.path("padding");
    if (padding.has("pad_id")) {
      padId = padding.get("pad_id").asInt();
      padTypeId = padding.path("pad_type_id").asInt(0);
    } else {
      padId = v.getOrDefault("[PAD]", 0);
      padTypeId = 0;
    }
    this.buckets = DEFAULT_BUCKETS.clone();
  }

  // ------------------------------------------------------------------------------------------ loading

  /** Loads a Hugging Face {@code tokenizer.json}; the stream is read fully but not closed. */
  public static WordPieceTokenizer fromJson(InputStream json) throws IOException {
    Objects.requireNonNull(json, "json");
    return new WordPieceTokenizer(new ObjectMapper().readTree(json));
  }

  /** Loads a Hugging Face {@code tokenizer.json} file. */
  public static WordPieceTokenizer fromJson(Path json) throws IOException {
    try (InputStream in = Files.newInputStream(json)) {
      return fromJson(in);
    }
  }

  /**
   * Loads a {@code tokenizer.json} from the class path, e.g. {@code "/all-minilm-l6-v2-tokenizer.json"} from the
   * langchain4j MiniLM model jar.
   */
  public static WordPieceTokenizer fromResource(String name) {
    try (InputStream in = WordPieceTokenizer.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalArgumentException("no class path resource " + name);
      }
      return fromJson(in);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + name, e);
    }
  }

  /**
   * This tokenizer with other padding buckets (strictly increasing, each at least 1). With no buckets, a single
   * text is not padded and a batch is padded to its longest member.
   */
  public WordPieceTokenizer withBuckets(int... buckets) {
    int[] b = buckets.clone();
    for (int i = 0; i < b.length; i++) {
      if (b[i] < 1 || (i > 0 && b[i] <= b[i - 1])) {
        throw new IllegalArgumentException("buckets must be positive and strictly increasing: "
            + Arrays.toString(b));
      }
    }
    return new WordPieceTokenizer(this, b);
  }

  // ------------------------------------------------------------------------------------------ encoding

  /**
   * Tokenizes {@code text}, truncated to {@code maxLength} tokens including the special tokens, and padded to
   * the smallest bucket that holds it (to {@code maxLength} when no bucket does).
   *
   * @throws IllegalArgumentException if {@code text} is null or {@code maxLength} cannot hold the special tokens
   */
  public Encoding encode(String text, int maxLength) {
    int[] content = contentIds(text, maxLength);
    int length = content.length + specialCount();
    return build(content, paddedLength(length, maxLength));
  }

  /**
   * Encodes each text like {@link #encode(String, int)}, all padded to one length: the smallest bucket that
   * holds the longest of them (or {@code maxLength}).
   */
  public List<Encoding> encodeBatch(List<String> texts, int maxLength) {
    Objects.requireNonNull(texts, "texts");
    int[][] contents = new int[texts.size()][];
    int longest = 0;
    for (int i = 0; i < contents.length; i++) {
      String text = texts.get(i);
      if (text == null) {
        throw new IllegalArgumentException("text " + i + " of the batch is null");
      }
      contents[i] = contentIds(text, maxLength);
      longest = Math.max(longest, contents[i].length + specialCount());
    }
    int padded = paddedLength(longest, maxLength);
    List<Encoding> out = new ArrayList<>(contents.length);
    for (int[] c : contents) {
      out.add(build(c, padded));
    }
    return out;
  }

  /** The padded length for a sequence of {@code length} tokens under maximum length {@code maxLength}. */
  public int paddedLength(int length, int maxLength) {
    if (buckets.length == 0) {
      return length;
    }
    for (int b : buckets) {
      if (b >= length) {
        return b;
      }
    }
    return Math.max(length, maxLength);
  }

  /**
   * The WordPiece ids of {@code text} without special tokens, truncation or padding (what Hugging Face's
   * {@code encode(text, add_special_tokens=False)} gives with truncation off).
   */
  public int[] tokenIds(String text) {
    requireText(text);
    IntList out = new IntList(Math.min(text.length() + 8, 1 << 16));
    tokenize(text, Integer.MAX_VALUE, out, new Work());
    return out.toArray();
  }

  /**
   * The words that normalization and pre-tokenization make of {@code text} (added tokens appear as their
   * content), before WordPiece: for tests and diagnostics.
   */
  List<String> preTokenize(String text) {
    requireText(text);
    Work w = new Work();
    w.words = new ArrayList<>();
    IntList ids = new IntList(8);
    tokenize(text, Integer.MAX_VALUE, ids, w);
    return w.words;
  }

  /** The vocabulary string of an id (added tokens included), or null. */
  public String token(int id) {
    return id >= 0 && id < idToToken.length ? idToToken[id] : null;
  }

  /** The id of a vocabulary string, or -1. */
  public int id(String token) {
    return vocab.getOrDefault(token, -1);
  }

  public int vocabSize() {
    return vocab.size();
  }

  public int unknownId() {
    return unkId;
  }

  public int padId() {
    return padId;
  }

  /** The padding buckets (a copy). */
  public int[] buckets() {
    return buckets.clone();
  }

  /** How many special tokens the post-processor adds to one text ({@code [CLS]} and {@code [SEP]}: 2). */
  public int specialCount() {
    return prefixIds.length + suffixIds.length;
  }

  private int[] contentIds(String text, int maxLength) {
    requireText(text);
    int budget = maxLength - specialCount();
    if (budget < 0) {
      throw new IllegalArgumentException("maxLength " + maxLength + " cannot hold the " + specialCount()
          + " special tokens");
    }
    IntList out = new IntList(Math.min(budget, text.length() + 8));
    if (budget > 0) {
      tokenize(text, budget, out, new Work());
    }
    out.truncate(budget);
    return out.toArray();
  }

  private Encoding build(int[] content, int padded) {
    long[] ids = new long[padded];
    long[] mask = new long[padded];
    long[] types = new long[padded];
    int p = 0;
    for (int i = 0; i < prefixIds.length; i++, p++) {
      ids[p] = prefixIds[i];
      types[p] = prefixTypes[i];
    }
    for (int id : content) {
      ids[p] = id;
      types[p++] = sequenceTypeId;
    }
    for (int i = 0; i < suffixIds.length; i++, p++) {
      ids[p] = suffixIds[i];
      types[p] = suffixTypes[i];
    }
    Arrays.fill(mask, 0, p, 1L);
    if (padId != 0) {
      Arrays.fill(ids, p, padded, padId);
    }
    if (padTypeId != 0) {
      Arrays.fill(types, p, padded, padTypeId);
    }
    return new Encoding(ids, mask, types, p);
  }

  private static void requireText(String text) {
    if (text == null) {
      throw new IllegalArgumentException("text to tokenize is null");
    }
  }

  // ------------------------------------------------------------------------------------------ pipeline

  /** Appends the ids of {@code text} to {@code out}, stopping once it holds at least {@code limit} ids. */
  private void tokenize(String text, int limit, IntList out, Work w) {
    int n = text.length();
    int start = 0;
    int scan = 0;
    if (addedByFirstChar.length > 0) {
      while (scan < n) {
        AddedToken[] candidates = addedByFirstChar[text.charAt(scan)];
        AddedToken match = null;
        if (candidates != null) {
          for (AddedToken t : candidates) {
            if (text.startsWith(t.content(), scan)) {
              match = t;
              break;
            }
          }
        }
        if (match == null) {
          scan++;
          continue;
        }
        int mStart = scan;
        int mEnd = scan + match.content().length();
        if (match.singleWord() && ((mStart > 0 && isWordChar(text.codePointBefore(mStart)))
            || (mEnd < n && isWordChar(text.codePointAt(mEnd))))) {
          scan = mEnd;
          continue;
        }
        if (match.lstrip()) {
          int s = mStart;
          while (s > start && HfUnicode.isWhitespace(text.codePointBefore(s))) {
            s -= Character.charCount(text.codePointBefore(s));
          }
          mStart = s;
        }
        if (match.rstrip()) {
          while (mEnd < n && HfUnicode.isWhitespace(text.codePointAt(mEnd))) {
            mEnd += Character.charCount(text.codePointAt(mEnd));
          }
        }
        if (start < mStart && !piece(text, start, mStart, limit, out, w)) {
          return;
        }
        if (w.words != null) {
          w.words.add(match.content());
        }
        out.add(match.id());
        if (out.size() >= limit) {
          return;
        }
        start = mEnd;
        scan = mEnd;
      }
    }
    if (start < n) {
      piece(text, start, n, limit, out, w);
    }
  }

  /** Unicode word character (regex \w), for single_word added tokens. */
  private static boolean isWordChar(int cp) {
    if (Character.isAlphabetic(cp) || Character.isDigit(cp) || cp == 0x200C || cp == 0x200D) {
      return true;
    }
    int t = Character.getType(cp);
    return t == Character.NON_SPACING_MARK || t == Character.ENCLOSING_MARK || t == Character.COMBINING_SPACING_MARK
        || t == Character.CONNECTOR_PUNCTUATION;
  }

  /**
   * Normalizes, pre-tokenizes and WordPiece-encodes {@code text[from, to)}, a stretch with no added token.
   * Works one whitespace-delimited segment at a time (BertNormalizer's steps never create or remove whitespace
   * between segments, and NFD reordering never crosses a whitespace). Returns false once the limit is reached.
   */
  private boolean piece(String text, int from, int to, int limit, IntList out, Work w) {
    int len = 0;
    boolean ascii = true;
    int[] seg = w.segment(to - from);
    for (int i = from; i < to; ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (cp > 0x20 && cp < 0x7F) {
        seg[len++] = cp; // printable ASCII: the fast path
        continue;
      }
      int f = HfUnicode.flags(cp);
      if (cleanText && (f & HfUnicode.REMOVED) != 0) {
        continue; // clean_text drops controls (not \t \n \r), formats, private use, U+0000 and U+FFFD
      }
      if ((f & HfUnicode.WHITESPACE) != 0) {
        if (len > 0 && !segment(seg, len, ascii, limit, out, w)) {
          return false;
        }
        len = 0;
        ascii = true;
        continue;
      }
      if (handleChineseChars && (f & HfUnicode.CHINESE) != 0) {
        if (len > 0 && !segment(seg, len, ascii, limit, out, w)) {
          return false;
        }
        seg[0] = cp;
        if (!segment(seg, 1, false, limit, out, w)) {
          return false;
        }
        len = 0;
        ascii = true;
        continue;
      }
      seg[len++] = cp;
      ascii &= cp < 0x80;
    }
    return len == 0 || segment(seg, len, ascii, limit, out, w);
  }

  /** Strips accents and lowercases one segment, splits off punctuation and encodes the words. */
  private boolean segment(int[] seg, int len, boolean ascii, int limit, IntList out, Work w) {
    int[] word;
    int n;
    if (ascii) {
      word = seg;
      n = len;
      if (lowercase) {
        for (int i = 0; i < n; i++) {
          int c = word[i];
          if (c >= 'A' && c <= 'Z') {
            word[i] = c + 32;
          }
        }
      }
    } else {
      int[] src = seg;
      int srcLen = len;
      if (stripAccents) {
        src = w.normalized(len * 4 + 8);
        srcLen = stripAccents(seg, len, src);
      }
      if (lowercase) {
        word = w.lowered(srcLen * 2);
        n = 0;
        for (int i = 0; i < srcLen; i++) {
          int cp = src[i];
          if (cp == 0x130) {
            word[n++] = 'i';
            word[n++] = 0x307;
          } else {
            word[n++] = HfUnicode.toLowerCase(cp);
          }
        }
      } else {
        word = src;
        n = srcLen;
      }
    }
    int start = 0;
    for (int i = 0; i < n; i++) {
      if (HfUnicode.isPunctuation(word[i])) {
        if (start < i) {
          emit(word, start, i, out, w);
        }
        emit(word, i, i + 1, out, w);
        if (out.size() >= limit) {
          return false;
        }
        start = i + 1;
      }
    }
    if (start < n) {
      emit(word, start, n, out, w);
    }
    return out.size() < limit;
  }

  private void emit(int[] word, int from, int to, IntList out, Work w) {
    if (w.words != null) {
      w.words.add(new String(word, from, to - from));
    } else {
      wordPiece(word, from, to, out);
    }
  }

  /**
   * NFD, then drop nonspacing marks: {@code seg[0, len)} into {@code out}, returning the new length. NFD is
   * Java's, except around the few code points that the reference does not decompose (they are starters to it,
   * so the text on either side is normalized on its own).
   */
  private static int stripAccents(int[] seg, int len, int[] out) {
    int n = 0;
    int from = 0;
    for (int i = 0; i <= len; i++) {
      if (i == len || HfUnicode.nfdKeeps(seg[i])) {
        if (from < i) {
          String nfd = Normalizer.normalize(new String(seg, from, i - from), Normalizer.Form.NFD);
          for (int k = 0; k < nfd.length(); ) {
            int cp = nfd.codePointAt(k);
            k += Character.charCount(cp);
            if ((HfUnicode.flags(cp) & HfUnicode.MARK) == 0) {
              out[n++] = cp;
            }
          }
        }
        if (i < len) {
          out[n++] = seg[i];
        }
        from = i + 1;
      }
    }
    return n;
  }

  /** Hugging Face WordPiece on one pre-tokenized word {@code w[from, to)} (code points). */
  private void wordPiece(int[] w, int from, int to, IntList out) {
    if (to - from > maxInputCharsPerWord) {
      out.add(unkId);
      return;
    }
    int mark = out.size();
    int start = from;
    while (start < to) {
      int node = start == from ? VocabTrie.ROOT : continuationRoot;
      int best = VocabTrie.NONE;
      int bestEnd = start;
      for (int k = start; k < to && node != VocabTrie.NONE; k++) {
        int cp = w[k];
        if (cp < 0x10000) {
          node = trie.child(node, (char) cp);
        } else {
          node = trie.child(node, Character.highSurrogate(cp));
          if (node != VocabTrie.NONE) {
            node = trie.child(node, Character.lowSurrogate(cp));
          }
        }
        if (node != VocabTrie.NONE && trie.tokenId(node) != VocabTrie.NONE) {
          best = trie.tokenId(node);
          bestEnd = k + 1;
        }
      }
      if (best == VocabTrie.NONE) {
        out.truncate(mark);
        out.add(unkId);
        return;
      }
      out.add(best);
      start = bestEnd;
    }
  }

  private static IllegalArgumentException unsupported(String what) {
    return new IllegalArgumentException("tokenizer.json: unsupported " + what
        + " (WordPieceTokenizer handles BERT WordPiece tokenizers only)");
  }

  private static JsonNode required(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException("tokenizer.json: missing " + field);
    }
    return v;
  }

  /** Per-call scratch buffers. */
  private static final class Work {
    /** When set, words are collected here instead of being WordPiece-encoded. */
    List<String> words;
    private int[] segment = new int[64];
    private int[] normalized = new int[64];
    private int[] lowered = new int[128];

    int[] segment(int n) {
      if (segment.length < n) {
        segment = new int[n];
      }
      return segment;
    }

    int[] normalized(int n) {
      if (normalized.length < n) {
        normalized = new int[n];
      }
      return normalized;
    }

    int[] lowered(int n) {
      if (lowered.length < n) {
        lowered = new int[n];
      }
      return lowered;
    }
  }

  /** A growable int list. */
  static final class IntList {
    private int[] a;
    private int size;

    IntList(int capacity) {
      a = new int[Math.max(capacity, 8)];
    }

    void add(int v) {
      if (size == a.length) {
        a = Arrays.copyOf(a, size * 2);
      }
      a[size++] = v;
    }

    int size() {
      return size;
    }

    void truncate(int n) {
      if (n < size) {
        size = n;
      }
    }

    int[] toArray() {
      return Arrays.copyOf(a, size);
    }
  }
}
