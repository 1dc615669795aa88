package org.secformer.engine.bert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.secformer.engine.bert.BertConfig.Pooling;
import org.secformer.engine.model.ModelFormatException;

/**
 * A linear classifier head in the {@value #FORMAT} JSON format (the jobs module's trained heads):
 * logits = e W + b over the pooled sentence embedding e. Read here: {@code format}, {@code labels},
 * {@code W} [dim][labels], {@code b} [labels], {@code pooling} ("mean" or "cls"), {@code normalization}
 * ("l2" or "none") and, when present, {@code dim}; the other fields (training notes, metrics) are ignored.
 * Error messages name the file and the field, never a weight value.
 */
public record LinearHeadFile(String source, List<String> labels, Tensor weight, Tensor bias, Pooling pooling,
    boolean normalize) {
  public static final String FORMAT = "secformer-linear-head/1";

  // Duplicate keys would let two different heads hide in one file; refuse them.
  private static final JsonMapper JSON = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  public LinearHeadFile {
    labels = List.copyOf(labels);
  }

  public static LinearHeadFile read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ModelFormatException("cannot read classifier head " + file + ": " + e.getMessage(), e);
    }
    return parse(bytes, file.toString());
  }

  public static LinearHeadFile parse(byte[] json, String source) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      var at = e.getLocation();
      throw new ModelFormatException(source + ": not valid JSON" + (at == null ? "" : " at line " + at.getLineNr()
          + " column " + at.getColumnNr()) + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new ModelFormatException("cannot read classifier head " + source + ": " + e.getMessage(), e);
    }
    try {
      return of(root, source);
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(source + ": invalid classifier head: " + e.getMessage(), e);
    }
  }

  private static LinearHeadFile of(JsonNode root, String source) {
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    String format = text(root, "format");
    if (!FORMAT.equals(format)) {
      throw new IllegalArgumentException("format is \"" + format + "\", expected \"" + FORMAT + "\"");
    }
    List<String> labels = new ArrayList<>();
    for (JsonNode l : array(root, "labels")) {
      if (!l.isTextual() || l.asText().isBlank() || labels.contains(l.asText())) {
        throw new IllegalArgumentException("\"labels\" must be distinct non-blank strings");
      }
      labels.add(l.asText());
    }
    if (labels.isEmpty()) {
      throw new IllegalArgumentException("\"labels\" is empty");
    }
    int k = labels.size();
    JsonNode w = array(root, "W");
    int dim = w.size();
    if (dim == 0) {
      throw new IllegalArgumentException("\"W\" has no rows");
    }
    if (root.has("dim") && (!root.get("dim").canConvertToInt() || root.get("dim").asInt() != dim)) {
      throw new IllegalArgumentException("\"dim\" is " + root.get("dim") + " but \"W\" has " + dim + " rows");
    }
    double[] weight = new double[dim * k];
    for (int d = 0; d < dim; d++) {
      JsonNode row = w.get(d);
      if (!row.isArray() || row.size() != k) {
        throw new IllegalArgumentException("\"W\" row " + d + " must have one entry per label (" + k + ")");
      }
      for (int j = 0; j < k; j++) {
        weight[d * k + j] = number(row.get(j), "W[" + d + "][" + j + "]");
      }
    }
    JsonNode b = array(root, "b");
    if (b.size() != k) {
      throw new IllegalArgumentException("\"b\" has " + b.size() + " entries for " + k + " labels");
    }
    double[] bias = new double[k];
    for (int j = 0; j < k; j++) {
      bias[j] = number(b.get(j), "b[" + j + "]");
    }
    Pooling pooling = switch (text(root, "pooling")) {
      case "mean" -> Pooling.MEAN;
      case "cls" -> Pooling.CLS;
      default -> throw new IllegalArgumentException("\"pooling\" must be \"mean\" or \"cls\"");
    };
    boolean normalize = switch (text(root, "normalization")) {
      case "l2" -> true;
      case "none" -> false;
      default -> throw new IllegalArgumentException("\"normalization\" must be \"l2\" or \"none\"");
    };
    return new LinearHeadFile(source, labels, Tensor.of(weight, dim, k), Tensor.of(bias, k), pooling, normalize);
  }

  public int dim() {
    return weight.dim(0);
  }

  /**
   * {@code model} with this head as its classifier (config numLabels = labels). Refused when the head was
   * trained on embeddings of another width, pooling or normalisation than the model produces: it would
   * still run but classify meaningless vectors.
   */
  public BertModel attachTo(BertModel model) {
    BertConfig c = model.config();
    if (dim() != c.hidden()) {
      throw new ModelFormatException(source + ": classifier head has " + dim() + " inputs but the model's hidden size is "
          + c.hidden());
    }
    if (pooling != c.pooling() || normalize != c.normalize()) {
      throw new ModelFormatException(source + ": classifier head expects " + describe(pooling, normalize)
          + " embeddings but the model produces " + describe(c.pooling(), c.normalize()) + " ones");
    }
    return model.withClassifier(weight, bias);
  }

  private static String describe(Pooling p, boolean l2) {
    return p.name().toLowerCase(java.util.Locale.ROOT) + "-pooled" + (l2 ? ", L2-normalised" : ", unnormalised");
  }

  private static String text(JsonNode root, String field) {
    JsonNode v = root.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException("\"" + field + "\" must be a string");
    }
    return v.asText();
  }

  private static JsonNode array(JsonNode root, String field) {
    JsonNode v = root.get(field);
    if (v == null || !v.isArray()) {
      throw new IllegalArgumentException("\"" + field + "\" must be an array");
    }
    return v;
  }

  private static double number(JsonNode v, String where) {
    if (v == null || !v.isNumber() || !Double.isFinite(v.asDouble())) {
      throw new IllegalArgumentException(where + " is not a finite number");
    }
    return v.asDouble();
  }
}
