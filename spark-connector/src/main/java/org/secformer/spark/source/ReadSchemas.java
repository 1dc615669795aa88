package org.secformer.spark.source;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The rows a read returns: reconstructed outputs, or one party's raw shares. */
final class ReadSchemas {
  /** id, predicted label and its softmax probability (null for an embedding model), the outputs. */
  static final StructType RECONSTRUCTED = new StructType()
      .add("id", DataTypes.LongType, false)
      .add("label", DataTypes.StringType, true)
      .add("probability", DataTypes.DoubleType, true)
      .add("logits", DataTypes.createArrayType(DataTypes.DoubleType, false), true);

  /** id and one party's share of the outputs: uniformly random on its own. */
  static final StructType SHARE = new StructType()
      .add("id", DataTypes.LongType, false)
      .add("share", DataTypes.createArrayType(DataTypes.LongType, false), true);

  private ReadSchemas() {}

  static StructType of(int party) {
    return party < 0 ? RECONSTRUCTED : SHARE;
  }
}
