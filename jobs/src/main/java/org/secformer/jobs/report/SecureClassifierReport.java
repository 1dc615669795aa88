package org.secformer.jobs.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.secformer.engine.bert.BertConfig;
import org.secformer.engine.bert.BertInput;
import org.secformer.engine.bert.BertModel;
import org.secformer.engine.bert.LengthBatch;
import org.secformer.engine.bert.ModelRanges;
import org.secformer.engine.bert.PlainBert;
import org.secformer.engine.bert.secure.SecureBert;
import org.secformer.engine.bert.secure.SecureBertInput;
import org.secformer.engine.bert.secure.SecureBertParams;
import org.secformer.engine.comm.CommStats;
import org.secformer.engine.job.InProcessParties;
import org.secformer.engine.model.ModelSharer;
import org.secformer.engine.text.WordPieceTokenizer;
import org.secformer.jobs.model.SpamClassifierModel;
import org.secformer.jobs.train.SpamDataset;
import org.secformer.shares.Share;
import org.secformer.shares.Sharing;
import org.secformer.shares.fxp.FixedPoint;
import org.secformer.shares.prg.Prg;
import org.secformer.shares.prg.Seed;
import org.secformer.shares.ring.RingTensor;

/**
 * The secure classifier against the plaintext one on held-out emails: the real MiniLM + spam head, shared
 * between two parties run in this JVM ({@link InProcessParties}: the engines' protocol code over
 * in-memory links, no TLS), one job for all batches as a served job would be (weight masks opened once).
 * Reports label agreement, the largest logit difference, both accuracies against the true labels, time,
 * rounds and bytes.
 *
 * <pre>
 *   MAVEN_OPTS=-Xmx10g mvn -B -q -pl arrow-shares,mpc-engine,spark-connector,jobs -Psecure-report process-classes \
 *       -Dsecure.report.args="--n 520 --batch 8 --out docs/secure-classifier.md"
 * </pre>
 */
public final class SecureClassifierReport {
  private static final FixedPoint FXP = FixedPoint.defaults();

  /** One scored email. */
  public record Row(String id, int label, int tokens, double[] plainLogits, double[] secureLogits) {
    public int plainLabel() {
      return argmax(plainLogits);
    }

    public int secureLabel() {
      return argmax(secureLogits);
    }

    public double maxLogitDiff() {
      double d = 0;
      for (int k = 0; k < plainLogits.length; k++) {
        d = Math.max(d, Math.abs(plainLogits[k] - secureLogits[k]));
      }
      return d;
    }
  }

  /** Traffic and time of one batch at party 0. */
  public record BatchStats(int size, int seqLen, long rounds, long bytesSent, long dealerBytes, double seconds) {}

  public record Result(List<Row> rows, List<BatchStats> batches, double setupSeconds) {
    public long agreeing() {
      return rows.stream().filter(r -> r.plainLabel() == r.secureLabel()).count();
    }

    public double maxLogitDiff() {
      return rows.stream().mapToDouble(Row::maxLogitDiff).max().orElse(0);
    }
  }

  private SecureClassifierReport() {}

  /** Scores the emails both ways in batches of at most {@code batchSize} texts of one padded length. */
  public static Result run(List<SpamDataset.Email> emails, int batchSize, PrintStream progress) {
    long t0 = System.nanoTime();
    return run(SpamClassifierModel.load(), SpamClassifierModel.MODEL_ID, ModelRanges.miniLmL6(), emails, batchSize,
        progress, t0);
  }

  /**
   * As {@link #run(List, int, PrintStream)} for another classifier over the same input rule (tokenizer, subject
   * and body, token budget), e.g. the distilled 2Quad student: the attention kind is the model config's.
   */
  public static Result run(BertModel model, String modelId, ModelRanges ranges, List<SpamDataset.Email> emails,
      int batchSize, PrintStream progress) {
    return run(model, modelId, ranges, emails, batchSize, progress, System.nanoTime());
  }

