package org.secformer.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.secformer.engine.bert.Erf;
import org.secformer.engine.bert.ModelRanges;
import org.secformer.shares.ring.RingTensor;

/**
 * Each nonlinear protocol over the input ranges measured on the real all-MiniLM-L6-v2 (with the margin
 * of {@code minilm-l6-ranges.properties}, see docs/input-ranges.md), at the range ends and beyond the
 * observed extremes. Targets: GeLU max abs error <= 1e-2; LayerNorm, softmax and 2Quad outputs within
 * 1e-2 relative error, with an absolute floor of 1e-4 (7 units of the 16-bit output) for near-zero
 * softmax/2Quad probabilities and of 1e-2 times the row's RMS output for LayerNorm entries near zero.
 */
class ModelRangesProtocolsTest {
  private static final int F = 16;
  private static final ModelRanges R = ModelRanges.miniLmL6();

  @Test
  void geluOverTheDeclaredMiniLmRange() {
    List<Double> xs = new ArrayList<>();
    double a = R.geluInputAbsMax();
    for (double x = -a; x <= a; x += 0.05) {
      xs.add(x);
    }
    // observed extremes (-18.5, 24.6), the segment borders and the declared ends
    for (double x : new double[] {-18.5, 24.6, -Gelu.BORDER, Gelu.BORDER, -a, a, 0}) {
      xs.add(x);
    }
    double[] x = xs.stream().mapToDouble(Double::doubleValue).toArray();
    RingTensor[] s = NormTesting.split(NormTesting.encode(x, F, x.length));
    int bits = R.geluCompareBits();
    double[] got = NormTesting.decode(NormTesting.runChecked(Gelu.cost(x.length, Gelu.BETA_MINIMAX.length, bits),
        ctx -> Gelu.gelu(ctx, s[ctx.party()], Gelu.BETA_MINIMAX, bits)), F);
    for (int i = 0; i < x.length; i++) {
      double want = Erf.gelu(Math.round(x[i] * 65536) / 65536.0);
      assertTrue(Math.abs(got[i] - want) <= 1e-2, "GeLU(" + x[i] + ") = " + got[i] + ", want " + want);
    }
  }

