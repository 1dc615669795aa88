package org.secformer.engine.job;

import java.util.Map;
import org.secformer.engine.MpcException;
import org.secformer.engine.model.ModelStore;
import org.secformer.shares.control.ErrorCode;

/** The one place where a job's computation name is bound to its implementation. */
public final class Computations {
  public static final String LINEAR = "linear";

  private Computations() {}

  public static Computation create(String name, String modelId, Map<String, String> options, ModelStore models) {
    return switch (name) {
      case LINEAR -> new SecureLinear(
          models.get(modelId), options.getOrDefault("weight", "W"), options.get("bias"));
      default -> throw new MpcException(ErrorCode.BAD_REQUEST, "unknown computation '" + name + "' (known: " + LINEAR + ")");
    };
  }
}
