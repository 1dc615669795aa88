package org.secformer.spark.source;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.secformer.spark.SecformerConf;

/**
 * The {@code secformer} source's own options; everything else a write takes are the scoring settings of
 * {@link SecformerConf} (short names: {@code engine.conf}, {@code model.id}, {@code batch.size}, ...).
 * Names are case-insensitive. An unknown option is an error that names it.
 */
public final class SecformerOptions {
  /** The output folder (also set by {@code save(dir)} / {@code load(dir)}). */
  public static final String PATH = "path";
  /** Write: the string column to score. Default {@value #DEFAULT_TEXT_COLUMN}. */
  public static final String TEXT_COLUMN = "text.column";
  /** Write: the LONG or INT, non-null column that identifies each row in the output. Default {@value #DEFAULT_ID_COLUMN}. */
  public static final String ID_COLUMN = "id.column";
  /** Read: 0 or 1 to read one party's raw shares instead of reconstructing (useless alone, by design). */
  public static final String PARTY = "party";

  /**
   * Internal: set by {@link SecformerSource#createRelation} on the DataSource V2 write it starts after
   * checking the save mode. Only a table opened with it offers batch writes (see there why).
   */
  static final String V2_WRITE = "secformer.internal.v2-write";

  public static final String DEFAULT_TEXT_COLUMN = "text";
  public static final String DEFAULT_ID_COLUMN = "id";

  // what DataFrameReader.load(a, b) sets; one output folder is read at a time
  private static final String PATHS = "paths";
  private static final Set<String> READ_KEYS = Set.of(PATH, PARTY);

  private SecformerOptions() {}

  static Map<String, String> lowerCase(Map<String, String> options) {
    Map<String, String> out = new HashMap<>();
    options.forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT), v));
    return out;
  }

  static String path(Map<String, String> options) {
    Map<String, String> o = lowerCase(options);
    if (o.containsKey(PATHS)) {
      throw new IllegalArgumentException("the secformer source reads one output folder at a time, got " + o.get(PATHS));
    }
    String path = o.get(PATH);
    if (path == null || path.isBlank()) {
      throw new IllegalArgumentException("the secformer source needs option '" + PATH + "' (the output folder), "
          + "or save(dir) / load(dir)");
    }
    return path;
  }

  /** -1 to reconstruct from both parties, else the one party whose raw shares are read. */
  static int party(Map<String, String> options) {
    String v = lowerCase(options).get(PARTY);
    if (v == null) {
      return -1;
    }
    return switch (v.trim()) {
      case "0" -> 0;
      case "1" -> 1;
      default -> throw new IllegalArgumentException("option '" + PARTY + "' must be 0 or 1, got '" + v + "'");
    };
  }

  static void checkReadOptions(Map<String, String> options) {
    for (String k : lowerCase(options).keySet()) {
      if (!READ_KEYS.contains(k)) {
        throw new IllegalArgumentException("unknown option '" + k + "' for reading secformer output (known: "
            + String.join(", ", READ_KEYS) + "; the scoring options only apply to writes)");
      }
    }
  }

  static boolean v2Write(Map<String, String> options) {
    return Boolean.parseBoolean(lowerCase(options).get(V2_WRITE));
  }

  static String textColumn(Map<String, String> options) {
    return lowerCase(options).getOrDefault(TEXT_COLUMN, DEFAULT_TEXT_COLUMN);
  }

  static String idColumn(Map<String, String> options) {
    return lowerCase(options).getOrDefault(ID_COLUMN, DEFAULT_ID_COLUMN);
  }

  /** The scoring settings of a write: its options without the source's own, over the session conf. */
  static SecformerConf scoringConf(Map<String, String> options) {
    Map<String, String> scoring = lowerCase(options);
    scoring.keySet().removeAll(Set.of(PATH, TEXT_COLUMN, ID_COLUMN, V2_WRITE));
    if (scoring.containsKey(PARTY)) {
      throw new IllegalArgumentException("option '" + PARTY + "' only applies to reads: a write stores both parties' shares");
    }
    Map<String, String> session = scala.jdk.javaapi.CollectionConverters.asJava(SparkSession.active().conf().getAll());
    return SecformerConf.resolve(scoring, session);
  }
}
