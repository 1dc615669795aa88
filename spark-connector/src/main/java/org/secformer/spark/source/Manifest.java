package org.secformer.spark.source;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.List;

/**
 * The public description of one output folder, {@code _secformer.json}. It holds nothing secret: the
 * model, its labels, the fixed-point scale and width of the shared outputs, row counts, and one entry
 * per committed write task with its file (the same name under {@code p0/} and {@code p1/}) and the ids
 * of its rows that have no output. Those null rows (null text, or over-long under the null policy) are
 * listed here rather than stored as shares: a share of "nothing" would need a validity column in every
 * party's file, and the ids are no secret to the result receiver.
 *
 * @param format always {@value #FORMAT}
 * @param version layout version, {@value #VERSION}
 * @param rows rows written, null rows included
 * @param nullRows rows with no output
 * @param width outputs per row (labels of a classifier, hidden size of an embedding model)
 * @param labels the classifier's labels, empty for an embedding model
 */
record Manifest(String format, int version, String modelId, List<String> labels, int fracBits, int width, long rows,
    long nullRows, String textColumn, String idColumn, List<Task> tasks) implements Serializable {
  static final String FORMAT = "secformer-output-shares";
  static final int VERSION = 1;

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /**
   * One committed write task.
   *
   * @param partition the write partition it covers
   * @param file its file under {@code p0/} and {@code p1/}, null when all its rows were null rows
   * @param shareRows rows in that file
   * @param nullIds ids of its rows with no output
   */
  record Task(int partition, String file, long shareRows, long[] nullIds) implements Serializable {}

  void write(OutputStream out) throws IOException {
    JSON.writeValue(out, this);
  }

  static Manifest read(InputStream in, String where) throws IOException {
    Manifest m = JSON.readValue(in, Manifest.class);
    if (!FORMAT.equals(m.format()) || m.version() != VERSION) {
      throw new IllegalStateException(where + " is not a secformer manifest of version " + VERSION + " (format "
          + m.format() + ", version " + m.version() + ")");
    }
    return m;
  }
}
