package org.secformer.jobs;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@link ScoreTable}'s command line, checked before Spark starts so a typo fails in a second with a message
 * naming the flag. Settings of the secure scoring itself are {@code spark.secformer.*} keys given with
 * spark-submit's {@code --conf}, not flags here.
 */
record ScoreTableArgs(String input, String format, String idColumn, String textColumn, String output, LocalDate date,
    boolean logits, Map<String, String> readOptions) {
  static final List<String> FORMATS = List.of("parquet", "csv", "json");
  static final String USAGE = String.join("\n",
      "usage: ScoreTable --input PATH --format parquet|csv|json --id-column NAME --text-column NAME",
      "                  --output DIR --date YYYY-MM-DD [--mode labels|logits] [--read-option KEY=VALUE ...]",
      "  writes Parquet (id column, label, probability[, logits]) to DIR/date=YYYY-MM-DD/, replacing only that",
      "  date's partition; secure scoring settings come from spark-submit --conf spark.secformer.KEY=VALUE",
      "  (engine.conf, model.id, batch.size, max.seq.len, ...; see README, section Spark jobs)");
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("uuuu-MM-dd").withResolverStyle(ResolverStyle.STRICT);

  static ScoreTableArgs parse(String... args) {
    Map<String, String> flags = new LinkedHashMap<>();
    Map<String, String> readOptions = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (!List.of("--input", "--format", "--id-column", "--text-column", "--output", "--date", "--mode",
          "--read-option").contains(flag)) {
        throw new IllegalArgumentException("unknown argument '" + flag + "'\n" + USAGE);
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(flag + " needs a value\n" + USAGE);
      }
      String value = args[++i];
      if (flag.equals("--read-option")) {
        int eq = value.indexOf('=');
        if (eq < 1) {
          throw new IllegalArgumentException("--read-option takes KEY=VALUE, got '" + value + "'");
        }
        readOptions.put(value.substring(0, eq), value.substring(eq + 1));
      } else if (flags.put(flag, value) != null) {
        throw new IllegalArgumentException(flag + " is given twice");
      }
    }
    String format = required(flags, "--format").toLowerCase(Locale.ROOT);
    if (!FORMATS.contains(format)) {
      throw new IllegalArgumentException("--format must be one of " + String.join(", ", FORMATS) + "; got '"
          + flags.get("--format") + "'");
    }
    String mode = flags.getOrDefault("--mode", "labels").toLowerCase(Locale.ROOT);
    if (!mode.equals("labels") && !mode.equals("logits")) {
      throw new IllegalArgumentException("--mode must be labels or logits; got '" + flags.get("--mode") + "'");
    }
    return new ScoreTableArgs(required(flags, "--input"), format, required(flags, "--id-column"),
        required(flags, "--text-column"), required(flags, "--output"), date(required(flags, "--date")),
        mode.equals("logits"), Map.copyOf(readOptions));
  }

  private static String required(Map<String, String> flags, String flag) {
    String v = flags.get(flag);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("missing " + flag + "\n" + USAGE);
    }
    return v;
  }

  private static LocalDate date(String text) {
    try {
      return LocalDate.parse(text, DATE);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("--date must be a calendar date YYYY-MM-DD; got '" + text + "'");
    }
  }
}
