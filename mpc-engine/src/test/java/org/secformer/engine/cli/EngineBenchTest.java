package org.secformer.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secformer.engine.cli.EngineBench.DealerMode;
import org.secformer.engine.cli.EngineBench.Options;
import org.secformer.engine.cli.EngineBench.Report;
import org.secformer.engine.cli.EngineBench.SecureResult;
import org.secformer.engine.cli.EngineBench.Shapes;
import org.secformer.engine.comm.CommStats;

/** {@code engine bench} with tiny shapes through the same code path, so the bench cannot rot. */
class EngineBenchTest {
  @TempDir Path dir;

  @Test
  void tinyBenchRunsEveryCaseWithBothDealersAndTrafficEqualsTheDeclaredCost() throws Exception {
    Path out = dir.resolve("docs/benchmarks-engine.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, "# Title\n\nintro\n\n" + EngineBench.BEGIN + "\nold figures\n" + EngineBench.END
        + "\n\n## Discussion\n\nhand-written\n");
    Report r = EngineBench.run(new Options(new Shapes(4, 8, 16, 1000, 1000), 2, 1,
        List.of(DealerMode.LOCAL, DealerMode.SERVER), out, "engine bench (test)", 60, false));

    // per dealer: open, matmul, 2 weights opened once + 4 masked cases, 2 elementwise, 2 comparisons
    assertEquals(2 * 12, r.secure().size());
    for (DealerMode mode : DealerMode.values()) {
      assertEquals(12, r.secure().stream().filter(s -> s.mode() == mode).count(), mode.label);
    }
    for (SecureResult s : r.secure()) {
      boolean once = s.name().startsWith("open W - B");
      assertEquals(once ? 1 : 2, s.nanos().length, s.name());
      for (int p = 0; p < 2; p++) {
        CommStats.Snapshot used = s.measured()[p];
        assertEquals(s.declared().rounds(), used.rounds(), s.name());
        assertEquals(s.declared().bytesSent(), used.bytesSent(), s.name());
        assertEquals(s.declared().bytesSent(), used.bytesReceived(), s.name());
        assertEquals(s.declared().dealerBytes(p), used.dealerBytes(), s.name() + " dealer bytes to P" + p);
      }
      assertTrue(s.wireBytesP0() > s.declared().bytesSent(), "frames add headers: " + s.name());
      assertTrue(s.medianMs() > 0, s.name());
    }
    SecureResult matmul = r.secure().stream().filter(s -> s.item().equals("matmul")).findFirst().orElseThrow();
    assertEquals(8L * (4 * 8 + 8 * 8), matmul.measured()[0].bytesSent());
    assertEquals(8L * 4 * 8, matmul.measured()[1].dealerBytes());
    assertEquals(Runtime.getRuntime().availableProcessors() > 1 ? 4 : 2, r.plain().size());

    String text = Files.readString(out);
    assertTrue(text.startsWith("# Title\n\nintro\n\n" + EngineBench.BEGIN), "text before the markers is kept");
    assertTrue(text.endsWith(EngineBench.END + "\n\n## Discussion\n\nhand-written\n"), "text after is kept");
    assertFalse(text.contains("old figures"));
    assertTrue(text.contains("| Beaver matmul [4,8]x[8,8] | local |"), text);
    assertTrue(text.contains("| Compare.lessThanZero L=32 n=1000 | server |"), text);
  }

  @Test
  void commandLineRunsAndRejectsBadOptions() throws Exception {
    Path out = dir.resolve("bench.md");
    assertEquals(0, EngineMain.run(new String[] {"bench", "--out", out.toString(), "--iterations", "1",
        "--rows", "2", "--hidden", "4", "--wide", "8", "--mul-n", "10", "--cmp-n", "10", "--dealer", "local",
        "--jvm-warmup", "0"}));
    String text = Files.readString(out);
    assertTrue(text.startsWith("# Engine runtime benchmarks"), text);
    assertTrue(text.contains("engine bench --out " + out), text);
    assertFalse(text.contains("| server |"), "only the local dealer ran");
    assertThrows(Args.UsageException.class, () -> EngineMain.run(new String[] {"bench", "--dealer", "remote"}));
    assertThrows(Args.UsageException.class, () -> EngineMain.run(new String[] {"bench", "--warmup", "0"}));
  }
}
