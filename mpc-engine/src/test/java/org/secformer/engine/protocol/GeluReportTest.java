package org.secformer.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.secformer.shares.ring.RingTensor;

/**
 * The GeLU table of docs/protocols-gelu.md: per protocol, the error against fp64 GeLU on the grid
 * [-8, 8] step 0.01 and at the edge values, and the traffic measured in a two-party simulation (equal to
 * the declared cost, which {@link ProtocolRuns#run} checks). Prints the table and writes it to
 * target/protocols-gelu-table.md.
 */
class GeluReportTest {
  private record Row(String name, Cost cost, Function<MpcContext, Function<RingTensor, RingTensor>> body) {}

  @Test
  void printTheTable() throws IOException {
    double[] grid = ProtocolRuns.grid();
    double[] edges = {0, Gelu.BORDER, -Gelu.BORDER, Gelu.BORDER - 0.001, Gelu.BORDER + 0.001,
        -Gelu.BORDER - 0.001, -Gelu.BORDER + 0.001, 1.95, -1.95, 3, -3, 4, -4};
    double[] large = {50, -50, 1000, -1000};
    double[] xs = ProtocolRuns.concat(grid, edges, large);
    int n = xs.length;
    Row[] rows = {
      new Row("SecFormer GeLU, minimax beta (default)", Gelu.cost(n), ctx -> x -> Gelu.gelu(ctx, x)),
      new Row("SecFormer GeLU, authors' beta", Gelu.cost(n, 7, Gelu.DEFAULT_COMPARE_BITS),
          ctx -> x -> Gelu.gelu(ctx, x, Gelu.BETA_SECFORMER, Gelu.DEFAULT_COMPARE_BITS)),
      new Row("PUMA GeLU (piecewise polynomials)", PumaGelu.cost(n), ctx -> x -> PumaGelu.gelu(ctx, x)),
      new Row("CrypTen GeLU (tanh form, sigmoid via exp + NR reciprocal)", CryptenGelu.cost(n),
          ctx -> x -> CryptenGelu.gelu(ctx, x)),
    };
    StringBuilder out = new StringBuilder();
    out.append("| protocol | max abs err, grid [-8, 8] | mean abs err, grid | max abs err, edges | "
        + "x = 50, -50, 1000, -1000 | rounds | online B/elem/party | dealer B/elem P0 | dealer B/elem P1 |\n");
    out.append("|---|---|---|---|---|---|---|---|---|\n");
    for (Row row : rows) {
      ProtocolRuns.Measured m = ProtocolRuns.run(xs, row.cost(), row.body());
      double[] v = m.values();
      double maxGrid = 0, sumGrid = 0, maxEdge = 0;
      for (int i = 0; i < grid.length; i++) {
        double err = Math.abs(v[i] - GeluReference.gelu(xs[i]));
        maxGrid = Math.max(maxGrid, err);
        sumGrid += err;
      }
      for (int i = grid.length; i < grid.length + edges.length; i++) {
        maxEdge = Math.max(maxEdge, Math.abs(v[i] - GeluReference.gelu(xs[i])));
      }
      StringBuilder big = new StringBuilder();
      for (int i = n - large.length; i < n; i++) {
        double err = Math.abs(v[i] - GeluReference.gelu(xs[i]));
        big.append(i > n - large.length ? ", " : "").append(err == 0 ? "exact" : String.format("err %.2g", err));
      }
      assertEquals(m.p0().rounds(), m.p1().rounds());
      assertEquals(m.p0().bytesSent(), m.p1().bytesSent());
      out.append(String.format("| %s | %.2e | %.2e | %.2e | %s | %d | %s | %s | %s |%n", row.name(), maxGrid,
          sumGrid / grid.length, maxEdge, big, m.p0().rounds(), perElement(m.p0().bytesSent(), n),
          perElement(m.p0().dealerBytes(), n), perElement(m.p1().dealerBytes(), n)));
    }
    out.append(String.format("%nn = %d elements in one call (%d grid points, %d edge values, %d large); "
        + "comparisons %d bits wide; traffic measured in the two-party simulation.%n",
        n, grid.length, edges.length, large.length, Gelu.DEFAULT_COMPARE_BITS));
    System.out.print(out);
    Path target = Path.of("target", "protocols-gelu-table.md");
    Files.createDirectories(target.getParent());
    Files.writeString(target, out.toString());
    assertEquals(0, Arrays.stream(xs).filter(Double::isNaN).count());
  }

  private static String perElement(long bytes, int n) {
    return bytes % n == 0 ? Long.toString(bytes / n) : String.format("%.2f", (double) bytes / n);
  }
}
