package org.secformer.engine.bert;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.secformer.engine.bert.BertConfig.Activation;
import org.secformer.engine.bert.BertConfig.AttentionKind;
import org.secformer.engine.bert.BertConfig.Pooling;
import org.secformer.engine.model.ModelFormatException;
import org.secformer.engine.model.ModelSharer;
import org.secformer.engine.model.ModelStore;
import org.secformer.shares.fxp.FixedPoint;

/**
 * Public facts about a shared model, written as {@code model.json} next to the two share files: the model
 * id, the config (attention kind included), the fixed-point fractional bits, every tensor's shape and the
 * SHA-256 of the canonical plaintext weights ({@link #weightsSha256}). It holds no weight values.
 */
public record ModelDescriptor(String modelId, BertConfig config, int fracBits, Map<String, int[]> shapes,
    String weightsSha256, List<String> labels) {
  public static final String FILE_NAME = "model.json";

  /** {@code labels}: one name per classifier output (empty for an embedding model). */
  public ModelDescriptor {
    shapes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(shapes));
    labels = List.copyOf(labels);
    if (labels.size() != config.numLabels()) {
      throw new IllegalArgumentException(labels.size() + " label names for " + config.numLabels() + " classifier outputs");
    }
  }

  public ModelDescriptor(String modelId, BertConfig config, int fracBits, Map<String, int[]> shapes, String weightsSha256) {
    this(modelId, config, fracBits, shapes, weightsSha256, defaultLabels(config.numLabels()));
  }

  public static ModelDescriptor of(String modelId, BertModel model, int fracBits) {
    return of(modelId, model, fracBits, defaultLabels(model.config().numLabels()));
  }

  public static ModelDescriptor of(String modelId, BertModel model, int fracBits, List<String> labels) {
    Map<String, int[]> shapes = new LinkedHashMap<>();
    model.tensors().forEach((k, v) -> shapes.put(k, v.shape()));
    return new ModelDescriptor(modelId, model.config(), fracBits, shapes, weightsSha256(model), labels);
  }

  /** LABEL_0, LABEL_1, ... (Hugging Face's names when a checkpoint gives none). */
  public static List<String> defaultLabels(int n) {
    List<String> l = new java.util.ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      l.add("LABEL_" + i);
    }
    return l;
  }

  public AttentionKind attention() {
    return config.attention();
  }

  /**
   * SHA-256 over the tensors in canonical order; per tensor: the name's UTF-8 bytes with a 4-byte
   * length, the rank and dimensions (4-byte little-endian each), then the values as little-endian
   * IEEE-754 float64.
   */
  public static String weightsSha256(BertModel model) {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    for (Map.Entry<String, Tensor> e : model.tensors().entrySet()) {
      byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
      md.update(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(name.length).array());
      md.update(name);
      int[] shape = e.getValue().shape();
      ByteBuffer dims = ByteBuffer.allocate(4 + 4 * shape.length).order(ByteOrder.LITTLE_ENDIAN).putInt(shape.length);
      for (int d : shape) {
        dims.putInt(d);
      }
      md.update(dims.array());
      for (double v : e.getValue().data()) {
        if (buf.remaining() < 8) {
          md.update(buf.array(), 0, buf.position());
          buf.clear();
        }
        buf.putDouble(v);
      }
      md.update(buf.array(), 0, buf.position());
      buf.clear();
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /**
   * The model owner's step: encodes the weights with {@code fracBits}, writes the two share files via
   * {@link ModelSharer} and this descriptor next to them. Returns the descriptor's path.
   */
  public static Path share(String modelId, BertModel model, int fracBits, Path dir) throws IOException {
    return share(modelId, model, fracBits, defaultLabels(model.config().numLabels()), dir);
  }

  /** As {@link #share(String, BertModel, int, Path)}, naming the classifier's outputs. */
  public static Path share(String modelId, BertModel model, int fracBits, List<String> labels, Path dir)
      throws IOException {
    ModelDescriptor descriptor = of(modelId, model, fracBits, labels);
    ModelSharer.share(modelId, fracBits, model.encode(new FixedPoint(fracBits)), dir);
    Path file = ModelStore.shareFile(dir, modelId, 0).resolveSibling(FILE_NAME);
    descriptor.write(file);
    return file;
  }

  public String toJson() {
    StringBuilder b = new StringBuilder("{\n");
    b.append("  \"format\": \"secformer-bert-descriptor/1\",\n");
    b.append("  \"model_id\": ").append(Json.quote(modelId)).append(",\n");
    b.append("  \"frac_bits\": ").append(fracBits).append(",\n");
    b.append("  \"config\": {");
    BertConfig c = config;
    b.append("\"layers\": ").append(c.layers()).append(", \"hidden\": ").append(c.hidden())
        .append(", \"heads\": ").append(c.heads()).append(", \"intermediate\": ").append(c.intermediate())
        .append(", \"vocab\": ").append(c.vocab()).append(", \"max_positions\": ").append(c.maxPositions())
        .append(", \"type_vocab\": ").append(c.typeVocab()).append(", \"layer_norm_eps\": ").append(c.layerNormEps())
        .append(", \"activation\": \"").append(c.activation()).append("\", \"attention\": \"").append(c.attention())
        .append("\", \"pooling\": \"").append(c.pooling()).append("\", \"normalize\": ").append(c.normalize())
        .append(", \"num_labels\": ").append(c.numLabels()).append("},\n");
    b.append("  \"weights_sha256\": \"").append(weightsSha256).append("\",\n");
    b.append("  \"labels\": [");
    for (int i = 0; i < labels.size(); i++) {
      b.append(i == 0 ? "" : ", ").append(Json.quote(labels.get(i)));
    }
    b.append("],\n");
    b.append("  \"tensors\": {");
    boolean first = true;
    for (Map.Entry<String, int[]> e : shapes.entrySet()) {
      b.append(first ? "\n" : ",\n").append("    ").append(Json.quote(e.getKey())).append(": ")
          .append(Arrays.toString(e.getValue()));
      first = false;
    }
    return b.append("\n  }\n}\n").toString();
  }

  public void write(Path file) throws IOException {
    Path abs = file.toAbsolutePath();
    Files.createDirectories(abs.getParent());
    Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
    Files.writeString(tmp, toJson(), StandardCharsets.UTF_8);
    Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  public static ModelDescriptor read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ModelFormatException("cannot read model descriptor " + file + ": " + e.getMessage(), e);
    }
    return parse(text, file.toString());
  }

  public static ModelDescriptor parse(String json, String source) {
    try {
      Map<?, ?> root = (Map<?, ?>) Json.parse(json);
      if (!"secformer-bert-descriptor/1".equals(root.get("format"))) {
        throw new IllegalArgumentException("format is " + root.get("format") + ", expected secformer-bert-descriptor/1");
      }
      Map<?, ?> c = (Map<?, ?>) req(root, "config");
      BertConfig config = new BertConfig(num(c, "layers"), num(c, "hidden"), num(c, "heads"), num(c, "intermediate"),
          num(c, "vocab"), num(c, "max_positions"), num(c, "type_vocab"), ((Number) req(c, "layer_norm_eps")).doubleValue(),
          Activation.valueOf((String) req(c, "activation")), AttentionKind.valueOf((String) req(c, "attention")),
          Pooling.valueOf((String) req(c, "pooling")), (Boolean) req(c, "normalize"), num(c, "num_labels"));
      Map<String, int[]> shapes = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) req(root, "tensors")).entrySet()) {
        List<?> dims = (List<?>) e.getValue();
        shapes.put((String) e.getKey(), dims.stream().mapToInt(d -> Math.toIntExact((Long) d)).toArray());
      }
      Map<String, int[]> expected = BertModel.expectedShapes(config);
      if (!expected.keySet().equals(shapes.keySet())
          || expected.entrySet().stream().anyMatch(e -> !Arrays.equals(e.getValue(), shapes.get(e.getKey())))) {
        throw new IllegalArgumentException("tensor shapes do not match the config");
      }
      String sha = (String) req(root, "weights_sha256");
      if (!sha.matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException("weights_sha256 is not 64 hex digits");
      }
      List<String> labels = root.containsKey("labels")
          ? ((List<?>) root.get("labels")).stream().map(l -> (String) l).toList()
          : defaultLabels(config.numLabels());
      return new ModelDescriptor((String) req(root, "model_id"), config, num(root, "frac_bits"), shapes, sha, labels);
    } catch (ClassCastException | IllegalArgumentException | ArithmeticException e) {
      throw new ModelFormatException(source + ": invalid model descriptor: " + e.getMessage(), e);
    }
  }

  private static Object req(Map<?, ?> m, String key) {
    Object v = m.get(key);
    if (v == null) {
      throw new IllegalArgumentException("missing \"" + key + "\"");
    }
    return v;
  }

  private static int num(Map<?, ?> m, String key) {
    return Math.toIntExact((Long) req(m, key));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelDescriptor d && modelId.equals(d.modelId) && config.equals(d.config)
        && fracBits == d.fracBits && weightsSha256.equals(d.weightsSha256) && labels.equals(d.labels)
        && shapes.size() == d.shapes.size()
        && shapes.entrySet().stream().allMatch(e -> Arrays.equals(e.getValue(), d.shapes.get(e.getKey())));
  }

  @Override
  public int hashCode() {
    return modelId.hashCode() * 31 + weightsSha256.hashCode();
  }
}
