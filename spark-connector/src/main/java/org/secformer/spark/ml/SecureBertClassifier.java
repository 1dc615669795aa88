package org.secformer.spark.ml;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.secformer.spark.ScoringMetrics;
import org.secformer.spark.SecformerConf;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Scores a string column with a secret-shared BERT model: each partition's texts are tokenized and
 * secret-shared on its executor and scored by the engines in one engine job, batched, and the result is
 * appended as {@code struct<label: string, probability: double, scores: array<double>>} (scores are the
 * probabilities in the model's label order; for an embedding model label and probability are null and
 * scores is the sentence vector). A null text gives a null struct; every other column and the rows' order
 * within each partition are kept.
 *
 * <p>Settings: {@code modelId}, {@code batchSize}, {@code maxSequenceLength} and {@code options} (any other
 * setting by its short name, such as {@code engine.conf}, {@code overlong}, {@code retries}) take
 * precedence over the session conf ({@code spark.secformer.*}), which takes precedence over the conf file
 * and the defaults (see {@link SecformerConf}). A param left unset falls through to the session conf.
 *
 * <pre>{@code
 * Dataset<Row> scored = new SecureBertClassifier()
 *     .setInputCol("text").setOutputCol("prediction")
 *     .setModelId("minilm-spam").setBatchSize(16).setMaxSequenceLength(128)
 *     .setOption("engine.conf", "conf/engine-cluster.properties")
 *     .transform(emails);
 * }</pre>
 */
