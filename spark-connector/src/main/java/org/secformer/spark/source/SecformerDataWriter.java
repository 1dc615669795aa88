package org.secformer.spark.source;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.write.DataWriter;
import org.apache.spark.sql.connector.write.WriterCommitMessage;
import org.secformer.engine.client.SecureBertClient;
import org.secformer.shares.arrow.ShareBatch;
import org.secformer.spark.PartitionScorer;
import org.secformer.spark.ScoringSession;
import org.secformer.spark.SecformerConf;
import org.secformer.spark.SessionReport;
import org.secformer.spark.SharedScores;

/**
 * One write task attempt: collects rows a few engine batches at a time, scores their texts through one
 * {@link ScoringSession} (one engine job per task), and appends each batch's two output shares, with
 * the rows' ids, to the attempt's two files. Nothing reaches the output folder before job commit, so a
 * failed or duplicate attempt leaves nothing behind once the job commits or aborts.
 */
final class SecformerDataWriter implements DataWriter<InternalRow> {
  private final int partition;
  private final long taskId;
  private final int attempt;
  private final WriteColumns columns;
  private final SecformerConf conf;
  private final TaskFiles files;
  private final int rowsPerCall;
  private final List<String> texts = new ArrayList<>();
  private long[] ids;
  private final LongList nullIds = new LongList();
  private ScoringSession session;
  private SecformerCommitMessage.ModelFacts model;
  private SessionReport report;
  private long rows;
  private long shareRows;
  private boolean inputDone;

  SecformerDataWriter(int partition, long taskId, int attempt, WriteColumns columns, SecformerConf conf,
      TaskFiles files) {
    this.partition = partition;
    this.taskId = taskId;
    this.attempt = attempt;
    this.columns = columns;
    this.conf = conf;
    this.files = files;
    this.rowsPerCall = PartitionScorer.rowsPerCall(conf);
    this.ids = new long[rowsPerCall];
  }

  @Override
  public void write(InternalRow row) throws IOException {
    if (inputDone) {
      throw new IllegalStateException("write after the task's input ended");
    }
    if (row.isNullAt(columns.idOrdinal())) {
      throw new IllegalArgumentException("id column '" + columns.idColumn() + "' (option " + SecformerOptions.ID_COLUMN
          + ") is null in a row of partition " + partition + "; every row needs an id, it is what ties its "
          + "output shares to it");
    }
    ids[texts.size()] = columns.idIsInt() ? row.getInt(columns.idOrdinal()) : row.getLong(columns.idOrdinal());
    texts.add(row.isNullAt(columns.textOrdinal()) ? null : row.getUTF8String(columns.textOrdinal()).toString());
    rows++;
    if (texts.size() == rowsPerCall) {
      flush();
    }
  }

  /** Spark hands a task's rows here; knowing where they end lets the session end before the last metrics. */
  @Override
  public void writeAll(Iterator<InternalRow> records) throws IOException {
    while (records.hasNext()) {
      write(records.next());
    }
    endInput();
  }

  private void flush() throws IOException {
    if (texts.isEmpty()) {
      return;
    }
    if (session == null) {
      session = ScoringSession.open(conf);
      model = new SecformerCommitMessage.ModelFacts(conf.modelId(), List.copyOf(session.labels()), session.fracBits(),
          session.outputWidth());
    }
    SharedScores scored = session.scoreShared(texts);
    for (SecureBertClient.SharedOutput b : scored.batches()) {
      files.write(withIds(b.share0()), withIds(b.share1()));
      shareRows += b.share0().rows();
    }
    scored.nulls().stream().forEach(i -> nullIds.add(ids[i]));
    texts.clear();
  }

  /** The engine's row ids are positions in this call's rows; the output carries the rows' own ids. */
  private ShareBatch withIds(ShareBatch share) {
    long[] positions = share.rowIds();
    long[] own = new long[positions.length];
    for (int r = 0; r < positions.length; r++) {
      own[r] = ids[(int) positions[r]];
    }
    try {
      return new ShareBatch(share.modelId(), share.partyId(), share.fracBits(), own, share.payload());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("id column '" + columns.idColumn() + "' (option " + SecformerOptions.ID_COLUMN
          + ") repeats an id in partition " + partition + " (" + e.getMessage() + "); ids must be unique", e);
    }
  }

  /** Scores what is left, ends the engine job (its report feeds the metrics) and completes the files. */
  private void endInput() throws IOException {
    if (inputDone) {
      return;
    }
    flush();
    inputDone = true;
    report = session == null ? SessionReport.EMPTY : session.finish();
    files.close();
  }

  @Override
  public WriterCommitMessage commit() throws IOException {
    endInput();
    return new SecformerCommitMessage(partition, taskId, attempt, files.opened() ? files.name() : null, shareRows,
        nullIds.toArray(), model, report);
  }

  @Override
  public void abort() {
    if (session != null) {
      session.close();
    }
    files.delete();
  }

  @Override
  public void close() {
    if (session != null) {
      session.close();
    }
  }

  @Override
  public CustomTaskMetric[] currentMetricsValues() {
    return SecformerMetrics.values(rows, nullIds.size(), report);
  }

  /** A growable long array: null ids without boxing. */
  private static final class LongList {
    private long[] values = new long[8];
    private int size;

    void add(long v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    int size() {
      return size;
    }

    long[] toArray() {
      return Arrays.copyOf(values, size);
    }
  }
}
