package org.secformer.jobs.bench;

import org.secformer.engine.bench.BertMeasure;
import org.secformer.engine.bert.BertConfig.AttentionKind;

/**
 * One measured configuration and what came of it: the secure-vs-plaintext figures, the ONNX Runtime fp32
 * time of the same encoder where the model has an ONNX graph (NaN otherwise), or why it could not run.
 */
public record BenchCase(BenchModel model, AttentionKind attention, int seq, int batch, BenchNetwork network,
    BertMeasure.Result result, double ortSeconds, String failure) {

  static BenchCase notRun(BenchModel model, AttentionKind attention, int seq, int batch, BenchNetwork network,
      String why) {
    return new BenchCase(model, attention, seq, batch, network, null, Double.NaN, why);
  }

  public boolean inMemory() {
    return network == BenchNetwork.IN_MEMORY;
  }

  public boolean ran() {
    return result != null;
  }

  public String name() {
    return model.key() + " " + attention.name().toLowerCase(java.util.Locale.ROOT) + " seq " + seq + " batch " + batch
        + (inMemory() ? "" : " " + network.label());
  }

  /** Steady-state secure seconds per sequence (the slower party). */
  public double secondsPerSequence() {
    return result.steadySeconds() / batch;
  }

  /** Secure / plaintext (fp64 Java reference) time of the steady batch. */
  public double ratio() {
    return result.steadySeconds() / result.plainSeconds();
  }

  /** Steady-state online bytes sent per party per sequence (the larger party). */
  public double onlineBytesPerSequence() {
    return Math.max(result.steady()[0].bytesSent(), result.steady()[1].bytesSent()) / (double) batch;
  }

  /** Steady-state dealer bytes per sequence to P0 and P1 together. */
  public double dealerBytesPerSequence() {
    return (result.steady()[0].dealerBytes() + result.steady()[1].dealerBytes()) / (double) batch;
  }

  public long rounds() {
    return result.steady()[0].rounds();
  }
}
