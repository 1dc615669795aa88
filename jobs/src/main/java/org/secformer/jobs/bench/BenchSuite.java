package org.secformer.jobs.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.secformer.engine.bert.BertConfig.AttentionKind;
import org.secformer.engine.cli.Args;

/**
 * {@code jobs/bin/bench}: the benchmark suite. Runs every asked configuration (model x sequence length x batch
 * x attention, in-memory links, plus the other links at the smallest batch and largest sequence length), then
 * writes the report
 * (markdown) and its plots (PNG). The report is rewritten after every configuration, so a long run that is
 * stopped still leaves the figures it got. {@code --smoke} is CI's tiny configuration: MiniLM, seq 16,
 * batch 2, checked against plaintext.
 *
 * <p>Exit codes: 0 done; 1 a secure output differs from the plaintext one beyond tolerance (or, with
 * --smoke, a configuration did not run); 2 bad arguments.
 */
public final class BenchSuite {
  /** Largest accepted difference between secure and plaintext outputs (logits or unit sentence vectors). */
  static final double TOLERANCE = 0.05;

  private static final List<String> OPTIONS = List.of("models", "seqs", "batches", "attention", "networks", "out", "smoke",
      "scaling");

  private BenchSuite() {}

  public static void main(String[] args) {
    int code;
    try {
      code = run(args, System.out);
    } catch (Args.UsageException | IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      System.err.println("usage: jobs/bin/bench [--models minilm,bert-base] [--seqs 32,64,128] [--batches 1,8,32]"
          + " [--attention softmax,quad2] [--networks in-memory,tls,lan,wan] [--scaling true] [--out docs/benchmarks.md]"
          + " | --smoke true");
      code = 2;
    } catch (IOException e) {
      System.err.println("bench: cannot write the report: " + e.getMessage());
      code = 1;
    }
    System.exit(code);
  }

  static int run(String[] args, PrintStream log) throws IOException {
    Args a = new Args("bench", args, 0, OPTIONS);
    boolean smoke = Boolean.parseBoolean(a.get("smoke", "false"));
    List<BenchModel> models = list(a.get("models", smoke ? "minilm" : "minilm,bert-base"), BenchModel::parse);
    List<Integer> seqs = list(a.get("seqs", smoke ? "16" : "32,64,128"), BenchSuite::positive);
    List<Integer> batches = list(a.get("batches", smoke ? "2" : "1,8,32"), BenchSuite::positive);
    List<AttentionKind> attentions = list(a.get("attention", smoke ? "softmax" : "softmax,quad2"), BenchSuite::attention);
    List<BenchNetwork> networks = list(a.get("networks", smoke ? "in-memory" : "in-memory,lan,wan"), BenchNetwork::parse);
    boolean scaling = Boolean.parseBoolean(a.get("scaling", smoke ? "false" : "true"));
    Path out = Path.of(a.get("out", smoke ? "target/bench-smoke/benchmarks.md" : "docs/benchmarks.md"));
    String command = "jobs/bin/bench " + String.join(" ", args);
    String date = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
    Machine machine = Machine.current();
    log.println("bench: " + machine.describe());

    BenchRunner runner = new BenchRunner(log);
    List<BenchCase> cases = new ArrayList<>();
    Optional<Scaling> workers = scaling ? runner.scaling(Path.of("target/bench-scaling")) : Optional.empty();
    int smallestBatch = batches.stream().min(Integer::compare).orElseThrow();
    int largestSeq = seqs.stream().max(Integer::compare).orElseThrow();
    for (int seq : sorted(seqs)) {
      for (int batch : sorted(batches)) {
        for (BenchModel m : models) {
          for (AttentionKind att : attentions) {
            for (BenchNetwork n : networks) {
              if (n != BenchNetwork.IN_MEMORY && (batch != smallestBatch || seq != largestSeq)) {
                continue;
              }
              Optional<String> tooBig = HeapEstimate.tooBig(cases, m, att, seq, batch);
              cases.add(tooBig.isPresent()
                  ? BenchCase.notRun(m, att, seq, batch, n, tooBig.get())
                  : runner.run(m, att, seq, batch, n));
              System.gc();
              write(out, cases, machine, command, date, workers);
            }
          }
        }
      }
    }
    write(out, cases, machine, command, date, workers);
    log.println("bench: wrote " + out.toAbsolutePath());
    int code = 0;
    for (BenchCase c : cases) {
      if (c.ran() && c.result().maxAbsDiff() > TOLERANCE) {
        log.printf(Locale.ROOT, "bench: %s: secure output differs from plaintext by %.3g (tolerance %.2g)%n", c.name(),
            c.result().maxAbsDiff(), TOLERANCE);
        code = 1;
      }
      if (smoke && !c.ran()) {
        log.println("bench: " + c.name() + " did not run: " + c.failure());
        code = 1;
      }
      if (smoke && c.ran() && c.result().sameLabels() != c.batch()) {
        log.println("bench: " + c.name() + ": secure labels differ from plaintext");
        code = 1;
      }
    }
    return code;
  }

  private static void write(Path md, List<BenchCase> cases, Machine machine, String command, String date,
      Optional<Scaling> scaling) throws IOException {
    Path dir = md.toAbsolutePath().getParent();
    String stem = md.getFileName().toString().replaceFirst("\\.md$", "");
    List<String> plots = BenchPlots.write(cases, dir.resolve(stem), "");
    Files.createDirectories(dir);
    Files.writeString(md, BenchReport.markdown(cases, machine, command, scaling, plots, date),
        StandardCharsets.UTF_8);
  }

  private static <T> List<T> list(String csv, Function<String, T> parse) {
    return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(parse).toList();
  }

  private static List<Integer> sorted(List<Integer> xs) {
    return xs.stream().sorted().distinct().toList();
  }

  private static int positive(String s) {
    try {
      int v = Integer.parseInt(s);
      if (v > 0) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("expected a positive integer, got '" + s + "'");
  }

  private static AttentionKind attention(String s) {
    return switch (s) {
      case "softmax" -> AttentionKind.SOFTMAX;
      case "quad2" -> AttentionKind.QUAD2;
      default -> throw new IllegalArgumentException("attention must be softmax or quad2, got '" + s + "'");
    };
  }
}
