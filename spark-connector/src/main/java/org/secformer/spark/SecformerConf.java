package org.secformer.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

/**
 * The plug-in's settings, resolved once on the driver and shipped to the executors. Each setting has a
 * short name used as a DataFrame / ML / DataSource option ({@code model.id}) and a session key
 * ({@code spark.secformer.model.id}). Precedence, highest first: the option, the session conf, the conf
 * file ({@code spark.secformer.conf.file}, default {@code conf/secformer-spark.properties} when present;
 * it uses the session keys, and relative paths in it are relative to the file), the default.
 *
 * @param engineConf engine properties with the party endpoints and the TLS folder ({@code engine.conf})
 * @param modelDir folder holding {@code <modelId>/model.json}, the public descriptor ({@code model.dir};
 *     default: the engine conf's model folder)
 * @param modelId the shared model to score with ({@code model.id})
 * @param tokenizer the model's tokenizer.json, a file or a class path resource ({@code tokenizer})
 * @param batchSize texts per engine batch ({@code batch.size})
 * @param maxSeqLen most tokens per text, special tokens included ({@code max.seq.len})
 * @param timeoutMs most time one batch may take ({@code timeout.ms})
 * @param retries how often a failed batch is retried on a fresh job ({@code retries})
 * @param retryBackoffMs wait before the first retry, doubled each time ({@code retry.backoff.ms})
 * @param overlong what a text longer than maxSeqLen gets ({@code overlong}: truncate or null)
 */
