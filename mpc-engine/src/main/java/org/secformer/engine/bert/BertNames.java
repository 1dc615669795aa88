package org.secformer.engine.bert;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Canonical tensor names of {@link BertModel} and their Hugging Face (PyTorch {@code BertModel}) names.
 *
 * <p>Canonical names: {@code embeddings.word|position|token_type}, {@code embeddings.ln.gamma|beta},
 * {@code layer.<i>.attn.<q|k|v|o>.weight|bias}, {@code layer.<i>.attn.ln.gamma|beta},
 * {@code layer.<i>.ffn.<in|out>.weight|bias}, {@code layer.<i>.ffn.ln.gamma|beta},
 * {@code classifier.weight|bias}. Every weight matrix is stored [in, out] (y = x W + b), the layout of
 * the ONNX export; Hugging Face checkpoints store linear weights [out, in] (PyTorch {@code nn.Linear}).
 */
public final class BertNames {
  private BertNames() {}

  public static final String WORD = "embeddings.word";
  public static final String POSITION = "embeddings.position";
  public static final String TOKEN_TYPE = "embeddings.token_type";
  public static final String EMB_LN_GAMMA = "embeddings.ln.gamma";
  public static final String EMB_LN_BETA = "embeddings.ln.beta";
  public static final String CLASSIFIER_WEIGHT = "classifier.weight";
  public static final String CLASSIFIER_BIAS = "classifier.bias";

  /** {@code layer.<i>.<rest>}. */
  public static String layer(int i, String rest) {
    return "layer." + i + "." + rest;
  }

  /** A Hugging Face name resolved to a canonical one. */
  public record Mapped(String canonical, boolean linearWeight) {}

  private static final Pattern HF_LAYER = Pattern.compile("encoder\\.layer\\.(\\d+)\\.(.+)");

  /**
   * Maps a Hugging Face BERT parameter name ({@code bert.} prefix optional) to its canonical name, or
   * null when the name is not one {@link BertModel} holds (pooler, position_ids, unknown).
   * {@code linearWeight} is true for nn.Linear weights, which PyTorch stores [out, in].
   */
  public static Mapped fromHuggingFace(String hfName) {
    String n = hfName.startsWith("bert.") ? hfName.substring(5) : hfName;
    switch (n) {
      case "embeddings.word_embeddings.weight":
        return new Mapped(WORD, false);
      case "embeddings.position_embeddings.weight":
        return new Mapped(POSITION, false);
      case "embeddings.token_type_embeddings.weight":
        return new Mapped(TOKEN_TYPE, false);
      case "embeddings.LayerNorm.weight":
      case "embeddings.LayerNorm.gamma":
        return new Mapped(EMB_LN_GAMMA, false);
      case "embeddings.LayerNorm.bias":
      case "embeddings.LayerNorm.beta":
        return new Mapped(EMB_LN_BETA, false);
      case "classifier.weight":
        return new Mapped(CLASSIFIER_WEIGHT, true);
      case "classifier.bias":
        return new Mapped(CLASSIFIER_BIAS, false);
      default:
        break;
    }
    Matcher m = HF_LAYER.matcher(n);
    if (!m.matches()) {
      return null;
    }
    int i = Integer.parseInt(m.group(1));
    String rest = m.group(2);
    String canon = switch (rest) {
      case "attention.self.query.weight" -> "attn.q.weight";
      case "attention.self.query.bias" -> "attn.q.bias";
      case "attention.self.key.weight" -> "attn.k.weight";
      case "attention.self.key.bias" -> "attn.k.bias";
      case "attention.self.value.weight" -> "attn.v.weight";
      case "attention.self.value.bias" -> "attn.v.bias";
      case "attention.output.dense.weight" -> "attn.o.weight";
      case "attention.output.dense.bias" -> "attn.o.bias";
      case "attention.output.LayerNorm.weight", "attention.output.LayerNorm.gamma" -> "attn.ln.gamma";
      case "attention.output.LayerNorm.bias", "attention.output.LayerNorm.beta" -> "attn.ln.beta";
      case "intermediate.dense.weight" -> "ffn.in.weight";
      case "intermediate.dense.bias" -> "ffn.in.bias";
      case "output.dense.weight" -> "ffn.out.weight";
      case "output.dense.bias" -> "ffn.out.bias";
      case "output.LayerNorm.weight", "output.LayerNorm.gamma" -> "ffn.ln.gamma";
      case "output.LayerNorm.bias", "output.LayerNorm.beta" -> "ffn.ln.beta";
      default -> null;
    };
    if (canon == null) {
      return null;
    }
    return new Mapped(layer(i, canon), canon.endsWith(".weight"));
  }

  private static final Pattern CANON_LAYER = Pattern.compile("layer\\.(\\d+)\\.(.+)");

  /** The Hugging Face name (with {@code bert.} prefix, except the classifier) of a canonical name. */
  public static String toHuggingFace(String canonical) {
    switch (canonical) {
      case WORD:
        return "bert.embeddings.word_embeddings.weight";
      case POSITION:
        return "bert.embeddings.position_embeddings.weight";
      case TOKEN_TYPE:
        return "bert.embeddings.token_type_embeddings.weight";
      case EMB_LN_GAMMA:
        return "bert.embeddings.LayerNorm.weight";
      case EMB_LN_BETA:
        return "bert.embeddings.LayerNorm.bias";
      case CLASSIFIER_WEIGHT:
        return "classifier.weight";
      case CLASSIFIER_BIAS:
        return "classifier.bias";
      default:
        break;
    }
    Matcher m = CANON_LAYER.matcher(canonical);
    if (m.matches()) {
      String hf = switch (m.group(2)) {
        case "attn.q.weight" -> "attention.self.query.weight";
        case "attn.q.bias" -> "attention.self.query.bias";
        case "attn.k.weight" -> "attention.self.key.weight";
        case "attn.k.bias" -> "attention.self.key.bias";
        case "attn.v.weight" -> "attention.self.value.weight";
        case "attn.v.bias" -> "attention.self.value.bias";
        case "attn.o.weight" -> "attention.output.dense.weight";
        case "attn.o.bias" -> "attention.output.dense.bias";
        case "attn.ln.gamma" -> "attention.output.LayerNorm.weight";
        case "attn.ln.beta" -> "attention.output.LayerNorm.bias";
        case "ffn.in.weight" -> "intermediate.dense.weight";
        case "ffn.in.bias" -> "intermediate.dense.bias";
        case "ffn.out.weight" -> "output.dense.weight";
        case "ffn.out.bias" -> "output.dense.bias";
        case "ffn.ln.gamma" -> "output.LayerNorm.weight";
        case "ffn.ln.beta" -> "output.LayerNorm.bias";
        default -> null;
      };
      if (hf != null) {
        return "bert.encoder.layer." + m.group(1) + "." + hf;
      }
    }
    throw new IllegalArgumentException("'" + canonical + "' is not a canonical BERT tensor name");
  }

  /** Whether a canonical name is a weight matrix (stored [in, out] here, [out, in] by PyTorch). */
  public static boolean isMatrix(String canonical) {
    return canonical.equals(CLASSIFIER_WEIGHT)
        || (canonical.startsWith("layer.") && canonical.endsWith(".weight"));
  }
}