  private static Result run(BertModel model, String modelId, ModelRanges ranges, List<SpamDataset.Email> emails,
      int batchSize, PrintStream progress, long t0) {
    BertConfig cfg = model.config();
    WordPieceTokenizer tokenizer = SpamClassifierModel.tokenizer();
    int maxLength = SpamClassifierModel.input().maxLength();
    List<int[]> ids = new ArrayList<>();
    for (SpamDataset.Email e : emails) {
      ids.add(tokenizer.encode(SpamClassifierModel.text(e), maxLength).intIds());
    }
    List<int[]> batches = new ArrayList<>();
    List<BertInput> inputs = new ArrayList<>();
    for (LengthBatch b : LengthBatch.of(ids, len -> tokenizer.paddedLength(len, maxLength), batchSize)) {
      batches.add(b.rows());
      inputs.add(b.input());
    }
    Map<String, RingTensor[]> shares = ModelSharer.splitInMemory(model.encode(FXP));
    // one-hot inputs are large (8 T V bytes per text): each party derives its share of a batch when it
    // needs it, party 0's as the expansion of the batch's seed (as a data owner can send just a seed)
    Seed[] inputSeeds = new Seed[inputs.size()];
    for (int b = 0; b < inputSeeds.length; b++) {
      inputSeeds[b] = Seed.random();
    }
    SecureBertParams params = SecureBertParams.of(cfg, ranges);
    double setup = (System.nanoTime() - t0) / 1e9;
    List<BatchStats> stats = new ArrayList<>();
    int total = emails.size();
    InProcessParties.Run<List<RingTensor>> run = InProcessParties.run("secure-report", FXP, 600_000, ctx -> {
      SecureBert bert = new SecureBert(cfg, modelId, n -> shares.get(n)[ctx.party()], params);
      List<RingTensor> out = new ArrayList<>();
      int done = 0;
      for (int b = 0; b < inputs.size(); b++) {
        CommStats.Snapshot before = ctx.stats().snapshot();
        long start = System.nanoTime();
        RingTensor plain = SecureBertInput.encode(inputs.get(b), cfg.vocab());
        RingTensor mask = new Prg(inputSeeds[b], 0).uniform(plain.shape());
        out.add(bert.apply(ctx, ctx.party() == 0 ? mask : plain.subInPlace(mask)));
        if (ctx.party() == 0) {
          CommStats.Snapshot used = ctx.stats().snapshot().minus(before);
          BertInput in = inputs.get(b);
          stats.add(new BatchStats(in.batch(), in.seqLen(), used.rounds(), used.bytesSent(), used.dealerBytes(),
              (System.nanoTime() - start) / 1e9));
          done += in.batch();
          progress.printf(Locale.ROOT, "batch %d/%d: %d texts at T = %d in %.1f s (%d/%d done)%n", b + 1, inputs.size(),
              in.batch(), in.seqLen(), (System.nanoTime() - start) / 1e9, done, total);
        }
      }
      return out;
    });
    PlainBert plain = new PlainBert(model);
    Row[] rows = new Row[emails.size()];
    for (int b = 0; b < batches.size(); b++) {
      double[][] want = plain.logits(inputs.get(b));
      double[] got = FXP.decode(Sharing.reconstruct(new Share(0, run.result(0).get(b)), new Share(1, run.result(1).get(b))));
      int[] idx = batches.get(b);
      int labels = cfg.numLabels();
      for (int r = 0; r < idx.length; r++) {
        SpamDataset.Email e = emails.get(idx[r]);
        rows[idx[r]] = new Row(e.id(), e.label(), ids.get(idx[r]).length, want[r],
            java.util.Arrays.copyOfRange(got, r * labels, (r + 1) * labels));
      }
    }
    return new Result(List.of(rows), stats, setup);
  }

  static int argmax(double[] v) {
    int best = 0;
    for (int k = 1; k < v.length; k++) {
      if (v[k] > v[best]) {
        best = k;
      }
    }
    return best;
  }

