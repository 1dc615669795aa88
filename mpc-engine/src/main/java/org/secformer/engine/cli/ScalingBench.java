package org.secformer.engine.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.secformer.engine.bench.RandomBert;
import org.secformer.engine.bert.BertConfig;
import org.secformer.engine.bert.BertInput;
import org.secformer.engine.bert.BertModel;
import org.secformer.engine.bert.ModelDescriptor;
import org.secformer.engine.bert.ModelRanges;
import org.secformer.engine.bert.OnnxBertReader;
import org.secformer.engine.bert.PlainBert;
import org.secformer.engine.client.EngineClient;
import org.secformer.engine.client.SecureBertClient;
import org.secformer.engine.model.ModelPublisher;
import org.secformer.engine.net.NetworkEmulation;
import org.secformer.engine.server.LocalCluster;
import org.secformer.engine.tls.CertTool;
import org.secformer.engine.tls.Role;
import org.secformer.engine.tls.TlsConfig;
import org.secformer.shares.control.JobReport;

/**
 * {@code engine bench-scaling}: how a served BERT's throughput grows with the workers per party. For each
 * worker count it starts a real cluster in this JVM (dealer, P0 and P1, that many workers each, mutual TLS
 * on loopback, {@link LocalCluster}), serves the published model, and sends the same sequences through
 * {@link SecureBertClient} (one job; batches go round-robin to the worker pairs and run concurrently).
 * Before timing, the first cluster serves the whole set once (JIT warm-up) and every cluster one batch per
 * worker pair (links, model shares); the timed job includes opening the weight masks once per worker
 * pair, which a real job pays (their bytes are shown apart).
 *
 * <p>All parties share this machine's cores, so the figures show what more workers give <em>here</em>;
 * on a 2-core machine two workers per party cannot scale. The cores and JDK are printed with them.
 */
public final class ScalingBench {
  static final String USAGE = "engine bench-scaling [--shape minilm|tiny | --onnx FILE] [--sequences 8] [--seq 32] [--batch 1]"
      + " [--workers 1,2] [--net none|lan|wan] [--seed S] [--dir DIR] [--out FILE]";
  private static final int FRAC_BITS = 16;
  private static final String MODEL_ID = "scaling-bench";
  /** The tag under which a job opens its weight masks ({@link org.secformer.engine.protocol.MaskedWeight}). */
  private static final String MASK_TAG = "weight-mask";
  /** A small classifier for smoke runs of the command: 1 layer, hidden 32, 2 heads, a 300-word vocabulary. */
  static final BertConfig TINY = new BertConfig(1, 32, 2, 64, 300, 16, 2, 1e-12, BertConfig.Activation.GELU,
      BertConfig.AttentionKind.SOFTMAX, BertConfig.Pooling.CLS, false, 2);

  /**
   * Figures of one cluster size.
   *
   * @param workers worker pairs (workers per party)
   * @param sequences sequences scored
   * @param batches engine batches (each one sequence group of at most the batch size)
   * @param wallSeconds the client's wall time for all of them
   * @param bytesSent bytes each party sent to the other, all workers together ([P0, P1])
   * @param dealerBytes bytes each party received from the dealer, all workers together ([P0, P1])
   * @param roundsPerBatch P0's rounds per batch, without the once-per-job opening of the weight masks
   * @param maskBytes of {@code bytesSent}, what opening the weight masks took ([P0, P1]; once per worker pair)
   * @param maxDiffVsPlain largest difference of any output from the plaintext model's
   * @param outputs the outputs, in input order
   */
  public record Run(int workers, int sequences, long batches, double wallSeconds, long[] bytesSent,
      long[] dealerBytes, double roundsPerBatch, long[] maskBytes, double maxDiffVsPlain, double[][] outputs) {
    public double sequencesPerSecond() {
      return sequences / wallSeconds;
    }
  }

  /** The runs of one measurement, with the machine they came from. */
  public record Result(String model, int seqLen, int batchSize, NetworkEmulation emulation, int cores, String jdk,
      List<Run> runs) {
    /** Throughput of run {@code i} over that of the first run. */
    public double speedup(int i) {
      return runs.get(i).sequencesPerSecond() / runs.get(0).sequencesPerSecond();
    }

    /** Largest difference between any two runs' outputs (fresh randomness each run, so not zero). */
    public double maxDiffBetweenRuns() {
      double worst = 0;
      for (Run r : runs) {
        worst = Math.max(worst, maxDiff(runs.get(0).outputs(), r.outputs()));
      }
      return worst;
    }
  }

  private ScalingBench() {}

