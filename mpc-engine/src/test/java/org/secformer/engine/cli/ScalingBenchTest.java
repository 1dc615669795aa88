package org.secformer.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secformer.engine.bert.BertModel;
import org.secformer.engine.bert.ModelRanges;
import org.secformer.engine.net.NetworkEmulation;

/**
 * The worker-scaling measurement on a tiny model: real clusters of 1 and 2 workers per party serve the
 * same sequences and give the same logits (up to the protocols' error, fresh randomness each run), the
 * plaintext model's. Not a timing check: this machine's cores decide the speedup.
 */
class ScalingBenchTest {
  @TempDir Path dir;

  @Test
  void oneAndTwoWorkersGiveTheSameLogitsAndTheCommandWritesItsTable() throws Exception {
    BertModel model = org.secformer.engine.bench.RandomBert.of(ScalingBench.TINY, 5);
    List<int[]> sequences = ScalingBench.randomSequences(3, 6, ScalingBench.TINY.vocab(), 5);
    ScalingBench.Result r = ScalingBench.measure("tiny", model, ModelRanges.miniLmL6(), sequences, 1, List.of(1, 2),
        NetworkEmulation.NONE, dir.resolve("measure"));
    System.out.print(ScalingBench.markdown(r));
    assertEquals(2, r.runs().size());
    for (ScalingBench.Run run : r.runs()) {
      assertEquals(3, run.batches(), "one batch per sequence at batch size 1");
      assertEquals(3, run.outputs().length);
      assertTrue(run.maxDiffVsPlain() < 1e-2, "secure vs plaintext logits: " + run.maxDiffVsPlain());
      assertTrue(run.bytesSent()[0] > 0 && run.bytesSent()[0] == run.bytesSent()[1], "both parties send alike");
    }
    assertTrue(r.maxDiffBetweenRuns() < 1e-2, "1 vs 2 workers: " + r.maxDiffBetweenRuns());
    assertEquals(r.runs().get(0).roundsPerBatch(), r.runs().get(1).roundsPerBatch(),
        "rounds per batch do not depend on the workers");
    assertEquals(2 * r.runs().get(0).maskBytes()[0], r.runs().get(1).maskBytes()[0],
        "each worker pair opens the weight masks once");

    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    Path out = dir.resolve("scaling.md");
    int rc = ScalingBench.run(new String[] {"bench-scaling", "--shape", "tiny", "--sequences", "1", "--seq", "5",
        "--workers", "1", "--dir", dir.resolve("cmd").toString(), "--out", out.toString()},
        new PrintStream(buf, true, StandardCharsets.UTF_8));
    assertEquals(0, rc);
    String md = Files.readString(out);
    assertTrue(md.contains("| workers per party |") && md.contains("cores"), md);
    assertTrue(buf.toString(StandardCharsets.UTF_8).contains("wrote "), buf.toString(StandardCharsets.UTF_8));
    Args.UsageException e = assertThrows(Args.UsageException.class,
        () -> ScalingBench.run(new String[] {"bench-scaling", "--workers", "one"}, System.out));
    assertTrue(e.getMessage().contains("--workers"), e.getMessage());
  }
}