  /** The markdown report. */
  public static String markdown(Result r, int batchSize) {
    List<Row> rows = r.rows();
    int n = rows.size();
    long plainRight = rows.stream().filter(x -> x.plainLabel() == x.label()).count();
    long secureRight = rows.stream().filter(x -> x.secureLabel() == x.label()).count();
    double seconds = r.batches().stream().mapToDouble(BatchStats::seconds).sum();
    long bytes = r.batches().stream().mapToLong(BatchStats::bytesSent).sum();
    long dealer = r.batches().stream().mapToLong(BatchStats::dealerBytes).sum();
    StringBuilder b = new StringBuilder();
    b.append("# Secure classifier vs plaintext on held-out emails\n\n");
    b.append("Generated by `org.secformer.jobs.report.SecureClassifierReport` (command in its javadoc); do not edit.\n\n");
    b.append(String.format(Locale.ROOT,
        "Model: all-MiniLM-L6-v2 (fp32, langchain4j jar) + the committed ham/spam head, 16 fractional bits, exact "
            + "softmax path. Texts: %d held-out SpamAssassin emails (`SpamDataset.heldOutSample`), subject + body, "
            + "%d tokens at most, batches of up to %d texts of one padded length. Parties: P0 and P1 in one JVM over "
            + "in-memory links with the in-process dealer (same protocol code as the engines, no TLS). Machine: %d "
            + "cores, Java %s.%n%n",
        n, SpamClassifierModel.input().maxLength(), batchSize, Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version")));
    b.append("| figure | value |\n|---|---|\n");
    b.append(String.format(Locale.ROOT, "| secure label = plaintext label | %d / %d (%.2f %%) |%n", r.agreeing(), n,
        100.0 * r.agreeing() / n));
    b.append(String.format(Locale.ROOT, "| max \\|secure - plaintext\\| logit | %.3g |%n", r.maxLogitDiff()));
    b.append(String.format(Locale.ROOT, "| plaintext accuracy (true labels) | %.4f |%n", (double) plainRight / n));
    b.append(String.format(Locale.ROOT, "| secure accuracy (true labels) | %.4f |%n", (double) secureRight / n));
    b.append(String.format(Locale.ROOT, "| secure time per text (wall, both parties on this machine) | %.2f s |%n",
        seconds / n));
    b.append(String.format(Locale.ROOT, "| online bytes sent by P0 per text | %.1f MB |%n", bytes / 1e6 / n));
    b.append(String.format(Locale.ROOT, "| dealer bytes received by P0 per text | %.1f MB |%n", dealer / 1e6 / n));
    b.append(String.format(Locale.ROOT, "| setup (model load, sharing; not in the time above) | %.1f s |%n%n",
        r.setupSeconds()));
    b.append("Per padded length (the first batch also opens every weight mask W - B once, 8 bytes per weight):\n\n");
    b.append("| T | batches | texts | rounds per batch | online MB per text | dealer MB per text | s per text |\n");
    b.append("|---|---|---|---|---|---|---|\n");
    Map<Integer, List<BatchStats>> byT = new TreeMap<>();
    for (BatchStats s : r.batches()) {
      byT.computeIfAbsent(s.seqLen(), k -> new ArrayList<>()).add(s);
    }
    for (Map.Entry<Integer, List<BatchStats>> e : byT.entrySet()) {
      List<BatchStats> l = e.getValue();
      int texts = l.stream().mapToInt(BatchStats::size).sum();
      String rounds = l.stream().map(s -> Long.toString(s.rounds())).distinct().reduce((x, y) -> x + ", " + y).orElse("");
      b.append(String.format(Locale.ROOT, "| %d | %d | %d | %s | %.1f | %.1f | %.2f |%n", e.getKey(), l.size(), texts,
          rounds, l.stream().mapToLong(BatchStats::bytesSent).sum() / 1e6 / texts,
          l.stream().mapToLong(BatchStats::dealerBytes).sum() / 1e6 / texts,
          l.stream().mapToDouble(BatchStats::seconds).sum() / texts));
    }
    List<Row> differing = rows.stream().filter(x -> x.plainLabel() != x.secureLabel()).toList();
    b.append("\nTexts whose secure label differs from the plaintext one: ").append(differing.size()).append('\n');
    for (Row x : differing) {
      b.append(String.format(Locale.ROOT, "- %s: plaintext logits %s, secure %s%n", x.id(),
          java.util.Arrays.toString(x.plainLogits()), java.util.Arrays.toString(x.secureLogits())));
    }
    return b.toString();
  }

  public static void main(String[] args) throws IOException {
    int n = 520, batch = 8;
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--n" -> n = Integer.parseInt(args[++i]);
        case "--batch" -> batch = Integer.parseInt(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown flag " + args[i] + "; usage: [--n N] [--batch B] [--out FILE]");
      }
    }
    List<SpamDataset.Email> emails = SpamDataset.load().heldOutSample(n);
    Result r = run(emails, batch, System.out);
    String md = markdown(r, batch);
    System.out.print(md);
    if (out != null) {
      Files.writeString(out, md, StandardCharsets.UTF_8);
      System.out.println("wrote " + out.toAbsolutePath());
    }
  }
}
