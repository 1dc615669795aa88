package org.secformer.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.Success$;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secformer.engine.tls.Role;

/**
 * Party faults in the middle of a real Spark job: ScoreTable in a local[2] session scores rows with unique
 * ids against the dealer, P0 and P1 as three separate engine JVMs ({@link EngineJvms}), and a test kills
 * (SIGKILL) or pauses (SIGSTOP) an engine as soon as the first of the job's partitions has been scored, so
 * the fault always lands in the middle of the job. Retried or failed, the output never holds an id twice,
 * and a completed run or rerun holds every id once with the plaintext model's logits.
 */
class SparkFaultsIT {
  private static final int ROWS = 32;
  private static final int PARTITIONS = 4;
  private static final int BATCH = 8;
  private static final int MAX_LEN = 16;
  private static final Duration BOUND = Duration.ofSeconds(90);

  @TempDir
  static Path dir;
  private static EngineJvms engines;
  private static SparkSession spark;
  private static AfterFirstTask trigger;
  private static IdTexts input;
  private static Path inputDir;

  @BeforeAll
  static void start() throws IOException {
    engines = EngineJvms.start(dir.resolve("engines"), "384m", 60_000);
    input = IdTexts.of(ROWS, 5);
    inputDir = input.writeCsv(dir.resolve("input"), PARTITIONS);
    spark = SparkSession.builder().master("local[2]").appName("SparkFaultsIT")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        // each CSV file (opening one "costs" a whole partition) its own partition: the job has PARTITIONS tasks
        .config("spark.sql.files.maxPartitionBytes", "128m")
        .config("spark.sql.files.openCostInBytes", "128m")
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    // a first run warms the engine JVMs, so the fault tests' timings are not those of cold code
    score(dir.resolve("warm-up"), "2026-02-28", 2, 500, 60_000);
    trigger = new AfterFirstTask(PARTITIONS);
    spark.sparkContext().addSparkListener(trigger);
  }

  @AfterEach
  void heal() throws Exception {
    trigger.disarm();
    engines.heal();
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
    if (engines != null) {
      engines.close();
    }
  }

  @Test
  void aComputingPartyKilledMidJobAndRestartedIsRetriedOnFreshJobsAndEveryIdIsWrittenOnce() throws Exception {
    int p0LogBefore = engines.logs(Role.P0).length();
    int dealerLogBefore = engines.logs(Role.DEALER).length();
    CompletableFuture<Void> fault = trigger.arm(() -> {
      engines.kill(Role.P1);
      Thread.sleep(1000);
      engines.restart(Role.P1);
    });
    Path out = dir.resolve("killed-p1");

    ScoringSummary summary = assertTimeoutPreemptively(BOUND, () -> score(out, "2026-03-01", 4, 1000, 30_000));

    fault.get(30, TimeUnit.SECONDS);
    assertEquals(ROWS, summary.rows());
    assertTrue(summary.sessions().retries() >= 1, "the kill hit a running task, which retried: " + summary.text());
    assertPlaintextLogits(readPartition(out, "2026-03-01"), "after the retries");

    // fresh material: the retried partition ran under a new job id, which the dealer seeded anew
    String p0 = engines.logs(Role.P0).substring(p0LogBefore);
    String dealer = engines.logs(Role.DEALER).substring(dealerLogBefore);
    Map<String, Long> ended = endedJobRows(p0);
    Set<String> broken = matches(p0, "job (\\S+) (?:failed|aborted) at p0");
    assertEquals(PARTITIONS, ended.size(), "one completed engine job per partition:\n" + p0);
    assertEquals(ROWS, ended.values().stream().mapToLong(Long::longValue).sum(),
        "the completed jobs together scored every row once:\n" + p0);
    assertFalse(broken.isEmpty(), "P0 saw the job that lost P1 fail:\n" + p0);
    for (String id : broken) {
      assertFalse(ended.containsKey(id), "job " + id + " failed and never completed; its batch was retried on another job");
    }
    for (String id : ended.keySet()) {
      for (String party : List.of("p0", "p1")) {
        assertEquals(1, count(dealer, "job " + id + ": seed handed to " + party),
            "the dealer seeded job " + id + " for " + party + " exactly once:\n" + dealer);
      }
    }
  }

