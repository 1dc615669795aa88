package org.secformer.jobs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.secformer.engine.cli.EngineProcesses;
import org.secformer.engine.cli.LoopbackConf;
import org.secformer.engine.tls.CertTool;
import org.secformer.jobs.model.SpamClassifierModel;
import org.secformer.jobs.train.SpamDataset;
import org.secformer.spark.ScoringMetrics;
import org.secformer.spark.SecformerConf;

/**
 * The README's first command ({@code jobs/bin/run-default}): everything on this machine, nothing to set up.
 * Generates certificates, publishes the MiniLM spam classifier (once per weights), starts the dealer, P0 and
 * P1 as three engine JVMs on loopback with mutual TLS, and scores held-out emails of the bundled labelled
 * SpamAssassin data in a local Spark job (local[2]); prints scored rows, accuracy against the labels and
 * the time and traffic, then stops the engines.
 *
 * <p>{@code EmbeddedDefault [--dir target/default] [--texts 16] [--partitions 4]}; engine heap from
 * {@code -Dsecformer.engine.heap} (default 3g here).
 */
public final class EmbeddedDefault {
  private static final String ENGINE_HEAP = "3g";
  private static final int BATCH = 4;

  private EmbeddedDefault() {}

  public static void main(String[] args) {
    int code;
    try {
      Map<String, String> flags = flags(args);
      code = run(Path.of(flags.getOrDefault("--dir", "target/default")), Integer.parseInt(flags.getOrDefault("--texts", "16")),
          Integer.parseInt(flags.getOrDefault("--partitions", "4")));
    } catch (Exception e) {
      System.err.println("run-default failed: " + Failures.describe(e));
      code = 1;
    }
    System.exit(code);
  }

  static int run(Path dir, int texts, int partitions) throws Exception {
    long start = System.nanoTime();
    Path certs = dir.resolve("certs");
    Path models = dir.resolve("models");
    step(1, "certificates for the CA, p0, p1, dealer and client in " + certs);
    // fresh each run (the old ones may have expired); only this run's engines and client use them
    deleteTree(certs);
    CertTool.generate(certs, Duration.ofDays(7));

    step(2, "model " + SpamClassifierModel.MODEL_ID + " (MiniLM-L6 + ham/spam head) in " + models);
    long t = System.nanoTime();
    boolean published = SpamClassifierModel.publishTo(models);
    System.out.printf(Locale.ROOT, "   %s (%.1f s)%n", published ? "published: weights shared into p0.shares and p1.shares"
        : "already published with the same weights; kept", seconds(t));

    Path conf = LoopbackConf.write(dir.resolve("engine.properties"), 1, certs, models, 600_000);
    if (System.getProperty(EngineProcesses.HEAP_PROPERTY) == null) {
      System.setProperty(EngineProcesses.HEAP_PROPERTY, ENGINE_HEAP);
    }
    step(3, "engines: dealer, P0 and P1 as separate JVMs on loopback (heap "
        + System.getProperty(EngineProcesses.HEAP_PROPERTY) + " each, logs in " + dir.resolve("logs") + ")");
    try (EngineProcesses engines = EngineProcesses.start(conf, dir.resolve("logs"), 120_000)) {
      EngineWatch.start(engines, dir.resolve("logs"), System.getProperty(EngineProcesses.HEAP_PROPERTY));
      System.out.println("   ready: " + String.join(", ", Files.readAllLines(conf).stream()
          .filter(l -> l.contains(".workers=")).toList()));
      List<SpamDataset.Email> sample = SpamDataset.load().heldOutSample(texts);
      step(4, "local Spark job (local[2]): " + sample.size() + " held-out emails in " + partitions
          + " partitions (one engine job each, one at a time), batches of " + BATCH
          + "; MiniLM over TLS takes several seconds per text");
      SecformerConf scoring = SecformerConf.resolve(Map.of(SecformerConf.ENGINE_CONF, conf.toString(),
          SecformerConf.MODEL_ID, SpamClassifierModel.MODEL_ID, SecformerConf.BATCH_SIZE, Integer.toString(BATCH),
          SecformerConf.MAX_SEQ_LEN, Integer.toString(SpamClassifierModel.input().maxLength())), Map.of());
      List<Row> scored;
      ScoringSummary summary;
      SparkSession spark = localSpark();
      try {
        ScoringMetrics reports = ScoringMetrics.register(spark.sparkContext(), "secformer.job.");
        spark.sparkContext().addSparkListener(new Progress(partitions, sample.size() / (double) partitions));
        long t0 = System.nanoTime();
        scored = new ArrayList<>(SecureScores.score(emails(spark, sample, partitions), "text", List.of("id", "actual"),
            false, scoring, reports).collectAsList());
        summary = new ScoringSummary(scored.size(), seconds(t0), reports.report());
      } finally {
        spark.stop();
      }
      step(5, "results");
      report(scored, summary);
    }
    System.out.printf(Locale.ROOT, "engines stopped; done in %.0f s%n", seconds(start));
    return 0;
  }

