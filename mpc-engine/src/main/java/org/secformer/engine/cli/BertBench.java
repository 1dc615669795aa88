package org.secformer.engine.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.secformer.engine.bench.BertMeasure;
import org.secformer.engine.bench.RandomBert;
import org.secformer.engine.bert.BertConfig;
import org.secformer.engine.bert.BertConfig.AttentionKind;
import org.secformer.engine.bert.BertInput;
import org.secformer.engine.bert.BertModel;
import org.secformer.engine.bert.ModelRanges;
import org.secformer.engine.bert.OnnxBertReader;
import org.secformer.engine.job.InProcessParties;
import org.secformer.shares.fxp.FixedPoint;

/**
 * {@code engine bench-bert}: the secure forward pass of a whole model, P0 and P1 in this JVM over in-memory
 * links with the in-process dealer (the protocol code of the engines, without TLS), against the fp64
 * plaintext forward on the same machine. {@code --link tls|lan|wan} puts a real mutual-TLS loopback link
 * between the parties instead, bare or under an emulated network ({@link
 * org.secformer.engine.net.NetworkEmulation}). Per batch size it runs two batches in one job: the first also
 * opens every weight mask (once per job), the second is the steady state. Reports wall time, rounds,
 * bytes sent by each party, dealer bytes to each party, and the largest output difference.
 *
 * <p>Models: {@code --shape bert-base} (12 x 768, 12 heads, 3072; random weights of the real shapes, BERT's
 * initialisation scale, a random 2-label head on [CLS]), {@code --shape minilm} (MiniLM-L6's shapes, random
 * weights, an embedding model) or {@code --onnx FILE} (a real BERT ONNX, e.g. the
 * MiniLM, as an embedding model). Ranges: the bundled MiniLM ones (they cover the random model's values).
 */
final class BertBench {
  private static final FixedPoint FXP = FixedPoint.defaults();

  /** Figures of one batch size. */
  record Case(String model, AttentionKind attention, int batch, int seqLen, Party[] first, Party[] steady,
      double plainSeconds, double maxDiff, InProcessParties.Transport transport) {}

  /** One party's figures for one batch. */
  record Party(long rounds, long bytesSent, long dealerBytes, double seconds) {}

  private BertBench() {}

  static int run(String[] args, PrintStream out) {
    Args a = new Args("bench-bert", args, 1, List.of("shape", "onnx", "seq", "batches", "attention", "out", "seed", "link"));
    InProcessParties.Transport transport;
    try {
      transport = InProcessParties.Transport.parse(a.get("link", "memory"));
    } catch (IllegalArgumentException e) {
      throw new Args.UsageException("--link: " + e.getMessage());
    }
    String onnx = a.get("onnx", null);
    AttentionKind attention = switch (a.get("attention", "softmax")) {
      case "softmax" -> AttentionKind.SOFTMAX;
      case "quad2" -> AttentionKind.QUAD2;
      default -> throw new Args.UsageException("--attention must be softmax or quad2");
    };
    int seq = a.intValue("seq", 128);
    List<Integer> batches = new ArrayList<>();
    for (String b : a.get("batches", "1,8").split(",")) {
      try {
        batches.add(Integer.parseInt(b.trim()));
      } catch (NumberFormatException e) {
        throw new Args.UsageException("--batches must be a comma-separated list of integers, got '" + b + "'");
      }
    }
    BertModel model;
    String name;
    if (onnx != null) {
      model = OnnxBertReader.read(Path.of(onnx));
      name = Path.of(onnx).getFileName().toString();
    } else if (a.get("shape", "bert-base").equals("bert-base")) {
      model = RandomBert.of(BertConfig.bertBase().withNumLabels(2), a.intValue("seed", 1));
      name = "BERT-base shape (random weights)";
    } else if (a.get("shape", "bert-base").equals("minilm")) {
      model = RandomBert.of(BertConfig.miniLmL6(), a.intValue("seed", 1));
      name = "MiniLM-L6 shape (random weights)";
    } else {
      throw new Args.UsageException("--shape must be bert-base or minilm (or give --onnx FILE)");
    }
    model = model.withConfig(model.config().withAttention(attention));
    List<Case> cases = new ArrayList<>();
    for (int b : batches) {
      Case c = runCase(name, model, b, seq, a.intValue("seed", 1), transport);
      cases.add(c);
      out.print(markdown(List.of(c)));
      out.flush();
    }
    String md = header(transport) + markdown(cases);
    ReportFile.writeIfAsked(a.get("out", null), md, out);
    return 0;
  }

  static Case runCase(String name, BertModel model, int batch, int seq, long seed) {
    return runCase(name, model, batch, seq, seed, InProcessParties.Transport.IN_MEMORY);
  }

  /** One batch size with P0 and P1 linked as {@code transport} says (the dealer stays in-process). */
  static Case runCase(String name, BertModel model, int batch, int seq, long seed,
      InProcessParties.Transport transport) {
    BertConfig cfg = model.config();
    int[][] ids = RandomBert.ids(batch, seq, cfg.vocab(), seed + batch);
    BertMeasure.Result r = BertMeasure.run(model, new BertInput(ids, null, null), ModelRanges.miniLmL6(), FXP,
        transport);
    return new Case(name, cfg.attention(), batch, seq, party(r.first()), party(r.steady()), r.plainSeconds(),
        r.maxAbsDiff(), transport);
  }

  private static Party[] party(BertMeasure.PartyFigures[] f) {
    return new Party[] {
        new Party(f[0].rounds(), f[0].bytesSent(), f[0].dealerBytes(), f[0].seconds()),
        new Party(f[1].rounds(), f[1].bytesSent(), f[1].dealerBytes(), f[1].seconds())};
  }

  static String header() {
    return header(InProcessParties.Transport.IN_MEMORY);
  }

  static String header(InProcessParties.Transport transport) {
    String link = transport.tls()
        ? "a real mutual-TLS loopback link" + (transport.emulation().enabled()
            ? " under an emulated network (" + transport.emulation() + ")" : " (no emulated delay)")
        : "in-memory links (no TLS, no network delay)";
    return String.format(Locale.ROOT, "Machine: %d cores, Java %s. P0 and P1 in one JVM over %s, "
        + "in-process dealer. Times are wall seconds per batch; bytes are per party "
        + "(P0 / P1); the first batch of a job also opens every weight mask W - B once.%n%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), link);
  }

  static String markdown(List<Case> cases) {
    StringBuilder b = new StringBuilder();
    b.append("| model | attention | seq | batch | batch | time (s) | per sequence (s) | plaintext (s) | ratio | rounds |"
        + " online sent per sequence (MB) | dealer per sequence (MB) | max abs diff |\n");
    b.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Case c : cases) {
      row(b, c, "first (opens masks)", c.first());
      row(b, c, "steady", c.steady());
    }
    return b.toString();
  }

  private static void row(StringBuilder b, Case c, String which, Party[] p) {
    double t = Math.max(p[0].seconds(), p[1].seconds());
    b.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %s | %.1f | %.2f | %.2f | %.0fx | %d | %.1f / %.1f | %.1f / %.1f | %.2g |%n",
        c.transport().tls() ? c.model() + " [" + c.transport() + "]" : c.model(), c.attention(), c.seqLen(), c.batch(), which, t, t / c.batch(), c.plainSeconds(),
        t / c.plainSeconds(), p[0].rounds(), p[0].bytesSent() / 1e6 / c.batch(), p[1].bytesSent() / 1e6 / c.batch(),
        p[0].dealerBytes() / 1e6 / c.batch(), p[1].dealerBytes() / 1e6 / c.batch(), c.maxDiff()));
  }
}
