package org.secformer.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;

/**
 * Input for fault and load tests: {@code n} rows with unique ids ({@code r0 .. r<n-1>}) and short varied
 * texts, written as {@code files} CSV files (Spark reads each small file as one partition), and the check
 * that an output holds every id exactly once.
 */
final class IdTexts {
  private static final List<String> WORDS = List.of("free", "entry", "win", "car", "now", "meeting", "tuesday",
      "password", "reset", "prize", "claim", "lunch", "report", "attached", "urgent", "verify", "account", "game",
      "tonight", "cheap", "meds", "revenue", "grew", "invoice", "due", "friday", "hello", "team", "offer", "today");

  final Map<String, String> texts;

  private IdTexts(Map<String, String> texts) {
    this.texts = texts;
  }

  static IdTexts of(int n, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    Map<String, String> texts = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      int words = 1 + rnd.nextInt(3);
      StringBuilder t = new StringBuilder();
      for (int w = 0; w < words; w++) {
        t.append(w == 0 ? "" : " ").append(WORDS.get(rnd.nextInt(WORDS.size())));
      }
      texts.put("r" + i, t.toString());
    }
    return new IdTexts(texts);
  }

  Path writeCsv(Path folder, int files) throws IOException {
    Files.createDirectories(folder);
    StringBuilder[] csv = new StringBuilder[files];
    for (int f = 0; f < files; f++) {
      csv[f] = new StringBuilder("id,text\n");
    }
    int i = 0;
    for (Map.Entry<String, String> e : texts.entrySet()) {
      csv[i++ * files / texts.size()].append(e.getKey()).append(',').append(e.getValue()).append('\n');
    }
    for (int f = 0; f < files; f++) {
      Files.writeString(folder.resolve("part-" + f + ".csv"), csv[f]);
    }
    return folder;
  }

  /** Asserts the rows (id first) hold every input id exactly once and nothing else; returns them by id. */
  Map<String, Row> assertEveryIdOnce(List<Row> rows, String what) {
    Map<String, Row> byId = new HashMap<>();
    for (Row r : rows) {
      assertNull(byId.put(r.getString(0), r), what + ": id " + r.getString(0) + " written twice");
    }
    assertEquals(texts.keySet(), byId.keySet(), what + ": ids written");
    assertEquals(texts.size(), rows.size(), what + ": rows written");
    return byId;
  }
}