  private static SparkSession localSpark() {
    SparkSession spark = SparkSession.builder().master("local[2]").appName("secformer embedded default")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        // one task at a time: the engines on these same two cores do the heavy work, and one MiniLM job
        // at a time is what their heaps are sized for
        .config("spark.task.cpus", "2")
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    return spark;
  }

  private static Dataset<Row> emails(SparkSession spark, List<SpamDataset.Email> sample, int partitions) {
    List<Row> rows = new ArrayList<>();
    for (SpamDataset.Email e : sample) {
      rows.add(RowFactory.create(e.id(), e.labelName(), SpamClassifierModel.text(e)));
    }
    StructType schema = DataTypes.createStructType(List.of(
        DataTypes.createStructField("id", DataTypes.StringType, false),
        DataTypes.createStructField("actual", DataTypes.StringType, false),
        DataTypes.createStructField("text", DataTypes.StringType, false)));
    return spark.createDataFrame(JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, partitions), schema);
  }

  /** The first rows and every misclassified one, the accuracy and the summary. */
  private static void report(List<Row> scored, ScoringSummary summary) {
    scored.sort(Comparator.comparing(r -> r.getString(0)));
    System.out.printf(Locale.ROOT, "   %-44s %-6s %-6s %s%n", "email", "label", "secure", "probability");
    int correct = 0;
    int shown = 0;
    for (int i = 0; i < scored.size(); i++) {
      Row r = scored.get(i);
      boolean right = r.getString(1).equals(r.getString(2));
      correct += right ? 1 : 0;
      if (i < 6 || !right) {
        shown++;
        System.out.printf(Locale.ROOT, "   %-44s %-6s %-6s %.3f%s%n", r.getString(0), r.getString(1), r.getString(2),
            r.getDouble(3), right ? "" : "  <- wrong");
      }
    }
    if (shown < scored.size()) {
      System.out.println("   (" + (scored.size() - shown) + " more, all right)");
    }
    System.out.printf(Locale.ROOT, "   accuracy against the SpamAssassin labels: %d of %d (%.1f%%)%n", correct,
        scored.size(), 100.0 * correct / scored.size());
    summary.text().lines().forEach(line -> System.out.println("   " + line));
  }

  /** Prints a line whenever a partition (one engine job) is done, and a heartbeat while none finishes. */
  private static final class Progress extends SparkListener {
    private final int partitions;
    private final double perPartition;
    private final AtomicInteger done = new AtomicInteger();
    private final long start = System.nanoTime();

    Progress(int partitions, double perPartition) {
      this.partitions = partitions;
      this.perPartition = perPartition;
      Thread beat = new Thread(this::heartbeat, "progress");
      beat.setDaemon(true);
      beat.start();
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      if (end.reason() != org.apache.spark.Success$.MODULE$) {
        System.out.printf(Locale.ROOT, "   %3.0f s: a task failed: %s%n", seconds(start), end.reason());
        return;
      }
      System.out.printf(Locale.ROOT, "   %3.0f s: partition %d of %d scored (about %.0f emails)%n", seconds(start),
          done.incrementAndGet(), partitions, perPartition);
    }

    private void heartbeat() {
      try {
        while (done.get() < partitions) {
          Thread.sleep(20_000);
          if (done.get() < partitions) {
            System.out.printf(Locale.ROOT, "   %3.0f s: %d of %d partitions scored, still working%n", seconds(start),
                done.get(), partitions);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void deleteTree(Path dir) throws java.io.IOException {
    if (Files.exists(dir)) {
      try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  private static void step(int n, String what) {
    System.out.println("[" + n + "/5] " + what);
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private static Map<String, String> flags(String[] args) {
    Map<String, String> flags = new java.util.HashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (!List.of("--dir", "--texts", "--partitions").contains(args[i]) || i + 1 >= args.length) {
        throw new IllegalArgumentException("usage: run-default [--dir DIR] [--texts N] [--partitions N]; got '"
            + args[i] + "'");
      }
      flags.put(args[i], args[i + 1]);
    }
    return flags;
  }
}