public final class SecureBertClassifier extends Transformer implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;

  // a Param takes its parent's uid when built, so the params are built in the constructor, after uid
  private final String uid;
  private final Param<String> inputCol;
  private final Param<String> outputCol;
  private final Param<String> modelId;
  private final IntParam batchSize;
  private final IntParam maxSequenceLength;
  private final StringArrayParam options;
  // the accumulators of the latest transform; not a param, so neither copied nor saved
  private transient volatile ScoringMetrics lastMetrics;

  public SecureBertClassifier(String uid) {
    this.uid = uid;
    inputCol = new Param<>(this, "inputCol", "string column holding the texts to score");
    outputCol = new Param<>(this, "outputCol",
        "new column for the result: struct<label: string, probability: double, scores: array<double>>");
    modelId = new Param<>(this, "modelId",
        "the shared model to score with (" + SecformerConf.MODEL_ID + "; unset: session conf, then default)");
    batchSize = new IntParam(this, "batchSize",
        "texts per engine batch (" + SecformerConf.BATCH_SIZE + "; unset: session conf, then default)",
        ParamValidators.gtEq(1));
    maxSequenceLength = new IntParam(this, "maxSequenceLength", "most tokens per text, [CLS] and [SEP] included ("
        + SecformerConf.MAX_SEQ_LEN + "; unset: session conf, then default)", ParamValidators.gtEq(3));
    options = new StringArrayParam(this, "options",
        "other settings as key=value by short name (engine.conf, overlong, retries, timeout.ms, ...)");
    setDefault(inputCol, "text");
    setDefault(outputCol, "prediction");
    setDefault(options, new String[0]);
  }

  public SecureBertClassifier() {
    this(Identifiable.randomUID("secureBertClassifier"));
  }

  @Override
  public String uid() {
    return uid;
  }

  public Param<String> inputCol() {
    return inputCol;
  }

  public Param<String> outputCol() {
    return outputCol;
  }

  public Param<String> modelId() {
    return modelId;
  }

  public IntParam batchSize() {
    return batchSize;
  }

  public IntParam maxSequenceLength() {
    return maxSequenceLength;
  }

  public StringArrayParam options() {
    return options;
  }

  public String getInputCol() {
    return $(inputCol);
  }

  public SecureBertClassifier setInputCol(String value) {
    set(inputCol, value);
    return this;
  }

  public String getOutputCol() {
    return $(outputCol);
  }

  public SecureBertClassifier setOutputCol(String value) {
    set(outputCol, value);
    return this;
  }

  /** The model id set on this stage; null when unset (the session conf or the default applies). */
  public String getModelId() {
    return isSet(modelId) ? $(modelId) : null;
  }

  public SecureBertClassifier setModelId(String value) {
    set(modelId, value);
    return this;
  }

  /** The batch size set on this stage; null when unset. */
  public Integer getBatchSize() {
    return isSet(batchSize) ? (Integer) $(batchSize) : null;
  }

  public SecureBertClassifier setBatchSize(int value) {
    set(batchSize, value);
    return this;
  }

  /** The maximum sequence length set on this stage; null when unset. */
  public Integer getMaxSequenceLength() {
    return isSet(maxSequenceLength) ? (Integer) $(maxSequenceLength) : null;
  }

  public SecureBertClassifier setMaxSequenceLength(int value) {
    set(maxSequenceLength, value);
    return this;
  }

  /** The other settings, by short name, in the order they were set. */
  public Map<String, String> getOptions() {
    return parseOptions($(options));
  }

  /** Sets one other setting by its short name ({@code engine.conf}, {@code overlong}, ...), replacing an earlier value. */
  public SecureBertClassifier setOption(String key, String value) {
    Map<String, String> all = getOptions();
    all.put(checkKey(key), value);
    return setOptions(all);
  }

  /** Replaces all other settings. */
  public SecureBertClassifier setOptions(Map<String, String> values) {
    String[] entries = values.entrySet().stream()
        .map(e -> checkKey(e.getKey()) + "=" + e.getValue())
        .toArray(String[]::new);
    set(options, entries);
    return this;
  }

  /**
   * The metrics of this instance's latest {@link #transform} call (null before the first): they fill in as
   * actions on its result run. {@code transform(dataset, paramMap)} runs on a copy, which keeps its own.
   * See {@link ScoringMetrics} for how re-evaluations count.
   */
  public ScoringMetrics lastMetrics() {
    return lastMetrics;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    String in = getInputCol();
    String out = getOutputCol();
    if (!Arrays.asList(schema.fieldNames()).contains(in)) {
      throw new IllegalArgumentException("SecureBertClassifier: input column '" + in + "' does not exist (columns: "
          + String.join(", ", schema.fieldNames()) + "); set it with setInputCol");
    }
    DataType type = schema.apply(in).dataType();
    if (!(type instanceof StringType)) {
      throw new IllegalArgumentException("SecureBertClassifier: input column '" + in + "' must be of type string, but is "
          + type.simpleString() + "; cast it or choose another column");
    }
    if (Arrays.asList(schema.fieldNames()).contains(out)) {
      throw new IllegalArgumentException("SecureBertClassifier: output column '" + out
          + "' already exists; choose another with setOutputCol");
    }
    return schema.add(new StructField(out, Prediction.TYPE, true, Metadata.empty()));
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType outSchema = transformSchema(dataset.schema(), true);
    SparkSession spark = dataset.sparkSession();
    SecformerConf conf = SecformerConf.resolve(settings(), CollectionConverters.asJava(spark.conf().getAll()));
    ScoringMetrics metrics = ScoringMetrics.register(spark.sparkContext(), "secformer." + uid + ".");
    lastMetrics = metrics;
    int textIndex = dataset.schema().fieldIndex(getInputCol());
    return dataset.toDF().mapPartitions(new ScoreRows(conf, textIndex, metrics), Encoders.row(outSchema));
  }

  /** This stage's settings as options (short names): the dedicated params over nothing, plus {@code options}. */
  private Map<String, String> settings() {
    Map<String, String> opts = getOptions();
    put(opts, SecformerConf.MODEL_ID, modelId, getModelId());
    put(opts, SecformerConf.BATCH_SIZE, batchSize, getBatchSize());
    put(opts, SecformerConf.MAX_SEQ_LEN, maxSequenceLength, getMaxSequenceLength());
    return opts;
  }

  private static void put(Map<String, String> opts, String key, Param<?> param, Object value) {
    if (value == null) {
      return;
    }
    if (opts.containsKey(key)) {
      throw new IllegalArgumentException("SecureBertClassifier: " + key + " is set both by param " + param.name() + " ("
          + value + ") and in options (" + opts.get(key) + "); set it once");
    }
    opts.put(key, value.toString());
  }

  private static Map<String, String> parseOptions(String[] entries) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String e : entries) {
      int eq = e.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("SecureBertClassifier: option '" + e + "' is not key=value");
      }
      out.put(e.substring(0, eq).trim().toLowerCase(Locale.ROOT), e.substring(eq + 1));
    }
    return out;
  }

  private static String checkKey(String key) {
    if (key == null || key.isBlank() || key.contains("=")) {
      throw new IllegalArgumentException("SecureBertClassifier: option key '" + key + "' must be a non-empty name without '='");
    }
    return key.trim().toLowerCase(Locale.ROOT);
  }

  @Override
  public SecureBertClassifier copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  /** Reads a stage written by {@code write().save(path)}; Pipeline loading finds it by this name. */
  public static MLReader<SecureBertClassifier> read() {
    return new DefaultParamsReader<>();
  }

  public static SecureBertClassifier load(String path) {
    return read().load(path);
  }
}
