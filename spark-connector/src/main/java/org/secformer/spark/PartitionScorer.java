package org.secformer.spark;

import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Scores a partition's rows lazily, a batch at a time: it pulls {@code batchSize} rows, scores their texts
 * in one call of a {@link ScoringSession} (one engine job per partition), and hands back one output row
 * per input row, in order. When the input is exhausted the session ends and its report goes to
 * {@code onFinish} (metrics). A task that stops reading early ({@code limit}, {@code show}, failure)
 * still ends its engine job: inside a Spark task the session is closed when the task completes. Memory
 * holds one batch of rows.
 */
public final class PartitionScorer<T, R> implements Iterator<R> {
  /** A serializable text extractor / combiner, so Spark can ship them to executors. */
  public interface TextOf<T> extends Function<T, String>, Serializable {}

  public interface Combine<T, R> extends BiFunction<T, Scored, R>, Serializable {}

  private final Iterator<T> rows;
  private final TextOf<T> text;
  private final Combine<T, R> combine;
  private final SecformerConf conf;
  private final Consumer<SessionReport> onFinish;
  private final ArrayDeque<R> ready = new ArrayDeque<>();
  private ScoringSession session;
  private boolean finished;

  public PartitionScorer(Iterator<T> rows, TextOf<T> text, Combine<T, R> combine, SecformerConf conf,
      Consumer<SessionReport> onFinish) {
    this.rows = rows;
    this.text = text;
    this.combine = combine;
    this.conf = conf;
    this.onFinish = onFinish;
    org.apache.spark.TaskContext task = org.apache.spark.TaskContext.get();
    if (task != null) {
      task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) ctx -> closeEarly());
    }
  }

  /** Ends the engine job of a partition that was not read to the end; its report is dropped. */
  private void closeEarly() {
    if (!finished) {
      finished = true;
      if (session != null) {
        session.close();
      }
    }
  }

  /**
   * Rows handed to one {@link ScoringSession} call: several engine batches, so they run concurrently on
   * the worker pairs, while memory holds only a few batches of rows.
   */
  public static int rowsPerCall(SecformerConf conf) {
    return conf.batchSize() * 4;
  }

  @Override
  public boolean hasNext() {
    if (!ready.isEmpty()) {
      return true;
    }
    if (finished) {
      return false;
    }
    if (!rows.hasNext()) {
      finish();
      return false;
    }
    List<T> batch = new ArrayList<>(conf.batchSize());
    List<String> texts = new ArrayList<>(conf.batchSize());
    while (rows.hasNext() && batch.size() < rowsPerCall(conf)) {
      T row = rows.next();
      batch.add(row);
      texts.add(text.apply(row));
    }
    if (session == null) {
      session = ScoringSession.open(conf);
    }
    List<Scored> scored;
    try {
      scored = session.score(texts);
    } catch (RuntimeException e) {
      session.close();
      finished = true;
      throw e;
    }
    for (int i = 0; i < batch.size(); i++) {
      ready.addLast(combine.apply(batch.get(i), scored.get(i)));
    }
    return true;
  }

  @Override
  public R next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return ready.pollFirst();
  }

  private void finish() {
    finished = true;
    SessionReport report = session == null ? SessionReport.EMPTY : session.finish();
    onFinish.accept(report);
  }
}
