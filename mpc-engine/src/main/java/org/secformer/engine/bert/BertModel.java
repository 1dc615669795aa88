package org.secformer.engine.bert;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.secformer.engine.model.ModelFormatException;
import org.secformer.shares.fxp.FixedPoint;
import org.secformer.shares.ring.RingTensor;

/**
 * A BERT encoder's plaintext weights under canonical names ({@link BertNames}) plus its config. The
 * constructor checks that every tensor the config calls for is present with the right shape and that
 * nothing else is; the messages name the tensor, the expected and the actual shape.
 */
public final class BertModel {
  private final BertConfig config;
  private final Map<String, Tensor> tensors;

  public BertModel(BertConfig config, Map<String, Tensor> tensors) {
    this.config = Objects.requireNonNull(config, "config");
    Map<String, int[]> expected = expectedShapes(config);
    List<String> problems = new ArrayList<>();
    Map<String, Tensor> ordered = new LinkedHashMap<>();
    for (Map.Entry<String, int[]> e : expected.entrySet()) {
      Tensor t = tensors.get(e.getKey());
      if (t == null) {
        problems.add("missing tensor '" + e.getKey() + "' (expected shape " + Arrays.toString(e.getValue()) + ")");
      } else if (!t.hasShape(e.getValue())) {
        problems.add("tensor '" + e.getKey() + "' has shape " + Arrays.toString(t.shape()) + ", expected "
            + Arrays.toString(e.getValue()));
      } else {
        ordered.put(e.getKey(), t);
      }
    }
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      if (!expected.containsKey(e.getKey())) {
        problems.add("unexpected tensor '" + e.getKey() + "' " + Arrays.toString(e.getValue().shape())
            + (e.getKey().startsWith("classifier.") ? " (config has numLabels = 0)" : ""));
      }
    }
    if (!problems.isEmpty()) {
      throw new ModelFormatException("BERT weights do not match the config " + describe(config) + ": "
          + (problems.size() > 12 ? String.join("; ", problems.subList(0, 12)) + "; and "
              + (problems.size() - 12) + " more" : String.join("; ", problems)));
    }
    this.tensors = Collections.unmodifiableMap(ordered);
  }

  /** Every canonical tensor name the config calls for, in a fixed order, with its shape. */
  public static Map<String, int[]> expectedShapes(BertConfig c) {
    Map<String, int[]> m = new LinkedHashMap<>();
    int h = c.hidden(), f = c.intermediate();
    m.put(BertNames.WORD, new int[] {c.vocab(), h});
    m.put(BertNames.POSITION, new int[] {c.maxPositions(), h});
    m.put(BertNames.TOKEN_TYPE, new int[] {c.typeVocab(), h});
    m.put(BertNames.EMB_LN_GAMMA, new int[] {h});
    m.put(BertNames.EMB_LN_BETA, new int[] {h});
    for (int i = 0; i < c.layers(); i++) {
      for (String p : new String[] {"q", "k", "v", "o"}) {
        m.put(BertNames.layer(i, "attn." + p + ".weight"), new int[] {h, h});
        m.put(BertNames.layer(i, "attn." + p + ".bias"), new int[] {h});
      }
      m.put(BertNames.layer(i, "attn.ln.gamma"), new int[] {h});
      m.put(BertNames.layer(i, "attn.ln.beta"), new int[] {h});
      m.put(BertNames.layer(i, "ffn.in.weight"), new int[] {h, f});
      m.put(BertNames.layer(i, "ffn.in.bias"), new int[] {f});
      m.put(BertNames.layer(i, "ffn.out.weight"), new int[] {f, h});
      m.put(BertNames.layer(i, "ffn.out.bias"), new int[] {h});
      m.put(BertNames.layer(i, "ffn.ln.gamma"), new int[] {h});
      m.put(BertNames.layer(i, "ffn.ln.beta"), new int[] {h});
    }
    if (c.numLabels() > 0) {
      m.put(BertNames.CLASSIFIER_WEIGHT, new int[] {h, c.numLabels()});
      m.put(BertNames.CLASSIFIER_BIAS, new int[] {c.numLabels()});
    }
    return m;
  }

  public BertConfig config() {
    return config;
  }

  /** All tensors in canonical order (unmodifiable). */
  public Map<String, Tensor> tensors() {
    return tensors;
  }

  public Tensor tensor(String name) {
    Tensor t = tensors.get(name);
    if (t == null) {
      throw new IllegalArgumentException("model has no tensor '" + name + "'");
    }
    return t;
  }

  public boolean hasClassifier() {
    return config.numLabels() > 0;
  }

  public long parameterCount() {
    long n = 0;
    for (Tensor t : tensors.values()) {
      n += t.size();
    }
    return n;
  }

  /** The same weights under another config of the same shapes (attention kind, pooling, ...). */
  public BertModel withConfig(BertConfig other) {
    return new BertModel(other, tensors);
  }

  /** Adds (or replaces) a classifier head: weight [hidden, labels], bias [labels]. */
  public BertModel withClassifier(Tensor weight, Tensor bias) {
    if (weight.rank() != 2) {
      throw new ModelFormatException("classifier.weight must be [hidden, labels], got " + Arrays.toString(weight.shape()));
    }
    Map<String, Tensor> m = new LinkedHashMap<>(tensors);
    m.put(BertNames.CLASSIFIER_WEIGHT, weight);
    m.put(BertNames.CLASSIFIER_BIAS, bias);
    return new BertModel(config.withNumLabels(weight.dim(1)), m);
  }

  /** Without a classifier head. */
  public BertModel withoutClassifier() {
    Map<String, Tensor> m = new LinkedHashMap<>(tensors);
    m.remove(BertNames.CLASSIFIER_WEIGHT);
    m.remove(BertNames.CLASSIFIER_BIAS);
    return new BertModel(config.withNumLabels(0), m);
  }

  /** Fixed-point encodings of all tensors (canonical names, same shapes), e.g. for {@code ModelSharer}. */
  public Map<String, RingTensor> encode(FixedPoint fp) {
    Map<String, RingTensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      int[] shape = e.getValue().rank() == 0 ? new int[] {1} : e.getValue().shape();
      out.put(e.getKey(), fp.encode(e.getValue().data(), shape));
    }
    return out;
  }

  static String describe(BertConfig c) {
    return "(layers " + c.layers() + ", hidden " + c.hidden() + ", heads " + c.heads() + ", intermediate "
        + c.intermediate() + ", vocab " + c.vocab() + ", positions " + c.maxPositions() + ", types "
        + c.typeVocab() + ", labels " + c.numLabels() + ")";
  }
}
