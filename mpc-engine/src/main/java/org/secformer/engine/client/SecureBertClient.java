package org.secformer.engine.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntUnaryOperator;
import org.secformer.engine.MpcException;
import org.secformer.engine.bert.BertConfig;
import org.secformer.engine.bert.LengthBatch;
import org.secformer.engine.bert.ModelDescriptor;
import org.secformer.engine.bert.secure.SecureBertInput;
import org.secformer.engine.job.Computations;
import org.secformer.engine.text.WordPieceTokenizer;
import org.secformer.shares.arrow.ShareBatch;
import org.secformer.shares.control.ErrorCode;
import org.secformer.shares.control.JobReport;
import org.secformer.shares.control.JobStart;
import org.secformer.shares.fxp.FixedPoint;

/**
 * Scores texts with a shared BERT model through the engines, for a caller that is both the data owner
 * and the result receiver (a Spark executor): tokenizes locally, groups the texts by padded length so a
 * batch pads as little as possible, sends each group of at most {@code batchSize} texts as one batch of
 * shares (batches run concurrently on the worker pairs), and reconstructs the outputs in input order:
 * logits [n][labels] for a classifier, sentence vectors [n][hidden] for an embedding model.
 */
public final class SecureBertClient implements AutoCloseable {
  /**
   * @param batchSize most texts per engine batch
   * @param maxLength most tokens per text, special tokens included (longer texts are truncated)
   */
  public record Options(int batchSize, int maxLength) {
    public Options {
      if (batchSize < 1) {
        throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
      }
      if (maxLength < 3) {
        throw new IllegalArgumentException("max sequence length must be at least 3 ([CLS] x [SEP]), got " + maxLength);
      }
    }
  }

  private final ClientJob job;
  private final BertConfig config;
  private final FixedPoint fxp;
  private final WordPieceTokenizer tokenizer;
  private final Options options;
  private final java.util.concurrent.atomic.AtomicLong batches = new java.util.concurrent.atomic.AtomicLong();

  private SecureBertClient(ClientJob job, ModelDescriptor model, WordPieceTokenizer tokenizer, Options options) {
    this.job = job;
    this.config = model.config();
    this.fxp = new FixedPoint(model.fracBits());
    this.tokenizer = tokenizer;
    this.options = options;
  }

  /**
   * Starts a job of the {@code bert} computation on the model. {@code tokenizer} may be null when only
   * {@link #scoreTokens} is used.
   */
  public static SecureBertClient open(EngineClient client, ModelDescriptor model, WordPieceTokenizer tokenizer,
      Options options) {
    if (tokenizer != null && tokenizer.vocabSize() != model.config().vocab()) {
      throw new IllegalArgumentException("the tokenizer has " + tokenizer.vocabSize() + " word pieces but model '"
          + model.modelId() + "' has " + model.config().vocab() + ": they do not belong together");
    }
    if (options.maxLength() > model.config().maxPositions()) {
      throw new IllegalArgumentException("max sequence length " + options.maxLength() + " exceeds model '"
          + model.modelId() + "'s " + model.config().maxPositions() + " positions");
    }
    String jobId = "bert-" + UUID.randomUUID();
    ClientJob job = client.startJob(new JobStart(jobId, model.modelId(), model.fracBits(), Computations.BERT, Map.of()));
    return new SecureBertClient(job, model, tokenizer, options);
  }

  /** Outputs for texts, in input order (each truncated to {@code maxLength} tokens). */
  public double[][] score(List<String> texts) {
    if (tokenizer == null) {
      throw new IllegalStateException("this client was opened without a tokenizer; use scoreTokens");
    }
    List<int[]> ids = new ArrayList<>(texts.size());
    for (int i = 0; i < texts.size(); i++) {
      String text = texts.get(i);
      if (text == null) {
        throw new IllegalArgumentException("text " + i + " is null (filter or map nulls before scoring)");
      }
      ids.add(tokenizer.encode(text, options.maxLength()).intIds());
    }
    return scoreTokens(ids);
  }

  /** Outputs for already tokenized sequences ({@code [CLS] ... [SEP]}, no padding), in input order. */
  public double[][] scoreTokens(List<int[]> sequences) {
    double[][] out = new double[sequences.size()][];
    for (SharedOutput batch : scoreTokensShared(sequences)) {
      long[] rows = batch.share0().rowIds();
      int width = batch.share0().payload().size() / rows.length;
      double[] values = fxp.decode(ClientJob.reconstruct(new ShareBatch[] {batch.share0(), batch.share1()}));
      for (int r = 0; r < rows.length; r++) {
        out[(int) rows[r]] = java.util.Arrays.copyOfRange(values, r * width, (r + 1) * width);
      }
    }
    return out;
  }

  /**
   * The two parties' output shares of one engine batch, unreconstructed: payload [rows, width]; the row
   * ids are the positions of the batch's sequences in the caller's list.
   */
  public record SharedOutput(ShareBatch share0, ShareBatch share1) {}

  /**
   * Like {@link #scoreTokens} but returns every batch's two output shares instead of reconstructing them,
   * for a data owner that is not the result receiver: the shares go to storage, one per party, and only
   * the receiver reconstructs. Batches come in submission order; together they hold every sequence once.
   */
  public List<SharedOutput> scoreTokensShared(List<int[]> sequences) {
    for (int i = 0; i < sequences.size(); i++) {
      int[] s = sequences.get(i);
      if (s.length == 0 || s.length > options.maxLength()) {
        throw new IllegalArgumentException("sequence " + i + " has " + s.length + " tokens; expected 1.."
            + options.maxLength());
      }
    }
    IntUnaryOperator padded = tokenizer == null ? len -> len : len -> tokenizer.paddedLength(len, options.maxLength());
    List<long[]> sent = new ArrayList<>();
    List<CompletableFuture<ShareBatch[]>> pending = new ArrayList<>();
    for (LengthBatch batch : LengthBatch.of(sequences, padded, options.batchSize())) {
      sent.add(rowIds(batch.rows()));
      batches.incrementAndGet();
      pending.add(job.runShared(rowIds(batch.rows()), SecureBertInput.encode(batch.input(), config.vocab())));
    }
    List<SharedOutput> out = new ArrayList<>(pending.size());
    for (int b = 0; b < pending.size(); b++) {
      ShareBatch[] shares = job.awaitBatch(pending.get(b));
      // the row ids are all that tie a share to its text: a party that answers for other rows is an error
      for (ShareBatch s : shares) {
        if (!java.util.Arrays.equals(sent.get(b), s.rowIds())) {
          throw new MpcException(ErrorCode.MALFORMED_FRAME, "party " + s.partyId() + " answered batch " + b
              + " with " + s + " for other rows than were sent");
        }
      }
      out.add(new SharedOutput(shares[0], shares[1]));
    }
    return out;
  }

  private static long[] rowIds(int[] idx) {
    long[] ids = new long[idx.length];
    for (int i = 0; i < idx.length; i++) {
      ids[i] = idx[i];
    }
    return ids;
  }

  /** Batches sent so far. */
  public long batchesSent() {
    return batches.get();
  }

  /** Ends the job at every worker and returns their reports (traffic, rounds, time). */
  public List<JobReport> end() {
    return job.end();
  }

  @Override
  public void close() {
    job.close();
  }
}
