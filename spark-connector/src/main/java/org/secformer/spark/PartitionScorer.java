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
 * {@code onFinish} (metrics). Memory holds one batch of rows. A caller that may stop reading early
 * calls {@link #close} so the job ends with a report; inside a Spark task, an engine job that is still
 * open when the task completes (an early stop nobody closed, a failure) is dropped without a report, so
 * it never outlives its task.
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
      task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) ctx -> abort());
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

  /**
   * Ends the scoring when the consumer stops reading early (a LIMIT): the engine job ends normally and
   * its report goes to {@code onFinish}. Does nothing once the input was exhausted.
   */
  public void close() {
    if (!finished) {
      finish();
    }
  }

  /** Drops the engine job without a report: the task failed, so its figures would not count anyway. */
  public void abort() {
    if (!finished) {
      finished = true;
      if (session != null) {
        session.close();
      }
    }
  }

  private void finish() {
    finished = true;
    SessionReport report = session == null ? SessionReport.EMPTY : session.finish();
    onFinish.accept(report);
  }
}
