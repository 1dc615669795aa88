package org.secformer.spark.source;

import java.util.List;
import org.apache.spark.sql.connector.write.WriterCommitMessage;
import org.secformer.spark.SessionReport;

/**
 * What a task attempt committed: its attempt file (the same name under both parties' temporary folders;
 * null when no row got an output), the ids of its null rows, the model facts for the manifest (null
 * model when the partition was empty) and the scoring session's report.
 */
record SecformerCommitMessage(int partition, long taskId, int attempt, String attemptFile, long shareRows,
    long[] nullIds, ModelFacts model, SessionReport report) implements WriterCommitMessage {

  /** What the manifest says about the model; every task of a write must agree on it. */
  record ModelFacts(String modelId, List<String> labels, int fracBits, int width) implements java.io.Serializable {}

  long rows() {
    return shareRows + nullIds.length;
  }
}
