package org.secformer.spark;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.Function;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.secformer.engine.MpcException;
import org.secformer.engine.client.EngineClient;
import org.secformer.engine.client.SecureBertClient;
import org.secformer.shares.arrow.ShareBatch;
import org.secformer.shares.control.JobReport;

/**
 * One engine job scoring texts for one caller (usually a Spark task): texts are tokenized here, on the
 * data owner's executor, and only their shares leave it. A batch that fails (a party died, a timeout) is
 * retried on a fresh job over fresh connections, so it gets fresh dealer material, after a backoff that
 * doubles each time; a result is kept only when its whole batch succeeded, so no row is lost or
 * duplicated. Not thread-safe.
 */
public final class ScoringSession implements AutoCloseable {
  private static final Logger LOG = LogManager.getLogger(ScoringSession.class);

  private final EngineConnections engines;
  private final SecformerConf conf;
  private SecureBertClient job;
  private EngineClient client;
  private final List<JobReport> reports = new ArrayList<>();
  private long rows, nulls, truncated, batches, retries;
  private boolean closed;

  private ScoringSession(SecformerConf conf) {
    this.conf = conf;
    this.engines = EngineConnections.get(conf);
  }

  public static ScoringSession open(SecformerConf conf) {
    return new ScoringSession(conf);
  }

  /** The labels of the model's outputs (empty for an embedding model). */
  public List<String> labels() {
    return engines.model.labels();
  }

  /** Width of each output: labels of a classifier, hidden size of an embedding model. */
  public int outputWidth() {
    int labels = engines.model.config().numLabels();
    return labels > 0 ? labels : engines.model.config().hidden();
  }

  /** Fixed-point fractional bits of the model's outputs (what a share's payload is scaled by). */
  public int fracBits() {
    return engines.model.fracBits();
  }

  /** One result per text, in order; null for a null text and, under the null policy, an over-long one. */
  public List<Scored> score(List<String> texts) {
    Prepared p = prepare(texts);
    double[][] out = p.tokens.isEmpty() ? new double[0][] : withRetries(job -> job.scoreTokens(p.tokens));
    List<Scored> result = new ArrayList<>(java.util.Collections.nCopies(texts.size(), null));
    for (int k = 0; k < p.at.length; k++) {
      int i = p.at[k];
      result.set(i, Scored.of(out[k], labels(), p.cut.get(i)));
    }
    rows += texts.size();
    return result;
  }

  /**
   * The two parties' output shares for texts, unreconstructed, for a data owner that stores them for a
   * result receiver elsewhere; share row ids are positions in {@code texts}. Texts that get no output
   * (null, or over-long under the null policy) are in {@link SharedScores#nulls}. Same retries as
   * {@link #score}: a batch's shares are kept only when the whole call succeeded.
   */
  public SharedScores scoreShared(List<String> texts) {
    Prepared p = prepare(texts);
    List<SecureBertClient.SharedOutput> out =
        p.tokens.isEmpty() ? List.of() : withRetries(job -> job.scoreTokensShared(p.tokens));
    List<SecureBertClient.SharedOutput> batches = new ArrayList<>(out.size());
    for (SecureBertClient.SharedOutput b : out) {
      batches.add(new SecureBertClient.SharedOutput(toTextPositions(b.share0(), p.at), toTextPositions(b.share1(), p.at)));
    }
    BitSet nulls = new BitSet(texts.size());
    nulls.set(0, texts.size());
    for (int i : p.at) {
      nulls.clear(i);
    }
    rows += texts.size();
    return new SharedScores(batches, nulls, p.cut);
  }

  /** The engine numbered the scored texts 0..n-1; the caller wants positions in its own list. */
  private static ShareBatch toTextPositions(ShareBatch share, int[] at) {
    long[] ids = share.rowIds();
    for (int r = 0; r < ids.length; r++) {
      ids[r] = at[(int) ids[r]];
    }
    return new ShareBatch(share.modelId(), share.partyId(), share.fracBits(), ids, share.payload());
  }

  /** The texts' word pieces, which text each sequence came from, and which were truncated. */
  private record Prepared(List<int[]> tokens, int[] at, BitSet cut) {}

