package org.secformer.engine.bert;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.secformer.engine.bert.BertConfig.Activation;
import org.secformer.engine.bert.BertConfig.AttentionKind;
import org.secformer.engine.bert.BertConfig.Pooling;
import org.secformer.engine.model.ModelFormatException;

/**
 * Reads the Hugging Face safetensors format: an 8-byte little-endian header length N, N bytes of UTF-8
 * JSON {@code {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...,
 * "__metadata__": {string: string}}}, then the little-endian tensor data, offsets relative to its start.
 *
 * <p>Everything is checked before a value is read: the header length against the file size (and a 100 MB
 * cap, as the reference implementation), the JSON, each dtype and shape, that {@code end - begin} equals
 * the element count times the dtype size, that offsets lie inside the data (else the file is truncated),
 * and that the tensors neither overlap nor leave holes. Errors name the file and the tensor.
 *
 * <p>{@link #readBert} maps Hugging Face BERT names ({@code bert.} prefix optional) to canonical ones via
 * {@link BertNames} and transposes nn.Linear weights from PyTorch's [out, in] to [in, out].
 */
public final class SafetensorsReader {
  /** The reference implementation's limit on the JSON header. */
  public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
  /** Metadata key prefix under which {@link SafetensorsWriter#forBert} stores the config. */
  public static final String CONFIG_PREFIX = "secformer.";

  /** One header entry; offsets are relative to the start of the data section. */
  public record Entry(String name, SafetensorsDType dtype, int[] shape, long begin, long end) {
    public long elements() {
      return Tensor.size(shape);
    }
  }

  private final String source;
  private final ByteBuffer data;
  private final Map<String, Entry> entries;
  private final Map<String, String> metadata;

  private SafetensorsReader(String source, ByteBuffer data, Map<String, Entry> entries, Map<String, String> metadata) {
    this.source = source;
    this.data = data;
    this.entries = entries;
    this.metadata = metadata;
  }

