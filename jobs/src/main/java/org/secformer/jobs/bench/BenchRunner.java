package org.secformer.jobs.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.secformer.engine.bench.BertMeasure;
import org.secformer.engine.bert.BertConfig.AttentionKind;
import org.secformer.engine.bert.BertInput;
import org.secformer.engine.bert.BertModel;
import org.secformer.engine.bert.ModelRanges;
import org.secformer.engine.cli.ScalingBench;
import org.secformer.engine.net.NetworkEmulation;
import org.secformer.jobs.train.MiniLmEmbedder;
import org.secformer.shares.fxp.FixedPoint;

/** Runs one configuration: secure forward pass, fp64 plaintext reference, and ONNX Runtime where it exists. */
final class BenchRunner {
  private static final FixedPoint FXP = FixedPoint.defaults();

  private final PrintStream log;

  BenchRunner(PrintStream log) {
    this.log = log;
  }

  BenchCase run(BenchModel which, AttentionKind attention, int seq, int batch, BenchNetwork network) {
    String name = which.key() + " " + attention + " seq " + seq + " batch " + batch + " " + network.label();
    log.printf(Locale.ROOT, "bench: %s ...%n", name);
    long t0 = System.nanoTime();
    try {
      BertModel model = which.load(attention);
      BertInput input = which.input(batch, seq);
      BertMeasure.Result r = BertMeasure.run(model, input, ModelRanges.miniLmL6(), FXP, network.transport());
      double ort = which == BenchModel.MINILM ? ortSeconds(input) : Double.NaN;
      BenchCase c = new BenchCase(which, attention, seq, batch, network, r, ort, null);
      log.printf(Locale.ROOT, "bench: %s: %.2f s per sequence (%.0fx plaintext), %d rounds, %.1f MB online per party"
              + " per sequence, %d/%d labels as plaintext, max diff %.3g (%.0f s)%n",
          name, c.secondsPerSequence(), c.ratio(), c.rounds(), c.onlineBytesPerSequence() / 1e6, r.sameLabels(), batch,
          r.maxAbsDiff(), (System.nanoTime() - t0) / 1e9);
      return c;
    } catch (OutOfMemoryError e) {
      return failed(which, attention, seq, batch, network, "out of heap (-Xmx " + Runtime.getRuntime().maxMemory() / (1L << 30)
          + " GB): " + e.getMessage());
    } catch (RuntimeException e) {
      return failed(which, attention, seq, batch, network, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  /**
   * Throughput of the served engines (dealer, P0, P1 on loopback mTLS) with one and then two worker pairs per
   * party, on the real MiniLM classifier and held-out emails ({@link ScalingBench#measure}).
   */
  Optional<Scaling> scaling(Path workDir) {
    int sequences = 8, seq = 32, batch = 2;
    log.printf(Locale.ROOT, "bench: workers: MiniLM, %d held-out emails of %d tokens, batches of %d, 1 then 2 worker"
        + " pairs ...%n", sequences, seq, batch);
    try {
      BertInput in = BenchModel.MINILM.input(sequences, seq);
      ScalingBench.Result r = ScalingBench.measure(BenchModel.MINILM.label(), BenchModel.MINILM.load(AttentionKind.SOFTMAX),
          ModelRanges.miniLmL6(), List.of(in.inputIds()), batch, List.of(1, 2), NetworkEmulation.NONE, workDir);
      Scaling s = new Scaling(String.format(Locale.ROOT, "MiniLM classifier served over loopback mTLS, %d sequences of %d"
              + " tokens, batches of %d", sequences, seq, batch),
          r.runs().get(0).sequencesPerSecond(), r.runs().get(1).sequencesPerSecond());
      log.printf(Locale.ROOT, "bench: workers: %.3f -> %.3f sequences/s (%.2fx)%n", s.sequencesPerSecondOne(),
          s.sequencesPerSecondTwo(), s.speedup());
      return Optional.of(s);
    } catch (RuntimeException | OutOfMemoryError e) {
      log.println("bench: workers: did not run: " + e);
      return Optional.empty();
    }
  }

  private BenchCase failed(BenchModel which, AttentionKind attention, int seq, int batch, BenchNetwork network,
      String why) {
    log.printf(Locale.ROOT, "bench: %s %s seq %d batch %d %s did not run: %s%n", which.key(), attention, seq, batch,
        network.label(), why);
    return BenchCase.notRun(which, attention, seq, batch, network, why);
  }

  /**
   * ONNX Runtime fp32 time of the encoder on the same ids, with as many threads as the machine has. ORT 1.29
   * overflows a default 1 MB Java thread stack while loading MiniLM (a SIGSEGV with no JVM error report), so
   * it runs on a thread of its own with a large stack.
   */
  private static double ortSeconds(BertInput input) {
    double[] seconds = {Double.NaN};
    RuntimeException[] failure = {null};
    Thread t = new Thread(null, () -> {
      try {
        seconds[0] = ortSecondsOnThisThread(input);
      } catch (RuntimeException e) {
        failure[0] = e;
      }
    }, "bench-ort", 64L << 20);
    t.start();
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while timing ONNX Runtime", e);
    }
    if (failure[0] != null) {
      throw failure[0];
    }
    return seconds[0];
  }

  private static double ortSecondsOnThisThread(BertInput input) {
    List<long[]> ids = new ArrayList<>();
    for (int[] row : input.inputIds()) {
      long[] l = new long[row.length];
      for (int i = 0; i < row.length; i++) {
        l[i] = row[i];
      }
      ids.add(l);
    }
    try (MiniLmEmbedder ort = new MiniLmEmbedder(Runtime.getRuntime().availableProcessors())) {
      ort.embedIds(ids);
      long t0 = System.nanoTime();
      ort.embedIds(ids);
      return (System.nanoTime() - t0) / 1e9;
    }
  }
}
