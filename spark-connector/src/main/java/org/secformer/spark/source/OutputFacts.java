package org.secformer.spark.source;

import java.io.Serializable;
import java.util.List;

/** The manifest's model facts a reader needs on the executors (not the per-task lists). */
record OutputFacts(String modelId, List<String> labels, int fracBits, int width) implements Serializable {
  static OutputFacts of(Manifest m) {
    return new OutputFacts(m.modelId(), List.copyOf(m.labels()), m.fracBits(), m.width());
  }
}