public record SecformerConf(String engineConf, String modelDir, String modelId, String tokenizer, int batchSize,
    int maxSeqLen, long timeoutMs, int retries, long retryBackoffMs, Overlong overlong) implements Serializable {

  /** What happens to a text longer than the maximum length. */
  public enum Overlong {
    /** Keep its first maxSeqLen - 2 word pieces (Hugging Face's truncation). */
    TRUNCATE,
    /** Give null, with a warning in the executor log. */
    NULL
  }

  public static final String PREFIX = "spark.secformer.";
  public static final String CONF_FILE = "conf.file";
  public static final String ENGINE_CONF = "engine.conf";
  public static final String MODEL_DIR = "model.dir";
  public static final String MODEL_ID = "model.id";
  public static final String TOKENIZER = "tokenizer";
  public static final String BATCH_SIZE = "batch.size";
  public static final String MAX_SEQ_LEN = "max.seq.len";
  public static final String TIMEOUT_MS = "timeout.ms";
  public static final String RETRIES = "retries";
  public static final String RETRY_BACKOFF_MS = "retry.backoff.ms";
  public static final String OVERLONG = "overlong";

  public static final String DEFAULT_CONF_FILE = "conf/secformer-spark.properties";
  private static final Map<String, String> DEFAULTS = Map.of(
      ENGINE_CONF, "conf/engine-local.properties",
      MODEL_ID, "minilm-spam",
      TOKENIZER, "/all-minilm-l6-v2-tokenizer.json",
      BATCH_SIZE, "8",
      MAX_SEQ_LEN, "64",
      TIMEOUT_MS, "600000",
      RETRIES, "2",
      RETRY_BACKOFF_MS, "2000",
      OVERLONG, "truncate");
  private static final java.util.Set<String> KEYS = new TreeSet<>(java.util.List.of(CONF_FILE, ENGINE_CONF, MODEL_DIR,
      MODEL_ID, TOKENIZER, BATCH_SIZE, MAX_SEQ_LEN, TIMEOUT_MS, RETRIES, RETRY_BACKOFF_MS, OVERLONG));

  public SecformerConf {
    if (batchSize < 1) {
      throw new IllegalArgumentException(PREFIX + BATCH_SIZE + " must be at least 1, got " + batchSize);
    }
    if (maxSeqLen < 3) {
      throw new IllegalArgumentException(PREFIX + MAX_SEQ_LEN + " must be at least 3 ([CLS] x [SEP]), got " + maxSeqLen);
    }
    if (timeoutMs < 1 || retries < 0 || retryBackoffMs < 0) {
      throw new IllegalArgumentException(PREFIX + TIMEOUT_MS + ", " + PREFIX + RETRIES + " and " + PREFIX
          + RETRY_BACKOFF_MS + " must be positive, >= 0 and >= 0");
    }
  }

  /**
   * Resolves the settings from options (short names, case-insensitive) and the session conf (full keys).
   * An unknown option or {@code spark.secformer.*} key is an error naming it, so a typo never falls back
   * to a default silently.
   */
  public static SecformerConf resolve(Map<String, String> options, Map<String, String> session) {
    Map<String, String> opts = new HashMap<>();
    options.forEach((k, v) -> opts.put(k.toLowerCase(Locale.ROOT), v));
    checkKnown(opts.keySet(), "", "option");
    Map<String, String> sess = new HashMap<>();
    session.forEach((k, v) -> {
      if (k.startsWith(PREFIX)) {
        sess.put(k.substring(PREFIX.length()), v);
      }
    });
    checkKnown(sess.keySet(), PREFIX, "session conf key");
    String fileName = opts.getOrDefault(CONF_FILE, sess.get(CONF_FILE));
    Map<String, String> file = confFile(fileName);
    Map<String, String> merged = new HashMap<>(DEFAULTS);
    merged.putAll(file);
    merged.putAll(sess);
    merged.putAll(opts);
    try {
      return new SecformerConf(merged.get(ENGINE_CONF), merged.get(MODEL_DIR), merged.get(MODEL_ID),
          merged.get(TOKENIZER), integer(merged, BATCH_SIZE), integer(merged, MAX_SEQ_LEN), number(merged, TIMEOUT_MS),
          integer(merged, RETRIES), number(merged, RETRY_BACKOFF_MS), overlong(merged.get(OVERLONG)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** The conf file's settings (short names), relative paths resolved against its folder. */
  static Map<String, String> confFile(String name) {
    Path file = Path.of(name == null ? DEFAULT_CONF_FILE : name);
    if (!Files.isRegularFile(file)) {
      if (name != null) {
        throw new IllegalArgumentException(PREFIX + CONF_FILE + " names " + file.toAbsolutePath() + ", which does not exist");
      }
      return Map.of();
    }
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file.toAbsolutePath() + ": " + e.getMessage(), e);
    }
    Map<String, String> out = new HashMap<>();
    for (String key : p.stringPropertyNames()) {
      if (!key.startsWith(PREFIX) || !KEYS.contains(key.substring(PREFIX.length())) || key.endsWith(CONF_FILE)) {
        throw new IllegalArgumentException(file.toAbsolutePath() + ": unknown key '" + key + "' (known: " + PREFIX
            + String.join(", " + PREFIX, KEYS) + ")");
      }
      String shortName = key.substring(PREFIX.length());
      String value = p.getProperty(key).trim();
      boolean path = shortName.equals(ENGINE_CONF) || shortName.equals(MODEL_DIR)
          || (shortName.equals(TOKENIZER) && !value.startsWith("/"));
      out.put(shortName, path ? file.toAbsolutePath().getParent().resolve(value).normalize().toString() : value);
    }
    return out;
  }

  private static void checkKnown(java.util.Set<String> names, String prefix, String what) {
    for (String n : names) {
      if (!KEYS.contains(n)) {
        throw new IllegalArgumentException("unknown " + what + " '" + prefix + n + "' (known: " + prefix
            + String.join(", " + prefix, KEYS) + ")");
      }
    }
  }

  private static int integer(Map<String, String> m, String key) {
    try {
      return Integer.parseInt(m.get(key).trim());
    } catch (NumberFormatException e) {
      throw new NumberFormatException(PREFIX + key + " must be an integer, got '" + m.get(key) + "'");
    }
  }

  private static long number(Map<String, String> m, String key) {
    try {
      return Long.parseLong(m.get(key).trim());
    } catch (NumberFormatException e) {
      throw new NumberFormatException(PREFIX + key + " must be an integer, got '" + m.get(key) + "'");
    }
  }

  private static Overlong overlong(String v) {
    return switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "truncate" -> Overlong.TRUNCATE;
      case "null" -> Overlong.NULL;
      default -> throw new IllegalArgumentException(PREFIX + OVERLONG + " must be truncate or null, got '" + v + "'");
    };
  }
}
