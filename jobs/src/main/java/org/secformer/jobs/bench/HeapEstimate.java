package org.secformer.jobs.bench;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.secformer.engine.bert.BertConfig.AttentionKind;

/**
 * Whether a configuration fits this JVM's heap, judged from a smaller batch of the same model, attention and
 * length measured earlier in the run: both parties and the dealer live in this JVM, and the largest single
 * piece is the dealer material of one layer for the whole batch (GeLU's comparison keys), held twice while it
 * is produced and consumed. Running out of heap takes minutes to happen and leaves the JVM unreliable, so a
 * configuration that cannot fit is skipped with the figure that says so.
 */
final class HeapEstimate {
  /** Share of the maximum heap the estimate may take; the rest holds weights, activations and the JIT's garbage. */
  private static final double USABLE = 0.7;

  private HeapEstimate() {}

  static Optional<String> tooBig(List<BenchCase> done, BenchModel model, AttentionKind attention, int seq, int batch) {
    long heap = Runtime.getRuntime().maxMemory();
    return done.stream()
        .filter(c -> c.ran() && c.model() == model && c.attention() == attention && c.seq() == seq && c.batch() < batch)
        .findFirst()
        .map(c -> 2 * c.dealerBytesPerSequence() / c.result().config().layers() * batch)
        .filter(need -> need > USABLE * heap)
        .map(need -> String.format(Locale.ROOT, "skipped: needs about %.0f GB of heap (two copies of one layer's dealer"
            + " material for the batch, from the batch-1 run), this run had %.0f GB", need / (1L << 30),
            heap / (double) (1L << 30)));
  }
}
