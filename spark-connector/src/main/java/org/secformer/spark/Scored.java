package org.secformer.spark;

import java.io.Serializable;

/**
 * The result for one text: the model's outputs (logits of a classifier, the sentence vector of an
 * embedding model), the predicted label and its probability (classifiers only), and whether the text was
 * truncated to the maximum length.
 */
public record Scored(double[] output, String label, double probability, boolean truncated) implements Serializable {
  /** Softmax probabilities of the logits. */
  public double[] probabilities() {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : output) {
      max = Math.max(max, v);
    }
    double[] p = new double[output.length];
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      p[i] = Math.exp(output[i] - max);
      sum += p[i];
    }
    for (int i = 0; i < p.length; i++) {
      p[i] /= sum;
    }
    return p;
  }

  static Scored of(double[] output, java.util.List<String> labels, boolean truncated) {
    if (labels.isEmpty()) {
      return new Scored(output, null, Double.NaN, truncated);
    }
    Scored s = new Scored(output, null, Double.NaN, truncated);
    double[] p = s.probabilities();
    int best = 0;
    for (int i = 1; i < p.length; i++) {
      if (p[i] > p[best]) {
        best = i;
      }
    }
    return new Scored(output, labels.get(best), p[best], truncated);
  }
}