  private Prepared prepare(List<String> texts) {
    if (closed) {
      throw new IllegalStateException("scoring session is closed");
    }
    List<int[]> tokens = new ArrayList<>();
    List<Integer> at = new ArrayList<>();
    BitSet cut = new BitSet(texts.size());
    for (int i = 0; i < texts.size(); i++) {
      String text = texts.get(i);
      if (text == null) {
        nulls++;
        continue;
      }
      int full = engines.tokenizer.tokenIds(text).length + 2;
      if (full > conf.maxSeqLen()) {
        if (conf.overlong() == SecformerConf.Overlong.NULL) {
          LOG.warn("a text of {} tokens is longer than {} = {}; its result is null ({} = null)", full,
              SecformerConf.PREFIX + SecformerConf.MAX_SEQ_LEN, conf.maxSeqLen(), SecformerConf.PREFIX + SecformerConf.OVERLONG);
          nulls++;
          continue;
        }
        cut.set(i);
        truncated++;
      }
      tokens.add(engines.tokenizer.encode(text, conf.maxSeqLen()).intIds());
      at.add(i);
    }
    return new Prepared(tokens, at.stream().mapToInt(Integer::intValue).toArray(), cut);
  }

  private <T> T withRetries(Function<SecureBertClient, T> call) {
    long backoff = conf.retryBackoffMs();
    for (int attempt = 0; ; attempt++) {
      try {
        // opening the job is inside the retry: an engine that is down (or restarting) when a task starts
        // fails the job's start, which deserves the same retries as a failure in the middle of a batch
        SecureBertClient current = job();
        long before = current.batchesSent();
        T out = call.apply(current);
        batches += current.batchesSent() - before;
        return out;
      } catch (MpcException | IllegalStateException e) {
        dropJob();
        if (attempt >= conf.retries()) {
          throw new MpcException(e instanceof MpcException m ? m.code() : org.secformer.shares.control.ErrorCode.INTERNAL,
              "secure scoring failed after " + (attempt + 1) + " attempt(s) (" + SecformerConf.PREFIX
                  + SecformerConf.RETRIES + " = " + conf.retries() + "): " + e.getMessage(), e);
        }
        retries++;
        LOG.warn("secure scoring batch failed ({}); retry {} of {} on a fresh job in {} ms", e.getMessage(),
            attempt + 1, conf.retries(), backoff);
        sleep(backoff);
        backoff = Math.max(1, backoff * 2);
      }
    }
  }

  private SecureBertClient job() {
    if (job == null) {
      client = engines.client();
      try {
        job = SecureBertClient.open(client, engines.model, engines.tokenizer,
            new SecureBertClient.Options(conf.batchSize(), conf.maxSeqLen()));
      } catch (MpcException e) {
        engines.evict(client);
        client = null;
        throw e;
      }
    }
    return job;
  }

  private void dropJob() {
    if (job != null) {
      try {
        job.close();
      } catch (RuntimeException ignored) {
        // the job's parties may be gone; a fresh job follows
      }
      job = null;
    }
    if (client != null) {
      engines.evict(client);
      client = null;
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MpcException(org.secformer.shares.control.ErrorCode.INTERNAL, "interrupted while waiting to retry", e);
    }
  }

  /** Ends the engine job and returns what the session did, with the parties' traffic. */
  public SessionReport finish() {
    if (!closed) {
      closed = true;
      if (job != null) {
        try {
          reports.addAll(job.end());
        } catch (MpcException e) {
          // every result is already in hand (a batch counts only once both shares came back); a party
          // lost after the last batch costs only the job's traffic figures, not the task
          LOG.warn("ending the engine job failed ({}); its rows are scored, its traffic is not reported", e.getMessage());
          dropJob();
        }
        job = null;
      }
    }
    return SessionReport.of(rows, nulls, truncated, batches, retries, reports);
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      if (job != null) {
        try {
          job.close();
        } catch (RuntimeException e) {
          LOG.warn("ending the engine job failed: {}", e.getMessage());
        }
        job = null;
      }
    }
  }
}
