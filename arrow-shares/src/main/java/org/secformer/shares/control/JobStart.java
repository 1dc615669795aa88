package org.secformer.shares.control;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.secformer.shares.fxp.FixedPoint;

/**
 * Starts a job on a party.
 *
 * @param computation what to run, e.g. "matmul" or "bert-classify"
 * @param options free-form settings; held as an unmodifiable copy sorted by key, so that a job's
 *     encoding is the same bytes in every JVM (Map.copyOf's iteration order is salted per JVM)
 */
public record JobStart(
    String jobId, String modelId, int fracBits, String computation, Map<String, String> options)
    implements ControlMessage {

  public JobStart {
    Checks.requireText("jobId", jobId);
    Checks.requireText("modelId", modelId);
    new FixedPoint(fracBits); // one rule for the valid range, owned by FixedPoint
    Checks.requireText("computation", computation);
    options = copyOptions(options);
  }

  private static Map<String, String> copyOptions(Map<String, String> options) {
    Checks.requireNonNull("options", options);
    TreeMap<String, String> copy = new TreeMap<>();
    for (Map.Entry<String, String> e : options.entrySet()) {
      if (e.getKey() == null) {
        throw new IllegalArgumentException("options has a null key");
      }
      if (e.getKey().isEmpty()) {
        throw new IllegalArgumentException("options has an empty key");
      }
      if (e.getValue() == null) {
        throw new IllegalArgumentException("option " + Checks.show(e.getKey()) + " has a null value");
      }
      copy.put(e.getKey(), e.getValue());
    }
    return Collections.unmodifiableMap(copy);
  }
}