  /** Maps {@code file} read-only and validates its header (files up to 2 GiB). */
  public static SafetensorsReader open(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size > Integer.MAX_VALUE) {
        throw new ModelFormatException(file + " is " + size + " bytes; safetensors files above 2 GiB are not supported");
      }
      return of(ch.map(FileChannel.MapMode.READ_ONLY, 0, size), file.toString());
    } catch (IOException e) {
      throw new ModelFormatException("cannot read safetensors file " + file + ": " + e.getMessage(), e);
    }
  }

  public static SafetensorsReader of(byte[] bytes, String source) {
    return of(ByteBuffer.wrap(bytes), source);
  }

  private static SafetensorsReader of(ByteBuffer file, String source) {
    file = file.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    long size = file.remaining();
    if (size < 8) {
      throw new ModelFormatException(source + " is " + size + " bytes, too short for a safetensors header length");
    }
    long n = file.getLong(0);
    if (n < 2 || n > size - 8) {
      throw new ModelFormatException(source + ": header length " + Long.toUnsignedString(n) + " exceeds the "
          + (size - 8) + " bytes after the length field (truncated, or not a safetensors file)");
    }
    if (n > MAX_HEADER_BYTES) {
      throw new ModelFormatException(source + ": header length " + n + " is above the " + MAX_HEADER_BYTES + "-byte limit");
    }
    byte[] header = new byte[(int) n];
    file.get(8, header);
    String json;
    try {
      json = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(header)).toString();
    } catch (CharacterCodingException e) {
      throw new ModelFormatException(source + ": the safetensors header is not valid UTF-8", e);
    }
    if (!json.startsWith("{")) {
      throw new ModelFormatException(source + ": the safetensors header does not start with '{' (not a safetensors file?)");
    }
    Object parsed;
    try {
      parsed = Json.parse(json);
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(source + ": the safetensors header is not valid JSON: " + e.getMessage(), e);
    }
    if (!(parsed instanceof Map<?, ?> root)) {
      throw new ModelFormatException(source + ": the safetensors header is not a JSON object");
    }
    ByteBuffer dataSection = file.slice(8 + (int) n, (int) (size - 8 - n)).order(ByteOrder.LITTLE_ENDIAN);
    Map<String, Entry> entries = new LinkedHashMap<>();
    Map<String, String> metadata = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : root.entrySet()) {
      String name = (String) e.getKey();
      if (name.equals("__metadata__")) {
        if (!(e.getValue() instanceof Map<?, ?> meta)) {
          throw new ModelFormatException(source + ": __metadata__ must be an object of strings");
        }
        for (Map.Entry<?, ?> m : meta.entrySet()) {
          if (!(m.getValue() instanceof String v)) {
            throw new ModelFormatException(source + ": __metadata__ value for '" + m.getKey() + "' is not a string");
          }
          metadata.put((String) m.getKey(), v);
        }
        continue;
      }
      entries.put(name, entry(source, name, e.getValue()));
    }
    checkLayout(source, entries, dataSection.remaining());
    return new SafetensorsReader(source, dataSection, Collections.unmodifiableMap(entries),
        Collections.unmodifiableMap(metadata));
  }

  private static Entry entry(String source, String name, Object value) {
    if (!(value instanceof Map<?, ?> m)) {
      throw new ModelFormatException(source + ": header entry for tensor '" + name + "' is not an object");
    }
    Object dt = m.get("dtype");
    if (!(dt instanceof String dts)) {
      throw new ModelFormatException(source + ": tensor '" + name + "' has no dtype string");
    }
    SafetensorsDType dtype = SafetensorsDType.parse(dts);
    if (dtype == null) {
      throw new ModelFormatException(source + ": tensor '" + name + "' has unsupported dtype '" + dts + "'");
    }
    long[] shapeL = longs(source, name, "shape", m.get("shape"), -1);
    int[] shape = new int[shapeL.length];
    for (int i = 0; i < shape.length; i++) {
      if (shapeL[i] < 0 || shapeL[i] > Integer.MAX_VALUE) {
        throw new ModelFormatException(source + ": tensor '" + name + "' has dimension " + shapeL[i]);
      }
      shape[i] = (int) shapeL[i];
    }
    long elements;
    try {
      elements = Tensor.size(shape);
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(source + ": tensor '" + name + "': " + e.getMessage(), e);
    }
    long[] off = longs(source, name, "data_offsets", m.get("data_offsets"), 2);
    if (off[0] < 0 || off[1] < off[0]) {
      throw new ModelFormatException(source + ": tensor '" + name + "' has invalid data_offsets " + Arrays.toString(off));
    }
    long need = elements * dtype.bytes();
    if (off[1] - off[0] != need) {
      throw new ModelFormatException(source + ": tensor '" + name + "' is " + dtype + " " + Arrays.toString(shape)
          + ", which needs " + need + " bytes, but its data_offsets " + Arrays.toString(off) + " span "
          + (off[1] - off[0]) + " (dtype/shape mismatch)");
    }
    return new Entry(name, dtype, shape, off[0], off[1]);
  }

  private static long[] longs(String source, String name, String field, Object v, int length) {
    if (!(v instanceof List<?> l) || (length >= 0 && l.size() != length)) {
      throw new ModelFormatException(source + ": tensor '" + name + "' has no valid '" + field + "' array"
          + (length >= 0 ? " of " + length + " integers" : ""));
    }
    long[] out = new long[l.size()];
    for (int i = 0; i < out.length; i++) {
      if (!(l.get(i) instanceof Long x)) {
        throw new ModelFormatException(source + ": tensor '" + name + "' has a non-integer in '" + field + "': " + l);
      }
      out[i] = x;
    }
    return out;
  }

  /** Offsets inside the data, no overlaps, no holes (as the reference implementation requires). */
  private static void checkLayout(String source, Map<String, Entry> entries, long dataBytes) {
    List<Entry> sorted = new ArrayList<>(entries.values());
    sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
    long maxEnd = 0;
    for (Entry e : sorted) {
      if (e.end() > dataBytes) {
        throw new ModelFormatException(source + ": tensor '" + e.name() + "' data_offsets [" + e.begin() + ", " + e.end()
            + ") reach beyond the " + dataBytes + " data bytes in the file (truncated file or bad offsets)");
      }
    }
    Entry prev = null;
    for (Entry e : sorted) {
      if (prev != null && e.begin() < prev.end()) {
        throw new ModelFormatException(source + ": tensors '" + prev.name() + "' [" + prev.begin() + ", " + prev.end()
            + ") and '" + e.name() + "' [" + e.begin() + ", " + e.end() + ") overlap");
      }
      if (e.begin() > maxEnd) {
        throw new ModelFormatException(source + ": bytes [" + maxEnd + ", " + e.begin() + ") of the data belong to no"
            + " tensor (hole before '" + e.name() + "')");
      }
      maxEnd = Math.max(maxEnd, e.end());
      if (e.end() > e.begin()) {
        prev = e;
      }
    }
    if (maxEnd != dataBytes) {
      throw new ModelFormatException(source + ": " + (dataBytes - maxEnd) + " bytes after the last tensor belong to"
          + " no tensor");
    }
  }

  public String source() {
    return source;
  }

  /** Header entries in header order (without __metadata__). */
  public Map<String, Entry> entries() {
    return entries;
  }

  public Map<String, String> metadata() {
    return metadata;
  }

  public Entry entry(String name) {
    Entry e = entries.get(name);
    if (e == null) {
      throw new ModelFormatException(source + " has no tensor '" + name + "'");
    }
    return e;
  }

  /** A floating-point tensor widened to doubles. */
  public Tensor tensor(String name) {
    Entry e = entry(name);
    if (!e.dtype().isFloat()) {
      throw new ModelFormatException(source + ": tensor '" + name + "' is " + e.dtype() + ", not a floating-point type");
    }
    int n = (int) e.elements();
    double[] out = new double[n];
    int base = (int) e.begin();
    switch (e.dtype()) {
      case F64 -> {
        for (int i = 0; i < n; i++) {
          out[i] = data.getDouble(base + 8 * i);
        }
      }
      case F32 -> {
        for (int i = 0; i < n; i++) {
          out[i] = data.getFloat(base + 4 * i);
        }
      }
      case F16 -> {
        for (int i = 0; i < n; i++) {
          out[i] = HalfFloats.f16ToFloat(data.getShort(base + 2 * i));
        }
      }
      default -> {
        for (int i = 0; i < n; i++) {
          out[i] = HalfFloats.bf16ToFloat(data.getShort(base + 2 * i));
        }
      }
    }
    return Tensor.of(out, e.shape());
  }

  /** An integer or boolean tensor as longs (U8 and BOOL unsigned). */
  public long[] longs(String name) {
    Entry e = entry(name);
    if (e.dtype().isFloat()) {
      throw new ModelFormatException(source + ": tensor '" + name + "' is " + e.dtype() + ", not an integer type");
    }
    int n = (int) e.elements();
    long[] out = new long[n];
    int base = (int) e.begin();
    for (int i = 0; i < n; i++) {
      out[i] = switch (e.dtype()) {
        case I64 -> data.getLong(base + 8 * i);
        case I32 -> data.getInt(base + 4 * i);
        case I16 -> data.getShort(base + 2 * i);
        case I8 -> data.get(base + i);
        default -> data.get(base + i) & 0xff;
      };
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------- BERT

  public static BertModel readBert(Path file) {
    return readBert(open(file), null);
  }

  /**
   * A BERT model from Hugging Face names. The config comes from the metadata that
   * {@link SafetensorsWriter#forBert} stores; without it (a plain Hugging Face checkpoint) from the shapes,
   * with {@code heads} required, LayerNorm epsilon 1e-12, GeLU, softmax, and mean pooling with L2
   * normalisation. Pooler weights and position_ids are skipped; a pooler together with a classifier
   * (BertForSequenceClassification: tanh pooler on [CLS]) is refused, since the head here applies to the
   * pooled vector directly.
   */
  public static BertModel readBert(Path file, Integer heads) {
    return readBert(open(file), heads);
  }

  public static BertModel readBert(SafetensorsReader r, Integer heads) {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    Map<String, String> origin = new HashMap<>();
    boolean pooler = false;
    for (Entry e : r.entries.values()) {
      BertNames.Mapped m = BertNames.fromHuggingFace(e.name());
      if (m == null) {
        if (e.name().contains("pooler.")) {
          pooler = true;
          continue;
        }
        if (e.name().endsWith("position_ids") || !e.dtype().isFloat()) {
          continue;
        }
        throw new ModelFormatException(r.source + ": tensor '" + e.name() + "' " + Arrays.toString(e.shape())
            + " is not a BERT weight this reader knows");
      }
      if (!e.dtype().isFloat()) {
        throw new ModelFormatException(r.source + ": tensor '" + e.name() + "' is " + e.dtype() + ", expected a float type");
      }
      String prev = origin.put(m.canonical(), e.name());
      if (prev != null) {
        throw new ModelFormatException(r.source + ": tensors '" + prev + "' and '" + e.name() + "' both map to '"
            + m.canonical() + "'");
      }
      Tensor t = r.tensor(e.name());
      if (m.linearWeight()) {
        if (t.rank() != 2) {
          throw new ModelFormatException(r.source + ": tensor '" + e.name() + "' should be a matrix [out, in], has shape "
              + Arrays.toString(t.shape()));
        }
        t = t.transpose2d();
      }
      tensors.put(m.canonical(), t);
    }
    if (pooler && tensors.containsKey(BertNames.CLASSIFIER_WEIGHT)) {
      throw new ModelFormatException(r.source + " is a BertForSequenceClassification checkpoint (pooler + classifier);"
          + " its tanh pooler on [CLS] is not supported");
    }
    BertConfig config = r.metadata.containsKey(CONFIG_PREFIX + "heads") ? configFromMetadata(r, heads)
        : inferConfig(r.source, tensors, heads);
    return new BertModel(config, tensors);
  }

  private static final Pattern LAYER = Pattern.compile("layer\\.(\\d+)\\..*");

  private static BertConfig inferConfig(String source, Map<String, Tensor> t, Integer heads) {
    Tensor word = t.get(BertNames.WORD);
    if (word == null || word.rank() != 2) {
      throw new ModelFormatException(source + ": no word embedding matrix 'bert.embeddings.word_embeddings.weight'");
    }
    if (heads == null) {
      throw new ModelFormatException(source + " has no " + CONFIG_PREFIX + "* metadata; pass the number of attention"
          + " heads (num_attention_heads in the model's config.json)");
    }
    int layers = 0;
    for (String name : t.keySet()) {
      Matcher m = LAYER.matcher(name);
      if (m.matches()) {
        layers = Math.max(layers, Integer.parseInt(m.group(1)) + 1);
      }
    }
    Tensor ffn = t.get(BertNames.layer(0, "ffn.in.weight"));
    Tensor pos = t.get(BertNames.POSITION), type = t.get(BertNames.TOKEN_TYPE);
    Tensor cls = t.get(BertNames.CLASSIFIER_WEIGHT);
    if (layers == 0 || ffn == null || pos == null || type == null) {
      throw new ModelFormatException(source + ": incomplete BERT checkpoint (layers " + layers + ", intermediate dense "
          + (ffn != null) + ", position embeddings " + (pos != null) + ", token type embeddings " + (type != null) + ")");
    }
    return new BertConfig(layers, word.dim(1), heads, ffn.dim(1), word.dim(0), pos.dim(0), type.dim(0), 1e-12,
        Activation.GELU, AttentionKind.SOFTMAX, Pooling.MEAN, true, cls == null ? 0 : cls.dim(1));
  }

  private static BertConfig configFromMetadata(SafetensorsReader r, Integer heads) {
    Map<String, String> m = r.metadata;
    try {
      BertConfig c = new BertConfig(
          Integer.parseInt(req(r, "layers")), Integer.parseInt(req(r, "hidden")), Integer.parseInt(req(r, "heads")),
          Integer.parseInt(req(r, "intermediate")), Integer.parseInt(req(r, "vocab")),
          Integer.parseInt(req(r, "max_positions")), Integer.parseInt(req(r, "type_vocab")),
          Double.parseDouble(req(r, "layer_norm_eps")), Activation.valueOf(req(r, "activation")),
          AttentionKind.valueOf(req(r, "attention")), Pooling.valueOf(req(r, "pooling")),
          Boolean.parseBoolean(req(r, "normalize")), Integer.parseInt(req(r, "num_labels")));
      if (heads != null && heads != c.heads()) {
        throw new ModelFormatException(r.source + ": metadata says " + c.heads() + " attention heads, not " + heads);
      }
      return c;
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(r.source + ": invalid " + CONFIG_PREFIX + "* metadata " + m + ": " + e.getMessage(), e);
    }
  }

  private static String req(SafetensorsReader r, String key) {
    String v = r.metadata.get(CONFIG_PREFIX + key);
    if (v == null) {
      throw new IllegalArgumentException("missing " + CONFIG_PREFIX + key);
    }
    return v;
  }
}
