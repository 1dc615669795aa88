package org.secformer.spark.source;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.connector.write.WriterCommitMessage;

/**
 * Publishes a write job's output on the driver. Steps:
 *
 * <ol>
 *   <li>Keep one committed attempt per write partition (Spark's commit coordinator already allows only
 *       one, but a retried job commit or a speculative copy must still never give two files for one
 *       partition); the others' files are left in the temporary folder, which goes in step 5.
 *   <li>Check that every task scored with the same model.
 *   <li>Remove the folder's previous output (mode overwrite is the only mode that gets here).
 *   <li>Move each kept attempt's two files to {@code p0/part-NNNNN.arrow} and {@code p1/part-NNNNN.arrow}.
 *   <li>Write the manifest, then {@code _SUCCESS}, then delete the job's temporary folder.
 * </ol>
 */
final class JobCommit {
  private static final Logger LOG = LogManager.getLogger(JobCommit.class);

  private final OutputLayout layout;
  private final String jobId;
  private final Configuration hadoopConf;

  JobCommit(OutputLayout layout, String jobId, Configuration hadoopConf) {
    this.layout = layout;
    this.jobId = jobId;
    this.hadoopConf = hadoopConf;
  }

  void commit(WriterCommitMessage[] messages, String modelId, WriteColumns columns) throws IOException {
    List<SecformerCommitMessage> kept = onePerPartition(messages);
    SecformerCommitMessage.ModelFacts model = sameModel(kept, modelId);
    FileSystem fs = layout.fs(hadoopConf);
    removePreviousOutput(fs);
    List<Manifest.Task> tasks = new ArrayList<>();
    long rows = 0;
    long nullRows = 0;
    for (SecformerCommitMessage m : kept) {
      String file = null;
      if (m.attemptFile() != null) {
        file = OutputLayout.committedName(m.partition());
        for (int p = 0; p < 2; p++) {
          move(fs, layout.attemptFile(jobId, p, m.attemptFile()), layout.committedFile(p, file));
        }
      }
      if (file != null || m.nullIds().length > 0) {
        tasks.add(new Manifest.Task(m.partition(), file, m.shareRows(), m.nullIds()));
      }
      rows += m.rows();
      nullRows += m.nullIds().length;
    }
    Manifest manifest = new Manifest(Manifest.FORMAT, Manifest.VERSION, model.modelId(), model.labels(),
        model.fracBits(), model.width(), rows, nullRows, columns.textColumn(), columns.idColumn(), tasks);
    try (OutputStream out = fs.create(layout.manifest(), true)) {
      manifest.write(out);
    }
    fs.create(layout.success(), true).close();
    deleteTemporary(fs);
    LOG.info("secformer output committed to {}: {} rows ({} without output) in {} task files", layout.dir(), rows,
        nullRows, tasks.stream().filter(t -> t.file() != null).count());
  }

  void abort() {
    try {
      deleteTemporary(layout.fs(hadoopConf));
    } catch (IOException e) {
      LOG.warn("deleting the temporary files of aborted write job {} under {} failed: {}", jobId, layout.dir(),
          e.toString());
    }
  }

  /** The first committed attempt of each partition, in partition order. */
  static List<SecformerCommitMessage> onePerPartition(WriterCommitMessage[] messages) {
    Map<Integer, SecformerCommitMessage> byPartition = new TreeMap<>();
    for (WriterCommitMessage wm : messages) {
      if (wm == null) {
        continue;
      }
      if (!(wm instanceof SecformerCommitMessage m)) {
        throw new IllegalArgumentException("not a secformer commit message: " + wm.getClass().getName());
      }
      SecformerCommitMessage first = byPartition.putIfAbsent(m.partition(), m);
      if (first != null) {
        LOG.warn("partition {} was committed by task {} attempt {} and again by task {} attempt {}; keeping the first",
            m.partition(), first.taskId(), first.attempt(), m.taskId(), m.attempt());
      }
    }
    return new ArrayList<>(byPartition.values());
  }

  private static SecformerCommitMessage.ModelFacts sameModel(List<SecformerCommitMessage> kept, String modelId) {
    SecformerCommitMessage.ModelFacts model = null;
    for (SecformerCommitMessage m : kept) {
      if (m.model() == null) {
        continue;
      }
      if (model == null) {
        model = m.model();
      } else if (!model.equals(m.model())) {
        throw new IllegalStateException("write tasks scored with different models: " + model + " and " + m.model()
            + " (partition " + m.partition() + "); was the model republished during the write?");
      }
    }
    // no task had a row: the manifest still names the model, with no outputs to describe
    return Objects.requireNonNullElse(model, new SecformerCommitMessage.ModelFacts(modelId, List.of(), 0, 0));
  }

  private void removePreviousOutput(FileSystem fs) throws IOException {
    // _SUCCESS first: a reader must never take a half-removed folder for complete output
    for (Path old : List.of(layout.success(), layout.manifest(), layout.party(0), layout.party(1))) {
      if (fs.exists(old) && !fs.delete(old, true)) {
        throw new IOException("cannot remove the previous output " + old);
      }
    }
    fs.mkdirs(layout.party(0));
    fs.mkdirs(layout.party(1));
  }

  private static void move(FileSystem fs, Path from, Path to) throws IOException {
    if (!fs.rename(from, to)) {
      throw new IOException("cannot move " + from + " to " + to + (fs.exists(from) ? "" : " (the task file is gone)"));
    }
  }

  private void deleteTemporary(FileSystem fs) throws IOException {
    fs.delete(layout.job(jobId), true);
    Path temporary = layout.temporary();
    if (fs.exists(temporary)) {
      FileStatus[] left = fs.listStatus(temporary);
      if (left.length == 0) {
        fs.delete(temporary, false);
      }
    }
  }
}
