package org.secformer.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.launcher.JavaModuleOptions;

/**
 * Test fixture: a Spark standalone master and one worker as child JVMs on loopback, installed like a Spark
 * distribution: {@code SPARK_HOME/jars} holds links to Spark and its libraries only ({@code spark-dist.classpath},
 * written at package time; none of our modules), so our code reaches the driver and the executors only
 * through the application jar given to {@link #submit}, as on a real cluster.
 */
final class StandaloneCluster implements AutoCloseable {
  private static final Pattern MASTER_URL = Pattern.compile("Starting Spark master at (spark://\\S+)");

  private final Path dir;
  private final Path home;
  private final String classPath;
  private final List<Process> daemons = new ArrayList<>();
  private String masterUrl;

  private StandaloneCluster(Path dir, List<Path> sparkJars) throws IOException {
    this.dir = dir;
    this.home = dir.resolve("spark-home");
    Path jars = Files.createDirectories(home.resolve("jars"));
    int i = 0;
    for (Path jar : sparkJars) {
      // numbered, so two libraries with one file name cannot collide
      Files.createSymbolicLink(jars.resolve(String.format("%03d-%s", i++, jar.getFileName())), jar);
    }
    this.classPath = jars + "/*";
  }

  /** Starts a master and a worker with {@code cores} cores; the jars are Spark's, read from {@code classPathFile}. */
  static StandaloneCluster start(Path dir, Path classPathFile, int cores) throws IOException {
    List<Path> jars = Arrays.stream(Files.readString(classPathFile).trim().split(java.io.File.pathSeparator))
        .map(Path::of).toList();
    StandaloneCluster c = new StandaloneCluster(dir, jars);
    try {
      Path masterLog = dir.resolve("master.log");
      c.daemons.add(c.launch(masterLog, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", "0",
          "--webui-port", "0"));
      Matcher m = awaitLog(c.daemons.get(0), masterLog, MASTER_URL, Duration.ofSeconds(90));
      c.masterUrl = m.group(1);
      Path workerLog = dir.resolve("worker.log");
      c.daemons.add(c.launch(workerLog, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
          "--webui-port", "0", "--cores", Integer.toString(cores), "--memory", "2g",
          "--work-dir", Files.createDirectories(dir.resolve("work")).toString(), c.masterUrl));
      awaitLog(c.daemons.get(1), workerLog, Pattern.compile("Successfully registered with master"), Duration.ofSeconds(90));
      return c;
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  String masterUrl() {
    return masterUrl;
  }

  /** What spark-submit printed and how it ended. */
  record Submitted(int exitCode, String output) {}

  /**
   * Runs {@code org.apache.spark.deploy.SparkSubmit} in client mode against the master, as
   * {@code spark-submit --master URL --class MAIN [confs] APP_JAR [args]} would.
   */
  Submitted submit(String mainClass, List<String> confs, Path appJar, List<String> appArgs, Duration timeout)
      throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("--master", masterUrl, "--deploy-mode", "client", "--class", mainClass,
        "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
        "--conf", "spark.ui.enabled=false", "--conf", "spark.executor.memory=1g"));
    for (String c : confs) {
      args.add("--conf");
      args.add(c);
    }
    args.add(appJar.toString());
    args.addAll(appArgs);
    Path log = Files.createTempFile(dir, "submit-", ".log");
    Process p = launch(log, "org.apache.spark.deploy.SparkSubmit", args.toArray(new String[0]));
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      return new Submitted(124, Files.readString(log) + "\n(spark-submit timed out after " + timeout + ")");
    }
    return new Submitted(p.exitValue(), Files.readString(log));
  }

  /** The executors' stderr of every application, for a failure message. */
  String executorLogs() throws IOException {
    StringBuilder sb = new StringBuilder();
    try (Stream<Path> files = Files.walk(dir.resolve("work"))) {
      for (Path f : files.filter(f -> f.getFileName().toString().equals("stderr")).toList()) {
        String text = Files.readString(f);
        sb.append("== ").append(f).append('\n').append(text, Math.max(0, text.length() - 6000), text.length());
      }
    }
    return sb.toString();
  }

  private Process launch(Path log, String mainClass, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(Arrays.asList(JavaModuleOptions.defaultModuleOptionArray()));
    cmd.addAll(List.of("-Xmx512m", "-cp", classPath, mainClass));
    cmd.addAll(Arrays.asList(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.put("SPARK_HOME", home.toString());
    env.put("SPARK_SCALA_VERSION", "2.13");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.remove("SPARK_CONF_DIR");
    return pb.start();
  }

  private static Matcher awaitLog(Process p, Path log, Pattern ready, Duration timeout) throws IOException {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      String text = Files.exists(log) ? Files.readString(log) : "";
      Matcher m = ready.matcher(text);
      if (m.find()) {
        return m;
      }
      if (!p.isAlive()) {
        throw new IllegalStateException(log.getFileName() + ": the process exited with " + p.exitValue() + ":\n" + text);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException("no '" + ready.pattern() + "' in " + log + " within " + timeout);
  }

  @Override
  public void close() {
    stopDaemons();
    // the links point into ~/.m2: remove them here, so no cleanup of the folder ever follows them
    try (Stream<Path> links = Files.list(home.resolve("jars"))) {
      for (Path link : links.toList()) {
        Files.deleteIfExists(link);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void stopDaemons() {
    for (int i = daemons.size() - 1; i >= 0; i--) {
      Process p = daemons.get(i);
      p.destroy();
      try {
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
  }

  static Path requiredFile(String property) {
    String v = System.getProperty(property);
    if (v == null || !Files.isRegularFile(Path.of(v))) {
      throw new UncheckedIOException(new IOException("system property " + property + " = " + v
          + " names no file; run this test with mvn verify (failsafe, after package)"));
    }
    return Path.of(v);
  }
}