  @Test
  void layerNormOverTheDeclaredVarianceAndMagnitudeRange() {
    int h = 384, rows = 6;
    SplittableRandom rnd = new SplittableRandom(3);
    double[] x = new double[rows * h];
    double[] var = {R.layerNormVarianceMin(), R.layerNormVarianceMin() * 4, 1, 129.5, R.layerNormVarianceMax(), 25};
    double[] mean = {0.3, -1, 12, -40, 0, 150};
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < h; j++) {
        double v = mean[r] + Math.sqrt(var[r]) * (rnd.nextBoolean() ? 1 : -1) * (0.5 + rnd.nextDouble());
        x[r * h + j] = Math.max(-R.layerNormInputAbsMax() + 1, Math.min(R.layerNormInputAbsMax() - 1, v));
      }
    }
    x[5 * h] = 223; // the largest LayerNorm input seen in MiniLM
    double[][] gb = LayerNormTest.affine(rnd, h);
    LayerNorm.Params p = LayerNorm.Params.of(R.layerNormVarianceMin(), R.layerNormVarianceMax())
        .withEps(R.layerNormEps()).withXMax(R.layerNormInputAbsMax());
    RingTensor[] xs = NormTesting.split(NormTesting.encode(x, F, rows, h));
    RingTensor[] gs = NormTesting.split(NormTesting.encode(gb[0], F, h));
    RingTensor[] bs = NormTesting.split(NormTesting.encode(gb[1], F, h));
    double[] got = NormTesting.decode(NormTesting.runChecked(LayerNorm.cost(rows, h, F, p),
        ctx -> LayerNorm.apply(ctx, xs[ctx.party()], gs[ctx.party()], bs[ctx.party()], p)), F);
    double[] want = LayerNormTest.reference(x, gb[0], gb[1], rows, h, p.eps());
    for (int r = 0; r < rows; r++) {
      double rms = 0;
      for (int j = 0; j < h; j++) {
        rms += want[r * h + j] * want[r * h + j];
      }
      rms = Math.sqrt(rms / h);
      for (int j = 0; j < h; j++) {
        int i = r * h + j;
        assertTrue(Math.abs(got[i] - want[i]) <= 1e-2 * Math.max(Math.abs(want[i]), rms),
            "row " + r + " (variance " + var[r] + ") col " + j + ": got " + got[i] + ", want " + want[i]);
      }
    }
  }

  @Test
  void softmaxOverTheDeclaredScoreRange() {
    int rows = 4, cols = 64;
    SplittableRandom rnd = new SplittableRandom(5);
    double[] x = new double[rows * cols];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        x[r * cols + c] = switch (r) {
          case 0 -> rnd.nextDouble(R.scoreMin(), R.scoreMax()); // the whole declared spread
          case 1 -> rnd.nextDouble(-81, 54.8); // the observed spread of layer 0
          case 2 -> rnd.nextDouble(-3, 3); // typical rows: many comparable weights
          default -> c == 7 ? R.scoreMax() : R.scoreMin(); // one dominating score at the declared ends
        };
      }
    }
    boolean[] keep = new boolean[cols];
    java.util.Arrays.fill(keep, true);
    keep[cols - 1] = false;
    keep[cols - 2] = false;
    Softmax.Params p = Softmax.Params.of(R.scoreMin(), R.scoreMax());
    RingTensor[] xs = NormTesting.split(NormTesting.encode(x, F, rows, cols));
    double[] got = NormTesting.decode(NormTesting.runChecked(Softmax.cost(rows, cols - 2, F, p),
        ctx -> Softmax.apply(ctx, xs[ctx.party()], keep, p)), F);
    int gotCols = got.length / rows;
    for (int r = 0; r < rows; r++) {
      double max = Double.NEGATIVE_INFINITY, sum = 0;
      for (int c = 0; c < cols; c++) {
        if (keep[c]) {
          max = Math.max(max, q(x[r * cols + c]));
        }
      }
      for (int c = 0; c < cols; c++) {
        if (keep[c]) {
          sum += Math.exp(q(x[r * cols + c]) - max);
        }
      }
      int k = 0;
      for (int c = 0; c < cols; c++) {
        if (!keep[c]) {
          continue;
        }
        double want = Math.exp(q(x[r * cols + c]) - max) / sum;
        int at = r * gotCols + (gotCols == cols ? c : k);
        k++;
        assertTrue(Math.abs(got[at] - want) <= 1e-2 * want + 1e-4, "row " + r + " col " + c + ": got " + got[at] + ", want " + want);
      }
    }
  }

  @Test
  void quadAttentionOverTheDeclaredRowSumRange() {
    int rows = 3, cols = 128;
    SplittableRandom rnd = new SplittableRandom(7);
    double[] x = new double[rows * cols];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        x[r * cols + c] = switch (r) {
          case 0 -> rnd.nextDouble(-5.6, -4.4); // row sum near the declared low end (8)
          case 1 -> rnd.nextDouble(-30, 30);
          default -> rnd.nextDouble(50, 58); // row sum near the declared high end (~4e5)
        };
      }
    }
    boolean[] keep = new boolean[cols];
    java.util.Arrays.fill(keep, true);
    QuadAttention.Params p = QuadAttention.Params.of(R.quad2RowSumMin(), R.quad2RowSumMax());
    RingTensor[] xs = NormTesting.split(NormTesting.encode(x, F, rows, cols));
    double[] got = NormTesting.decode(NormTesting.runChecked(QuadAttention.cost(rows, cols, F, p),
        ctx -> QuadAttention.apply(ctx, xs[ctx.party()], keep, p)), F);
    for (int r = 0; r < rows; r++) {
      double sum = 0;
      for (int c = 0; c < cols; c++) {
        double v = q(x[r * cols + c]) + 5;
        sum += v * v;
      }
      assertTrue(sum >= R.quad2RowSumMin() && sum <= R.quad2RowSumMax(), "test row " + r + " sum " + sum + " out of range");
      for (int c = 0; c < cols; c++) {
        double v = q(x[r * cols + c]) + 5;
        double want = v * v / sum;
        double g = got[r * cols + c];
        assertTrue(Math.abs(g - want) <= 1e-2 * want + 1e-4, "row " + r + " col " + c + ": got " + g + ", want " + want);
      }
    }
  }

  private static double q(double v) {
    return Math.round(v * 65536) / 65536.0;
  }
}
