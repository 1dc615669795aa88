package org.secformer.distil;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import org.secformer.engine.bert.BertModel;
import org.secformer.engine.bert.LengthBatch;
import org.secformer.engine.bert.PlainBert;

/**
 * Classifier logits of the project's fp64 reference forward ({@link PlainBert}, the model config's attention kind)
 * for token sequences, in batches of one padded length; optionally cached in a file of little-endian doubles so a
 * rerun with the same model and texts skips the work.
 */
final class PlainScores {
  private static final int BATCH = 16;

  private PlainScores() {}

  /** logits [n][labels] of {@code sequences} (unpadded ids), cached in {@code cache} when it is not null. */
  static double[][] logits(BertModel model, List<int[]> sequences, Path cache, String what, PrintStream progress)
      throws IOException {
    int n = sequences.size(), labels = model.config().numLabels();
    if (cache != null && Files.isRegularFile(cache) && Files.size(cache) == 8L * n * labels) {
      ByteBuffer bb = ByteBuffer.wrap(Files.readAllBytes(cache)).order(ByteOrder.LITTLE_ENDIAN);
      double[][] out = new double[n][labels];
      for (double[] row : out) {
        for (int k = 0; k < labels; k++) {
          row[k] = bb.getDouble();
        }
      }
      progress.printf(Locale.ROOT, "%s: %d logits from cache %s%n", what, n, cache);
      return out;
    }
    PlainBert plain = new PlainBert(model);
    double[][] out = new double[n][];
    long t0 = System.nanoTime();
    int done = 0;
    List<LengthBatch> batches = LengthBatch.of(sequences, len -> len, BATCH);
    for (int i = 0; i < batches.size(); i++) {
      LengthBatch b = batches.get(i);
      double[][] l = plain.logits(b.input());
      for (int r = 0; r < b.rows().length; r++) {
        out[b.rows()[r]] = l[r];
      }
      done += b.rows().length;
      if (done == n || i % 10 == 0) {
        double el = (System.nanoTime() - t0) / 1e9;
        progress.printf(Locale.ROOT, "%s: %d/%d texts, elapsed %s eta %s%n", what, done, n, DistilTrainer.clock(el),
            DistilTrainer.clock(el / done * (n - done)));
      }
    }
    if (cache != null) {
      ByteBuffer bb = ByteBuffer.allocate(8 * n * labels).order(ByteOrder.LITTLE_ENDIAN);
      for (double[] row : out) {
        for (double v : row) {
          bb.putDouble(v);
        }
      }
      Files.createDirectories(cache.toAbsolutePath().getParent());
      Path tmp = cache.resolveSibling(cache.getFileName() + ".tmp");
      Files.write(tmp, bb.array());
      Files.move(tmp, cache, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
    return out;
  }

  static int argmax(double[] v) {
    int best = 0;
    for (int k = 1; k < v.length; k++) {
      if (v[k] > v[best]) {
        best = k;
      }
    }
    return best;
  }
}
