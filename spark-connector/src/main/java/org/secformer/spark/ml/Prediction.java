package org.secformer.spark.ml;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.secformer.spark.Scored;

/**
 * The output column's value: {@code struct<label: string, probability: double, scores: array<double>>}.
 * For a classifier, scores are the softmax probabilities in the model's label order and label/probability
 * the best of them; for an embedding model, label and probability are null and scores is the sentence
 * vector, so one column type serves both kinds of model.
 */
final class Prediction {
  static final String LABEL = "label";
  static final String PROBABILITY = "probability";
  static final String SCORES = "scores";

  static final StructType TYPE = new StructType()
      .add(LABEL, DataTypes.StringType, true)
      .add(PROBABILITY, DataTypes.DoubleType, true)
      .add(SCORES, DataTypes.createArrayType(DataTypes.DoubleType, false), false);

  private Prediction() {}

  /** The struct for one result; null for a text that got no result (null text, over-long under the null policy). */
  static Row of(Scored s) {
    if (s == null) {
      return null;
    }
    if (s.label() == null) {
      return RowFactory.create(null, null, s.output());
    }
    return RowFactory.create(s.label(), s.probability(), s.probabilities());
  }
}