  @Test
  void aKilledDealerFailsTheJobWithAClearErrorWithoutDuplicatesAndARerunAfterRestartWritesEveryIdOnce() throws Exception {
    CompletableFuture<Void> fault = trigger.arm(() -> engines.kill(Role.DEALER));
    Path out = dir.resolve("killed-dealer");

    Exception failed = assertTimeoutPreemptively(BOUND,
        () -> assertThrows(Exception.class, () -> score(out, "2026-03-02", 1, 200, 30_000)));

    fault.get(30, TimeUnit.SECONDS);
    String message = Failures.describe(failed);
    System.out.println("killed dealer, what ScoreTable prints: ScoreTable failed: " + message);
    assertTrue(message.toLowerCase(java.util.Locale.ROOT).contains("dealer"), "the error names the dealer: " + message);
    assertTrue(message.contains("spark.secformer.retries = 1"), "the error says the retries ran out: " + message);
    assertFalse(Files.exists(out.resolve("date=2026-03-02")), "a failed run publishes no partition");
    assertNoIdTwice(out);

    engines.restart(Role.DEALER);
    ScoringSummary rerun = assertTimeoutPreemptively(BOUND, () -> score(out, "2026-03-02", 1, 200, 30_000));
    assertEquals(ROWS, rerun.rows());
    assertPlaintextLogits(readPartition(out, "2026-03-02"), "the rerun");
  }

  @Test
  void aComputingPartyKilledWithoutRestartFailsTheJobNamingItsEndpoint() throws Exception {
    CompletableFuture<Void> fault = trigger.arm(() -> engines.kill(Role.P0));
    Path out = dir.resolve("killed-p0");

    Exception failed = assertTimeoutPreemptively(BOUND,
        () -> assertThrows(Exception.class, () -> score(out, "2026-03-03", 1, 200, 30_000)));

    fault.get(30, TimeUnit.SECONDS);
    String message = Failures.describe(failed);
    System.out.println("killed P0, what ScoreTable prints: ScoreTable failed: " + message);
    assertTrue(message.contains("p0") && message.contains("127.0.0.1:" + endpointPort("p0")),
        "the error names P0 and its endpoint: " + message);
    assertTrue(message.contains("spark.secformer.retries = 1"), "the error says the retries ran out: " + message);
    assertFalse(Files.exists(out.resolve("date=2026-03-03")), "a failed run publishes no partition");
    assertNoIdTwice(out);
  }

  @Test
  void aHungPartyFailsTheTaskByTheTimeoutNamingItAndARerunAfterItResumesWritesEveryIdOnce() throws Exception {
    CompletableFuture<Void> fault = trigger.arm(() -> engines.pause(Role.P1));
    Path out = dir.resolve("hung-p1");
    long start = System.nanoTime();

    Exception failed = assertTimeoutPreemptively(BOUND,
        () -> assertThrows(Exception.class, () -> score(out, "2026-03-04", 0, 200, 20_000)));

    double seconds = (System.nanoTime() - start) / 1e9;
    fault.get(30, TimeUnit.SECONDS);
    String message = Failures.describe(failed);
    System.out.printf("hung P1, failed after %.1f s: ScoreTable failed: %s%n", seconds, message);
    // the client's timeout names the silent party; or P0, waiting for the hung P1 to join a new job, gives up first
    assertTrue(message.contains("no answer within PT20S from") && message.contains("p1 at 127.0.0.1:" + endpointPort("p1"))
        || message.contains("p0: p0 peer port: no peer link for job"),
        "the error says a timeout ran out and who did not answer: " + message);
    assertFalse(Files.exists(out.resolve("date=2026-03-04")));
    assertNoIdTwice(out);

    engines.resume(Role.P1);
    ScoringSummary rerun = assertTimeoutPreemptively(BOUND, () -> score(out, "2026-03-04", 0, 200, 30_000));
    assertEquals(ROWS, rerun.rows());
    assertPlaintextLogits(readPartition(out, "2026-03-04"), "the rerun after the party resumed");
  }

  @Test
  void twoJobsAtOnceAgainstTheSameEnginesBothWriteEveryIdOnce() throws Exception {
    Path outA = dir.resolve("concurrent-a");
    Path outB = dir.resolve("concurrent-b");
    List<CompletableFuture<ScoringSummary>> jobs = assertTimeoutPreemptively(BOUND, () -> {
      List<CompletableFuture<ScoringSummary>> both = List.of(
          CompletableFuture.supplyAsync(() -> scoreUnchecked(outA, "2026-03-05")),
          CompletableFuture.supplyAsync(() -> scoreUnchecked(outB, "2026-03-05")));
      CompletableFuture.allOf(both.toArray(new CompletableFuture[0])).join();
      return both;
    });
    for (CompletableFuture<ScoringSummary> j : jobs) {
      assertEquals(ROWS, j.get().rows());
    }
    assertPlaintextLogits(readPartition(outA, "2026-03-05"), "job A");
    assertPlaintextLogits(readPartition(outB, "2026-03-05"), "job B");
  }

  // ------------------------------------------------------------------------------------------ helpers