  /**
   * Publishes {@code model} into {@code workDir} (with fresh certificates), then for each entry of
   * {@code workerCounts} starts a cluster of that many workers per party and scores {@code sequences}
   * ({@code [CLS] ... [SEP]} token ids, no padding) in batches of at most {@code batchSize}.
   */
  public static Result measure(String modelName, BertModel model, ModelRanges ranges, List<int[]> sequences,
      int batchSize, List<Integer> workerCounts, NetworkEmulation emulation, Path workDir) {
    if (sequences.isEmpty() || workerCounts.isEmpty()) {
      throw new IllegalArgumentException("need at least one sequence and one worker count");
    }
    int maxLength = sequences.stream().mapToInt(s -> s.length).max().orElseThrow();
    Path certs = workDir.resolve("certs"), models = workDir.resolve("models");
    ModelDescriptor descriptor;
    try {
      CertTool.generate(certs, Duration.ofDays(1));
      ModelPublisher.Published p = ModelPublisher.publish(MODEL_ID, model, FRAC_BITS, ranges, models);
      descriptor = ModelDescriptor.read(p.descriptor());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot publish the bench model into " + models + ": " + e.getMessage(), e);
    }
    double[][] plain = plainOutputs(model, sequences);
    SecureBertClient.Options options = new SecureBertClient.Options(batchSize, maxLength);
    List<Run> runs = new ArrayList<>();
    boolean jitWarm = false;
    for (int workers : workerCounts) {
      if (workers < 1) {
        throw new IllegalArgumentException("worker counts must be at least 1, got " + workers);
      }
      try (LocalCluster cluster = LocalCluster.start(certs, models, workers, Duration.ofMinutes(10), emulation);
          EngineClient client = EngineClient.connect(cluster.config(), TlsConfig.forRole(certs, Role.CLIENT))) {
        // the first cluster warms the JIT on the whole set, so the first count is not timed cold; every
        // cluster then sets up each worker pair (links, model shares) with one batch
        List<int[]> warmUp = jitWarm ? sequences.subList(0, Math.min(sequences.size(), workers * batchSize)) : sequences;
        jitWarm = true;
        try (SecureBertClient warm = SecureBertClient.open(client, descriptor, null, options)) {
          warm.scoreTokens(warmUp);
          warm.end();
        }
        double[][] out;
        List<JobReport> reports;
        long t0 = System.nanoTime();
        try (SecureBertClient bert = SecureBertClient.open(client, descriptor, null, options)) {
          out = bert.scoreTokens(sequences);
          reports = bert.end();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long[] sent = new long[2], dealer = new long[2], mask = new long[2];
        long rounds0 = 0, batches0 = 0;
        for (JobReport r : reports) {
          sent[r.partyId()] += r.bytesSent();
          dealer[r.partyId()] += r.dealerBytes();
          long[] opening = tagged(r, MASK_TAG);
          mask[r.partyId()] += opening[1];
          if (r.partyId() == 0) {
            rounds0 += r.rounds() - opening[0];
            batches0 += r.batches();
          }
        }
        runs.add(new Run(workers, sequences.size(), batches0, seconds, sent, dealer, (double) rounds0 / batches0,
            mask, maxDiff(plain, out), out));
      }
    }
    return new Result(modelName, maxLength, batchSize, emulation, Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"), runs);
  }

  /** {@code count} sequences of exactly {@code seqLen} tokens: [CLS] (101), random word pieces, [SEP] (102). */
  public static List<int[]> randomSequences(int count, int seqLen, int vocab, long seed) {
    if (seqLen < 3 || vocab < 200) {
      throw new IllegalArgumentException("need seqLen >= 3 and a vocabulary of at least 200, got " + seqLen + ", " + vocab);
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    List<int[]> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int[] s = new int[seqLen];
      s[0] = 101;
      for (int t = 1; t < seqLen - 1; t++) {
        s[t] = 103 + rnd.nextInt(vocab - 103);
      }
      s[seqLen - 1] = 102;
      out.add(s);
    }
    return out;
  }

  /** A MiniLM-L6-shaped embedding model with random weights at BERT's initialisation scale. */
  public static BertModel miniLmShape(long seed) {
    return RandomBert.of(BertConfig.miniLmL6(), seed);
  }

  static int run(String[] args, PrintStream out) {
    Args a = new Args("bench-scaling", args, 1,
        List.of("shape", "onnx", "sequences", "seq", "batch", "workers", "net", "seed", "dir", "out"));
    long seed = a.intValue("seed", 1);
    String onnx = a.get("onnx", null);
    BertModel model;
    String name;
    if (onnx != null) {
      model = OnnxBertReader.read(Path.of(onnx));
      name = Path.of(onnx).getFileName().toString();
    } else if (a.get("shape", "minilm").equals("minilm")) {
      model = miniLmShape(seed);
      name = "MiniLM-L6 shape (random weights)";
    } else if (a.get("shape", "minilm").equals("tiny")) {
      model = RandomBert.of(TINY, seed);
      name = "tiny BERT (1 x 32, random weights, 2 labels)";
    } else {
      throw new Args.UsageException("--shape must be minilm or tiny (or give --onnx FILE)");
    }
    List<Integer> workers = new ArrayList<>();
    for (String w : a.get("workers", "1,2").split(",")) {
      try {
        workers.add(Integer.parseInt(w.trim()));
      } catch (NumberFormatException e) {
        throw new Args.UsageException("--workers must be a comma-separated list of integers, got '" + w + "'");
      }
    }
    NetworkEmulation emulation;
    try {
      emulation = NetworkEmulation.preset(a.get("net", "none"));
    } catch (IllegalArgumentException e) {
      throw new Args.UsageException("--net: " + e.getMessage());
    }
    List<int[]> sequences = randomSequences(a.intValue("sequences", 8), a.intValue("seq", 32), model.config().vocab(), seed);
    Path dir;
    try {
      dir = a.get("dir", null) == null ? Files.createTempDirectory("secformer-scaling") : Path.of(a.get("dir", null));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a working folder: " + e.getMessage(), e);
    }
    Result r = measure(name, model, ModelRanges.miniLmL6(), sequences, a.intValue("batch", 1), workers, emulation, dir);
    String md = markdown(r);
    out.print(md);
    ReportFile.writeIfAsked(a.get("out", null), md, out);
    return 0;
  }

  /** The figures as a markdown paragraph and table. */
  public static String markdown(Result r) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "Machine: %d cores, %s. %s, seq %d, batches of %d; dealer, P0 and P1 as "
        + "one cluster in this JVM over mutual-TLS loopback%s. The time is the client's, for one job (it includes "
        + "opening the weight masks once per worker pair, shown apart); a warm-up job ran first (the whole set on the first cluster). "
        + "Rounds are per batch without the mask opening.%n%n",
        r.cores(), r.jdk(), r.model(), r.seqLen(), r.batchSize(),
        r.emulation().enabled() ? " under an emulated network (" + r.emulation() + ")" : ""));
    b.append("| workers per party | sequences | batches | time (s) | sequences/s | speedup | rounds per batch |"
        + " sent P0 / P1 (MB) | of which mask opening (MB) | dealer to P0 / P1 (MB) | max abs diff vs plaintext |\n");
    b.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (int i = 0; i < r.runs().size(); i++) {
      Run run = r.runs().get(i);
      b.append(String.format(Locale.ROOT, "| %d | %d | %d | %.1f | %.3f | %.2fx | %.0f | %.1f / %.1f | %.1f / %.1f | %.1f / %.1f | %.2g |%n",
          run.workers(), run.sequences(), run.batches(), run.wallSeconds(), run.sequencesPerSecond(), r.speedup(i),
          run.roundsPerBatch(), run.bytesSent()[0] / 1e6, run.bytesSent()[1] / 1e6, run.maskBytes()[0] / 1e6,
          run.maskBytes()[1] / 1e6, run.dealerBytes()[0] / 1e6,
          run.dealerBytes()[1] / 1e6, run.maxDiffVsPlain()));
    }
    b.append(String.format(Locale.ROOT, "%nLargest difference between the runs' outputs: %.2g.%n",
        r.maxDiffBetweenRuns()));
    return b.toString();
  }

  /** Rounds and bytes sent under one protocol tag of a job report ({@code rounds,sent,received}). */
  private static long[] tagged(JobReport r, String tag) {
    String v = r.perProtocol().get(tag);
    if (v == null) {
      return new long[2];
    }
    String[] parts = v.split(",");
    return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
  }

  private static double[][] plainOutputs(BertModel model, List<int[]> sequences) {
    PlainBert plain = new PlainBert(model);
    double[][] out = new double[sequences.size()][];
    for (int i = 0; i < out.length; i++) {
      BertInput in = BertInput.single(sequences.get(i));
      out[i] = model.config().numLabels() > 0 ? plain.logits(in)[0] : plain.embed(in)[0];
    }
    return out;
  }

  private static double maxDiff(double[][] a, double[][] b) {
    double worst = 0;
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[i].length; j++) {
        worst = Math.max(worst, Math.abs(a[i][j] - b[i][j]));
      }
    }
    return worst;
  }
}
