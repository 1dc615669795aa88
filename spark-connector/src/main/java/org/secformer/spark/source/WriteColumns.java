package org.secformer.spark.source;

import java.io.Serializable;
import java.util.Arrays;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Where a written row's text and id are. The id ties each share row to its input row for the result
 * receiver, so it must be a non-null LONG or INT (checked here for the type, per row for nulls); ids
 * should be unique, and one that repeats within one engine batch is an error.
 */
record WriteColumns(String textColumn, int textOrdinal, String idColumn, int idOrdinal, boolean idIsInt)
    implements Serializable {

  static WriteColumns of(StructType schema, String textColumn, String idColumn) {
    int text = ordinal(schema, textColumn, SecformerOptions.TEXT_COLUMN);
    int id = ordinal(schema, idColumn, SecformerOptions.ID_COLUMN);
    DataType textType = schema.fields()[text].dataType();
    if (!textType.equals(DataTypes.StringType)) {
      throw new IllegalArgumentException("text column '" + textColumn + "' (option " + SecformerOptions.TEXT_COLUMN
          + ") must be a string, but it is " + textType.simpleString());
    }
    DataType idType = schema.fields()[id].dataType();
    if (!idType.equals(DataTypes.LongType) && !idType.equals(DataTypes.IntegerType)) {
      throw new IllegalArgumentException("id column '" + idColumn + "' (option " + SecformerOptions.ID_COLUMN
          + ") must be LONG or INT, but it is " + idType.simpleString().toUpperCase(java.util.Locale.ROOT)
          + "; cast it, or derive one with monotonically_increasing_id()");
    }
    return new WriteColumns(schema.fields()[text].name(), text, schema.fields()[id].name(), id,
        idType.equals(DataTypes.IntegerType));
  }

  private static int ordinal(StructType schema, String name, String option) {
    StructField[] fields = schema.fields();
    for (int i = 0; i < fields.length; i++) {
      if (fields[i].name().equalsIgnoreCase(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException("column '" + name + "' (option " + option + ") is not in the written "
        + "DataFrame; its columns are " + Arrays.toString(schema.fieldNames()));
  }
}
