package org.secformer.engine.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.secformer.shares.Share;
import org.secformer.shares.Sharing;
import org.secformer.shares.prg.Prg;
import org.secformer.shares.prg.Seed;
import org.secformer.shares.ring.RingTensor;

/**
 * The model owner's side: splits fixed-point weights into one share file per computing party. Party 0's
 * share of each tensor is a fresh PRG seed (its file is tiny); party 1 stores W - expand(seed).
 */
public final class ModelSharer {
  private ModelSharer() {}

  /**
   * Both parties' shares of each weight, in memory, for runs where the two parties live in one JVM
   * ({@link org.secformer.engine.job.InProcessParties}: reports, benchmarks, tests): name to [share 0, share 1].
   */
  public static Map<String, RingTensor[]> splitInMemory(Map<String, RingTensor> weights) {
    Map<String, RingTensor[]> out = new LinkedHashMap<>();
    weights.forEach((name, w) -> {
      Share[] s = Sharing.split(w);
      out.put(name, new RingTensor[] {s[0].tensor(), s[1].tensor()});
    });
    return out;
  }

  /** Writes {@code dir/<modelId>/p0.shares} and {@code p1.shares}; returns the two paths. */
  public static Path[] share(String modelId, int fracBits, Map<String, RingTensor> weights, Path dir)
      throws IOException {
    Map<String, WeightShareFile.Entry> p0 = new LinkedHashMap<>();
    Map<String, WeightShareFile.Entry> p1 = new LinkedHashMap<>();
    for (Map.Entry<String, RingTensor> w : weights.entrySet()) {
      Seed seed = Seed.random();
      RingTensor mask = new Prg(seed, 0).uniform(w.getValue().shape());
      p0.put(w.getKey(), new WeightShareFile.Seeded(seed, w.getValue().shape()));
      p1.put(w.getKey(), new WeightShareFile.Explicit(w.getValue().sub(mask)));
    }
    Path[] out = {ModelStore.shareFile(dir, modelId, 0), ModelStore.shareFile(dir, modelId, 1)};
    new WeightShareFile(0, modelId, fracBits, p0).write(out[0]);
    new WeightShareFile(1, modelId, fracBits, p1).write(out[1]);
    return out;
  }
}
