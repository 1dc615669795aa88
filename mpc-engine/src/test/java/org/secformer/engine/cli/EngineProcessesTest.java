package org.secformer.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secformer.engine.client.ClientJob;
import org.secformer.engine.client.EngineClient;
import org.secformer.engine.model.ModelSharer;
import org.secformer.engine.server.EngineConfigLoader;
import org.secformer.engine.tls.Role;
import org.secformer.engine.tls.TlsConfig;
import org.secformer.shares.control.JobReport;
import org.secformer.shares.control.JobStart;
import org.secformer.shares.fxp.FixedPoint;
import org.secformer.shares.ring.RingMatmul;
import org.secformer.shares.ring.RingTensor;

/** The dealer, P0 and P1 as three separate JVMs started through the CLI, and a client in this JVM. */
class EngineProcessesTest {
  @TempDir Path dir;

  @Test
  void secureMatmulOfClientInputByPartyHeldWeightsAcrossThreeEngineProcesses() throws Exception {
    assertEquals(0, EngineMain.run(new String[] {"certs", "--out", dir.resolve("certs").toString()}));
    FixedPoint fxp = FixedPoint.defaults();
    SplittableRandom rnd = new SplittableRandom(21);
    int k = 96, n = 40, rows = 5;
    double[] w = new double[k * n];
    for (int i = 0; i < w.length; i++) {
      w[i] = rnd.nextGaussian() * 0.1;
    }
    RingTensor weight = fxp.encode(w, k, n);
    ModelSharer.share("m", 16, Map.of("W", weight), dir.resolve("models"));
    Path conf = LoopbackConf.write(dir.resolve("engine.properties"), 1, dir.resolve("certs"), dir.resolve("models"), 30_000);
    try (EngineProcesses procs = EngineProcesses.start(conf, dir.resolve("logs"), 60_000);
        EngineClient client = EngineClient.connect(EngineConfigLoader.load(conf),
            TlsConfig.forRole(dir.resolve("certs"), Role.CLIENT))) {
      ClientJob job = client.startJob(new JobStart("cli-job", "m", 16, "linear", Map.of()));
      for (int b = 0; b < 3; b++) {
        double[] x = new double[rows * k];
        for (int i = 0; i < x.length; i++) {
          x[i] = rnd.nextGaussian() * 2;
        }
        RingTensor input = fxp.encode(x, rows, k);
        RingTensor y = job.run(new long[] {1, 2, 3, 4, 5}, input);
        RingTensor expected = RingMatmul.matmul(input, weight);
        for (int i = 0; i < y.size(); i++) {
          long diff = y.get(i) - (expected.get(i) >> 16);
          assertTrue(diff == 0 || diff == 1, "batch " + b + " element " + i + " off by " + diff);
        }
      }
      List<JobReport> reports = job.end();
      assertEquals(2, reports.size());
      assertTrue(reports.get(1).dealerBytes() > 0, "P1 took its corrections from the dealer process");
      assertTrue(procs.process(Role.DEALER).isAlive(), "the dealer serves many jobs: it keeps running");
    }
    String p0Log = Files.readString(dir.resolve("logs").resolve("p0.log"));
    assertTrue(p0Log.contains("job cli-job/w0 ended at p0"), p0Log);
  }

  @Test
  void badCommandLinesAreExplained() {
    Args.UsageException e = org.junit.jupiter.api.Assertions.assertThrows(Args.UsageException.class,
        () -> EngineMain.run(new String[] {"serve", "--role", "p7", "--conf", "x"}));
    assertTrue(e.getMessage().contains("--role must be p0, p1 or dealer"), e.getMessage());
    e = org.junit.jupiter.api.Assertions.assertThrows(Args.UsageException.class,
        () -> EngineMain.run(new String[] {"certs", "--outdir", "x"}));
    assertTrue(e.getMessage().contains("unknown option '--outdir'"), e.getMessage());
    IllegalArgumentException missing = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> EngineMain.run(new String[] {"serve", "--role", "p0", "--conf", dir.resolve("absent.properties").toString()}));
    assertTrue(missing.getMessage().contains("cannot read engine configuration"), missing.getMessage());
  }
}
