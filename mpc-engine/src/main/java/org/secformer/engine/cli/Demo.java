package org.secformer.engine.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.secformer.engine.client.ClientJob;
import org.secformer.engine.client.EngineClient;
import org.secformer.engine.model.ModelSharer;
import org.secformer.engine.server.EngineConfig;
import org.secformer.engine.server.EngineConfigLoader;
import org.secformer.engine.tls.CertTool;
import org.secformer.engine.tls.Role;
import org.secformer.engine.tls.TlsConfig;
import org.secformer.shares.control.JobReport;
import org.secformer.shares.control.JobStart;
import org.secformer.shares.fxp.FixedPoint;

/**
 * {@code engine demo}: the most complete path that exists today. Generates certificates and a random
 * 384x384 linear layer (MiniLM's hidden size), shares it, starts the dealer, P0 and P1 as separate JVMs
 * on loopback with mutual TLS, and runs a client that secret-shares batches, has them multiplied
 * securely and reconstructs the result; it prints the error against plaintext and the traffic.
 */
final class Demo {
  private static final int HIDDEN = 384;

  private Demo() {}

  static int run(Path dir, int workers, int batches, int rows) {
    try {
      Path certs = dir.resolve("certs");
      if (!Files.exists(certs.resolve("ca.crt"))) {
        CertTool.generate(certs, Duration.ofDays(30));
      }
      FixedPoint fxp = FixedPoint.defaults();
      java.util.SplittableRandom rnd = new java.util.SplittableRandom();
      double[] w = new double[HIDDEN * HIDDEN];
      for (int i = 0; i < w.length; i++) {
        w[i] = rnd.nextGaussian() / Math.sqrt(HIDDEN);
      }
      ModelSharer.share("demo-linear", 16, Map.of("W", fxp.encode(w, HIDDEN, HIDDEN)), dir.resolve("models"));
      Path conf = LoopbackConf.write(dir.resolve("engine.properties"), workers, certs, dir.resolve("models"), 60_000);
      System.out.println("starting dealer, P0 and P1 as separate processes (logs in " + dir.resolve("logs") + ")");
      try (EngineProcesses procs = EngineProcesses.start(conf, dir.resolve("logs"), 60_000)) {
        EngineConfig config = EngineConfigLoader.load(conf);
        try (EngineClient client = EngineClient.connect(config, TlsConfig.forRole(certs, Role.CLIENT))) {
          ClientJob job = client.startJob(new JobStart("demo-" + System.currentTimeMillis(), "demo-linear", 16, "linear", Map.of()));
          double worst = 0;
          for (int b = 0; b < batches; b++) {
            double[] x = new double[rows * HIDDEN];
            for (int i = 0; i < x.length; i++) {
              x[i] = rnd.nextGaussian();
            }
            long[] ids = new long[rows];
            for (int r = 0; r < rows; r++) {
              ids[r] = (long) b * rows + r;
            }
            long t0 = System.nanoTime();
            double[] y = fxp.decode(job.run(ids, fxp.encode(x, rows, HIDDEN)));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            double err = maxError(x, w, y, rows);
            worst = Math.max(worst, err);
            System.out.printf("batch %d: %d x %d times %d x %d securely in %d ms, max |secure - plaintext| = %.2e%n",
                b, rows, HIDDEN, HIDDEN, HIDDEN, ms, err);
          }
          List<JobReport> reports = job.end();
          for (JobReport r : reports) {
            System.out.printf("p%d: %d batches, %d rounds, sent %.2f MB to the other party, received %.2f MB from the dealer, secure time %d ms%n",
                r.partyId(), r.batches(), r.rounds(), r.bytesSent() / 1e6, r.dealerBytes() / 1e6, r.secureNanos() / 1_000_000);
          }
          System.out.println(worst < 1e-2 ? "OK: secure results match plaintext" : "MISMATCH: error " + worst);
          return worst < 1e-2 ? 0 : 1;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static double maxError(double[] x, double[] w, double[] y, int rows) {
    double worst = 0;
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < HIDDEN; c++) {
        double s = 0;
        for (int i = 0; i < HIDDEN; i++) {
          s += x[r * HIDDEN + i] * w[i * HIDDEN + c];
        }
        worst = Math.max(worst, Math.abs(s - y[r * HIDDEN + c]));
      }
    }
    return worst;
  }
}