  private static synchronized void settings(int retries, long backoffMs, long timeoutMs) {
    engines.sparkConf(BATCH, MAX_LEN).forEach((k, v) -> spark.conf().set(k, v));
    spark.conf().set("spark.secformer.retries", Integer.toString(retries));
    spark.conf().set("spark.secformer.retry.backoff.ms", Long.toString(backoffMs));
    spark.conf().set("spark.secformer.timeout.ms", Long.toString(timeoutMs));
  }

  private static ScoringSummary score(Path out, String date, int retries, long backoffMs, long timeoutMs) throws IOException {
    settings(retries, backoffMs, timeoutMs);
    return ScoreTable.run(spark, args(out, date));
  }

  private static ScoringSummary scoreUnchecked(Path out, String date) {
    try {
      return score(out, date, 2, 500, 30_000);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static ScoreTableArgs args(Path out, String date) {
    return ScoreTableArgs.parse("--input", inputDir.toString(), "--format", "csv", "--id-column", "id",
        "--text-column", "text", "--output", out.toString(), "--date", date, "--mode", "logits");
  }

  private static List<Row> readPartition(Path out, String date) {
    return spark.read().parquet(out.resolve("date=" + date).toString()).select("id", "logits").collectAsList();
  }

  private static void assertPlaintextLogits(List<Row> rows, String what) {
    Map<String, Row> byId = input.assertEveryIdOnce(rows, what);
    byId.forEach((id, r) -> {
      double[] want = engines.plainLogits(input.texts.get(id), MAX_LEN);
      List<Double> got = r.getList(1);
      for (int k = 0; k < want.length; k++) {
        assertEquals(want[k], got.get(k), 5e-2, what + ": " + id + " logit " + k);
      }
    });
  }

  /** Whatever a failed run left on disk (hidden staging folders included) holds no id twice. */
  private static void assertNoIdTwice(Path out) throws IOException {
    if (!Files.exists(out)) {
      return;
    }
    List<String> files;
    try (Stream<Path> walk = Files.walk(out)) {
      files = walk.filter(f -> f.toString().endsWith(".parquet")).map(Path::toString).toList();
    }
    if (files.isEmpty()) {
      return;
    }
    List<Row> ids = spark.read().parquet(files.toArray(new String[0])).select("id").collectAsList();
    Set<String> seen = new HashSet<>();
    for (Row r : ids) {
      assertTrue(seen.add(r.getString(0)), "id " + r.getString(0) + " twice in the failed run's files " + files);
    }
  }

  private static int endpointPort(String role) throws IOException {
    for (String line : Files.readAllLines(engines.engineConf)) {
      Matcher m = Pattern.compile("\\." + role + "\\.workers=127\\.0\\.0\\.1:(\\d+)").matcher(line);
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
    }
    throw new IllegalStateException("no " + role + " endpoint in " + engines.engineConf);
  }

  private static Map<String, Long> endedJobRows(String log) {
    Map<String, Long> rows = new HashMap<>();
    Matcher m = Pattern.compile("job (\\S+) ended at p0 worker \\d+: \\d+ batches, (\\d+) rows").matcher(log);
    while (m.find()) {
      rows.merge(m.group(1), Long.parseLong(m.group(2)), Long::sum);
    }
    return rows;
  }

  private static Set<String> matches(String log, String regex) {
    Set<String> out = new HashSet<>();
    Matcher m = Pattern.compile(regex).matcher(log);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  private static int count(String text, String what) {
    int n = 0;
    for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1)) {
      n++;
    }
    return n;
  }

  /** An action that may throw, run by the listener on its own thread. */
  interface Fault {
    void run() throws Exception;
  }

  /**
   * Runs an armed fault once, on its own thread, as soon as the first task of a stage with the scoring
   * job's partition count has succeeded (the CSV header read before it has one task).
   */
  static final class AfterFirstTask extends SparkListener {
    private final int partitions;
    private final Set<Integer> scoringStages = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final AtomicReference<Runnable> armed = new AtomicReference<>();

    AfterFirstTask(int partitions) {
      this.partitions = partitions;
    }

    /** Drops a fault that did not fire, so it cannot hit the next test's job. */
    void disarm() {
      armed.set(null);
    }

    CompletableFuture<Void> arm(Fault fault) {
      CompletableFuture<Void> done = new CompletableFuture<>();
      armed.set(() -> {
        try {
          fault.run();
          done.complete(null);
        } catch (Exception | Error e) {
          done.completeExceptionally(e);
        }
      });
      return done;
    }

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted submitted) {
      if (submitted.stageInfo().numTasks() == partitions) {
        scoringStages.add(submitted.stageInfo().stageId());
      }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      if (end.reason() == Success$.MODULE$ && scoringStages.contains(end.stageId())) {
        Runnable fault = armed.getAndSet(null);
        if (fault != null) {
          Thread t = new Thread(fault, "fault");
          t.setDaemon(true);
          t.start();
        }
      }
    }
  }
}
