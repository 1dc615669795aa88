package org.secformer.jobs.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.secformer.engine.comm.CommStats.PhaseFigures;
import org.secformer.engine.comm.Phase;

/** PNG plots of the measured cases, drawn by JFreeChart; returns the files' names relative to the report. */
final class BenchPlots {
  private static final int WIDTH = 900, HEIGHT = 520;

  private BenchPlots() {}

  static List<String> write(List<BenchCase> cases, Path dir, String prefix) throws IOException {
    System.setProperty("java.awt.headless", "true");
    java.nio.file.Files.createDirectories(dir);
    List<String> files = new ArrayList<>();
    List<BenchCase> ran = cases.stream().filter(BenchCase::ran).toList();
    if (ran.isEmpty()) {
      return files;
    }
    save(timePerSequence(ran), dir, prefix + "time-per-sequence.png", files);
    if (ran.stream().anyMatch(c -> !c.inMemory())) {
      save(byNetwork(ran), dir, prefix + "time-by-link.png", files);
    }
    List<BenchCase> breakdown = BenchReport.breakdownCases(ran);
    save(byPhase(breakdown, "Online bytes sent per party per sequence, by protocol", "MB",
        f -> f.bytesSent() / 1e6), dir, prefix + "online-bytes-by-protocol.png", files);
    save(byPhase(breakdown, "Dealer material to P1 per sequence, by protocol", "MB",
        f -> f.dealerBytes() / 1e6), dir, prefix + "dealer-bytes-by-protocol.png", files);
    save(byPhase(breakdown, "Rounds per forward pass, by protocol", "rounds", f -> f.rounds()), dir,
        prefix + "rounds-by-protocol.png", files);
    save(byPhase(breakdown, "Seconds per sequence, by protocol", "s", PhaseFigures::seconds), dir,
        prefix + "time-by-protocol.png", files);
    return files;
  }

  private static void save(JFreeChart chart, Path dir, String name, List<String> files) throws IOException {
    ChartUtils.saveChartAsPNG(dir.resolve(name).toFile(), chart, WIDTH, HEIGHT);
    files.add(dir.getFileName() + "/" + name);
  }

  /**
   * Seconds per sequence against the sequence length over in-memory links, one line (with a marker per
   * measured point, so a single length still shows) per model, attention and batch.
   */
  private static JFreeChart timePerSequence(List<BenchCase> cases) {
    Map<String, XYSeries> lines = new LinkedHashMap<>();
    for (BenchCase c : cases) {
      if (c.inMemory()) {
        String key = c.model().key() + " " + c.attention().name().toLowerCase(java.util.Locale.ROOT) + " batch " + c.batch();
        lines.computeIfAbsent(key, XYSeries::new).add(c.seq(), c.secondsPerSequence());
      }
    }
    XYSeriesCollection data = new XYSeriesCollection();
    lines.values().forEach(data::addSeries);
    JFreeChart chart = ChartFactory.createXYLineChart("Secure forward pass, in-memory links: seconds per sequence",
        "sequence length (tokens)", "seconds per sequence (steady state)", data, PlotOrientation.VERTICAL, true, false,
        false);
    XYPlot plot = chart.getXYPlot();
    plot.setRenderer(new XYLineAndShapeRenderer(true, true));
    return chart;
  }

  /** Seconds per sequence of each model and attention over each link (smallest batch, largest length). */
  private static JFreeChart byNetwork(List<BenchCase> cases) {
    int seq = cases.stream().filter(c -> !c.inMemory())
        .mapToInt(BenchCase::seq).max().orElseThrow();
    int batch = cases.stream().mapToInt(BenchCase::batch).min().orElseThrow();
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (BenchCase c : cases) {
      if (c.seq() == seq && c.batch() == batch) {
        data.addValue(c.secondsPerSequence(), c.network().label(),
            c.model().key() + " " + c.attention().name().toLowerCase(java.util.Locale.ROOT));
      }
    }
    return ChartFactory.createBarChart("Seconds per sequence by link (seq " + seq + ", batch " + batch + ")", "", "s",
        data, PlotOrientation.VERTICAL, true, false, false);
  }

  /** A stacked bar per case, one block per protocol (steady batch, per sequence; P1 for dealer bytes). */
  private static JFreeChart byPhase(List<BenchCase> cases, String title, String unit, ToDoubleFunction<PhaseFigures> metric) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    boolean dealer = title.startsWith("Dealer");
    boolean perSequence = !unit.equals("rounds");
    for (BenchCase c : cases) {
      Map<Phase, PhaseFigures> phases = c.result().steady()[dealer ? 1 : 0].phases();
      String column = c.model().key() + " " + c.attention().name().toLowerCase(java.util.Locale.ROOT) + " seq " + c.seq();
      for (Phase p : Phase.values()) {
        PhaseFigures f = phases.get(p);
        if (f != null) {
          data.addValue(metric.applyAsDouble(f) / (perSequence ? c.batch() : 1), p.label(), column);
        }
      }
    }
    return ChartFactory.createStackedBarChart(title, "", unit, data, PlotOrientation.VERTICAL, true, false, false);
  }
}
