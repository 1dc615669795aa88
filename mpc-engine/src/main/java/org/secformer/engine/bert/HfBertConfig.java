package org.secformer.engine.bert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.secformer.engine.model.ModelFormatException;

/**
 * The parts of a Hugging Face BERT {@code config.json} that a safetensors checkpoint's shapes do not tell:
 * the attention heads and the LayerNorm epsilon. The sizes it also lists must agree with the checkpoint,
 * and the activation must be exact GeLU (the only one the secure protocols implement).
 */
public record HfBertConfig(String source, int heads, Double layerNormEps, Map<String, Integer> sizes) {
  private static final JsonMapper JSON = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final String[] SIZE_FIELDS = {"num_hidden_layers", "hidden_size", "intermediate_size", "vocab_size",
      "max_position_embeddings", "type_vocab_size"};

  public static HfBertConfig read(Path file) {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readAllBytes(file));
    } catch (JsonProcessingException e) {
      throw new ModelFormatException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new ModelFormatException("cannot read model config " + file + ": " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new ModelFormatException(file + ": model config is not a JSON object");
    }
    JsonNode heads = root.get("num_attention_heads");
    if (heads == null || !heads.canConvertToInt() || !heads.isIntegralNumber()) {
      throw new ModelFormatException(file + ": \"num_attention_heads\" must be an integer");
    }
    JsonNode act = root.get("hidden_act");
    if (act != null && !"gelu".equals(act.asText())) {
      throw new ModelFormatException(file + ": \"hidden_act\" is " + act + "; only exact \"gelu\" is supported");
    }
    JsonNode eps = root.get("layer_norm_eps");
    if (eps != null && (!eps.isNumber() || !(eps.asDouble() > 0) || !Double.isFinite(eps.asDouble()))) {
      throw new ModelFormatException(file + ": \"layer_norm_eps\" must be a positive number");
    }
    Map<String, Integer> sizes = new LinkedHashMap<>();
    for (String f : SIZE_FIELDS) {
      JsonNode v = root.get(f);
      if (v != null) {
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
          throw new ModelFormatException(file + ": \"" + f + "\" must be an integer");
        }
        sizes.put(f, v.asInt());
      }
    }
    return new HfBertConfig(file.toString(), heads.asInt(), eps == null ? null : eps.asDouble(), sizes);
  }

  /** {@code model} (read with {@link #heads}) with this config's epsilon, after checking the listed sizes. */
  public BertModel applyTo(BertModel model) {
    BertConfig c = model.config();
    int[] actual = {c.layers(), c.hidden(), c.intermediate(), c.vocab(), c.maxPositions(), c.typeVocab()};
    for (int i = 0; i < SIZE_FIELDS.length; i++) {
      Integer want = sizes.get(SIZE_FIELDS[i]);
      if (want != null && want != actual[i]) {
        throw new ModelFormatException(source + ": \"" + SIZE_FIELDS[i] + "\" is " + want + " but the checkpoint has "
            + actual[i]);
      }
    }
    if (layerNormEps == null || layerNormEps == c.layerNormEps()) {
      return model;
    }
    return model.withConfig(new BertConfig(c.layers(), c.hidden(), c.heads(), c.intermediate(), c.vocab(),
        c.maxPositions(), c.typeVocab(), layerNormEps, c.activation(), c.attention(), c.pooling(), c.normalize(),
        c.numLabels()));
  }
}
