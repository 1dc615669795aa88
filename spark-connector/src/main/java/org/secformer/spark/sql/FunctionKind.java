package org.secformer.spark.sql;

import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.secformer.spark.Scored;

/** The SQL functions: their names, result types, and how a scored text becomes a Catalyst value. */
public enum FunctionKind {
  /** {@code secure_classify(text)}: struct of the predicted label, its probability and all labels' probabilities. */
  CLASSIFY("secure_classify", new StructType()
      .add("label", DataTypes.StringType, true)
      .add("probability", DataTypes.DoubleType, false)
      .add("scores", DataTypes.createArrayType(DataTypes.DoubleType, false), false),
      "_FUNC_(text) - Classifies text with the shared model under MPC; returns struct<label, probability, scores>"
          + " (scores: softmax probabilities in the model's label order), null for a null text."),
  /** {@code secure_embed(text)}: the model's output vector (a classifier's logits, an encoder's sentence vector). */
  EMBED("secure_embed", DataTypes.createArrayType(DataTypes.FloatType, false),
      "_FUNC_(text) - The shared model's output vector for text, computed under MPC (a classifier's logits,"
          + " an embedding model's sentence vector), null for a null text.");

  private final String sqlName;
  private final DataType dataType;
  private final String usage;

  FunctionKind(String sqlName, DataType dataType, String usage) {
    this.sqlName = sqlName;
    this.dataType = dataType;
    this.usage = usage;
  }

  public String sqlName() {
    return sqlName;
  }

  public DataType dataType() {
    return dataType;
  }

  String usage() {
    return usage;
  }

  /** The Catalyst value of one result; null for a null (or, by policy, over-long) text. */
  Object value(Scored s, String modelId) {
    if (s == null) {
      return null;
    }
    if (this == EMBED) {
      float[] v = new float[s.output().length];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) s.output()[i];
      }
      return UnsafeArrayData.fromPrimitiveArray(v);
    }
    if (s.label() == null) {
      throw new IllegalArgumentException(sqlName + " needs a classifier, but model '" + modelId
          + "' names no labels; use secure_embed for its output vectors");
    }
    return new GenericInternalRow(new Object[] {UTF8String.fromString(s.label()), s.probability(),
        UnsafeArrayData.fromPrimitiveArray(s.probabilities())});
  }
}
