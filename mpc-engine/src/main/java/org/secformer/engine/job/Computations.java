package org.secformer.engine.job;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.secformer.engine.bert.BertConfig;
import org.secformer.engine.bert.secure.SecureBert;
import org.secformer.engine.bert.secure.SecureBertParams;
import org.secformer.engine.model.SharedModel;
import org.secformer.shares.ring.RingTensor;
import org.secformer.engine.MpcException;
import org.secformer.engine.model.ModelStore;
import org.secformer.shares.control.ErrorCode;

/** The one place where a job's computation name is bound to its implementation. */
public final class Computations {
  public static final String LINEAR = "linear";
  /** The secure forward pass of a shared BERT model ({@link SecureBert}). */
  public static final String BERT = "bert";
  private static final int CACHED_TENSOR_MAX = 1 << 20;

  private Computations() {}

  public static Computation create(String name, String modelId, Map<String, String> options, ModelStore models) {
    return switch (name) {
      case LINEAR -> new SecureLinear(
          models.get(modelId), options.getOrDefault("weight", "W"), options.get("bias"));
      case BERT -> bert(models.model(modelId));
      default -> throw new MpcException(ErrorCode.BAD_REQUEST,
          "unknown computation '" + name + "' (known: " + LINEAR + ", " + BERT + ")");
    };
  }

  private static Computation bert(SharedModel model) {
    BertConfig cfg = model.descriptor().config();
    // small tensors (biases, LayerNorm, positions) are used on every batch: expand party 0's seeds once
    Map<String, RingTensor> cache = new ConcurrentHashMap<>();
    Function<String, RingTensor> weights = n -> {
      RingTensor cached = cache.get(n);
      if (cached != null) {
        return cached;
      }
      RingTensor t = model.shares().tensor(n);
      if (t.size() <= CACHED_TENSOR_MAX) {
        cache.put(n, t);
      }
      return t;
    };
    return new SecureBert(cfg, model.modelId(), weights, SecureBertParams.of(cfg, model.ranges()));
  }
}
