package org.secformer.spark.source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SQLContext;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableProvider;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.sources.BaseRelation;
import org.apache.spark.sql.sources.CreatableRelationProvider;
import org.apache.spark.sql.sources.DataSourceRegister;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * The {@code secformer} data source: a write scores a DataFrame's texts through the engines and stores
 * the two computing parties' shares of the outputs, one folder per party, so a result receiver
 * elsewhere reconstructs them; a read reconstructs (both folders) or returns one party's raw shares.
 *
 * <pre>
 * df.write.format("secformer").option("path", dir).option("text.column", "note").option("id.column", "id")
 *     .option("engine.conf", ...).option("model.id", ...).mode("overwrite").save()
 * spark.read.format("secformer").load(dir)                   // id, label, probability, logits
 * spark.read.format("secformer").option("party", "0").load(dir)  // id, share (one party's; useless alone)
 * </pre>
 *
 * Layout of {@code dir}: {@code p0/part-NNNNN.arrow} and {@code p1/part-NNNNN.arrow} (one Arrow IPC
 * stream of share batches per committed write task), the public manifest {@code _secformer.json} and
 * {@code _SUCCESS}, both written at job commit ({@link OutputLayout}).
 *
 * <p>Modes: overwrite replaces the folder's output at job commit (the old output stays until the new one
 * is complete), error-if-exists (the default) refuses an existing folder, ignore skips it, append is
 * refused. Spark hands every save to the V1 {@link CreatableRelationProvider} entry, which checks the
 * mode and then runs the DataSource V2 write ({@link SecformerTable}).
 */
public final class SecformerSource implements TableProvider, DataSourceRegister, CreatableRelationProvider {
  public static final String SHORT_NAME = "secformer";

  @Override
  public String shortName() {
    return SHORT_NAME;
  }

  @Override
  public StructType inferSchema(CaseInsensitiveStringMap options) {
    return ReadSchemas.of(SecformerOptions.party(options));
  }

  @Override
  public Table getTable(StructType schema, Transform[] partitioning, Map<String, String> properties) {
    if (partitioning.length > 0) {
      throw new IllegalArgumentException("the secformer source does not partition its output; drop partitionBy");
    }
    return new SecformerTable(new CaseInsensitiveStringMap(properties));
  }

  /**
   * Every save lands here first (see {@link SecformerTable} why): the mode is checked against the folder,
   * then the rows are written through the V2 table, as an overwrite of the folder's output.
   */
  @Override
  public BaseRelation createRelation(SQLContext sqlContext, SaveMode mode, scala.collection.immutable.Map<String, String> parameters,
      Dataset<Row> data) {
    Map<String, String> options = new java.util.HashMap<>(scala.jdk.javaapi.CollectionConverters.asJava(parameters));
    String dir = SecformerOptions.path(options);
    switch (mode) {
      case Append -> throw new UnsupportedOperationException("the secformer source does not append to earlier output; "
          + "write with mode \"overwrite\" (replaces the output in " + dir + ") or \"errorifexists\" (the default)");
      case ErrorIfExists -> {
        if (exists(sqlContext, dir)) {
          throw new IllegalStateException("path " + dir + " already exists; use mode \"overwrite\" to replace its "
              + "secformer output");
        }
      }
      case Ignore -> {
        if (exists(sqlContext, dir)) {
          return new WrittenRelation(sqlContext);
        }
      }
      case Overwrite -> { }
      default -> throw new IllegalArgumentException("unknown save mode " + mode);
    }
    options.put(SecformerOptions.V2_WRITE, "true");
    data.write().format(SHORT_NAME).options(options).mode(SaveMode.Overwrite).save();
    return new WrittenRelation(sqlContext);
  }

  private static boolean exists(SQLContext sqlContext, String dir) {
    Path path = new Path(dir);
    try {
      FileSystem fs = path.getFileSystem(sqlContext.sparkContext().hadoopConfiguration());
      return fs.exists(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot check whether " + dir + " exists: " + e.getMessage(), e);
    }
  }

  /** What Spark's V1 write path wants back; nothing reads through it (reads use V2). */
  private static final class WrittenRelation extends BaseRelation {
    private final SQLContext sqlContext;

    WrittenRelation(SQLContext sqlContext) {
      this.sqlContext = sqlContext;
    }

    @Override
    public SQLContext sqlContext() {
      return sqlContext;
    }

    @Override
    public StructType schema() {
      return ReadSchemas.of(-1);
    }
  }
}
