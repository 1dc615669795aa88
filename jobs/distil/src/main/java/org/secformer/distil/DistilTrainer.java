package org.secformer.distil;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.tracker.Tracker;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.secformer.engine.bert.BertConfig.AttentionKind;
import org.secformer.engine.bert.BertInput;
import org.secformer.engine.bert.BertModel;
import org.secformer.engine.bert.BertNames;

/**
 * Distils a 2Quad student from the softmax teacher: the student starts as a copy of the teacher's weights
 * and every parameter (position and token-type embeddings, all layers, head; the word-embedding table too when
 * asked) is trained with Adam on
 * {@code MSE(student logits, teacher logits) + hiddenWeight * mean over layers of MSE(student hidden, teacher hidden)}
 * (hidden states of real tokens only, layers 1..L). The teacher runs in the same graph with softmax attention and
 * its own frozen weights, so its logits and hidden states come with each batch. Float32, batches in a fixed
 * shuffled order (seeded), learning rate warmed up linearly over the first tenth of the steps and then decayed
 * linearly to 0.
 */
public final class DistilTrainer {

  /** What training does; part of the student cache key. */
  public record Hyper(int epochs, int batchSize, double learningRate, double hiddenWeight, long seed, int limit,
      boolean trainWordEmbeddings) {
    public Hyper {
      if (epochs < 1 || batchSize < 1 || !(learningRate > 0) || hiddenWeight < 0 || limit < 0) {
        throw new IllegalArgumentException("bad hyper-parameters: " + describe(epochs, batchSize, learningRate, hiddenWeight,
            seed, limit, trainWordEmbeddings));
      }
    }

    @Override
    public String toString() {
      return describe(epochs, batchSize, learningRate, hiddenWeight, seed, limit, trainWordEmbeddings);
    }

    private static String describe(int epochs, int batchSize, double lr, double hw, long seed, int limit, boolean words) {
      return String.format(Locale.ROOT, "epochs=%d batch=%d lr=%s hiddenWeight=%s seed=%d limit=%s wordEmbeddings=%s",
          epochs, batchSize, lr, hw, seed, limit == 0 ? "all" : Integer.toString(limit), words ? "trained" : "frozen");
    }
  }

  /** The parameters training updates: all, or all but the word-embedding table (half the weights, unchanged by 2Quad). */
  static List<String> trained(StudentGraph g, Hyper hp) {
    return g.parameters().keySet().stream().filter(n -> hp.trainWordEmbeddings() || !n.equals(BertNames.WORD)).toList();
  }

  /** The summary of a run. */
  public record Log(int steps, double seconds, double firstLoss, double lastLoss, double lastLogitMse, double lastHiddenMse) {}

  private DistilTrainer() {}

  /**
   * Trains a student from {@code teacher} on {@code sequences} (token ids incl. [CLS]/[SEP], unpadded) and
   * returns its weights (config still the teacher's; the caller sets the attention kind).
   */
  public static Trained train(BertModel teacher, List<int[]> sequences, Hyper hp, PrintStream progress) {
    List<int[]> data = spread(sequences, hp.limit());
    int perEpoch = (data.size() + hp.batchSize() - 1) / hp.batchSize();
    int total = perEpoch * hp.epochs();
    int warm = Math.max(1, total / 10);
    Tracker lr = step -> (float) (hp.learningRate() * (step < warm ? (step + 1.0) / warm
        : Math.max(0.0, (double) (total - step) / Math.max(1, total - warm))));
    Adam adam = Adam.builder().optLearningRateTracker(lr).build();
    Random order = new Random(hp.seed());
    Engine.getEngine("PyTorch").setRandomSeed((int) hp.seed());
    long t0 = System.nanoTime();
    double first = Double.NaN, lastLoss = Double.NaN, lastLogit = Double.NaN, lastHidden = Double.NaN;
    double emaLoss = Double.NaN;
    int every = Math.max(1, Math.min(10, total / 50));
    progress.printf(Locale.ROOT, "distil: %d sequences, %d steps (%d epochs x %d batches of %d), %s, PyTorch %s threads%n",
        data.size(), total, hp.epochs(), perEpoch, hp.batchSize(), hp, System.getProperty("ai.djl.pytorch.num_threads", "default"));
    try (NDManager base = NDManager.newBaseManager("PyTorch");
        StudentGraph frozen = StudentGraph.of(teacher, base, DataType.FLOAT32);
        StudentGraph student = StudentGraph.of(teacher, base, DataType.FLOAT32)) {
      List<String> trained = trained(student, hp);
      trained.forEach(n -> student.parameters().get(n).setRequiresGradient(true));
      int step = 0;
      for (int epoch = 0; epoch < hp.epochs(); epoch++) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
          idx.add(i);
        }
        Collections.shuffle(idx, order);
        for (int from = 0; from < idx.size(); from += hp.batchSize(), step++) {
          List<int[]> rows = new ArrayList<>();
          for (int i : idx.subList(from, Math.min(idx.size(), from + hp.batchSize()))) {
            rows.add(data.get(i));
          }
          double[] losses = step(frozen, student, trained, BertInput.padded(rows, 0), hp.hiddenWeight(), adam, base);
          lastLoss = losses[0];
          lastLogit = losses[1];
          lastHidden = losses[2];
          if (step == 0) {
            first = lastLoss;
          }
          emaLoss = Double.isNaN(emaLoss) ? lastLoss : 0.9 * emaLoss + 0.1 * lastLoss;
          if ((step + 1) % every == 0 || step == 0 || step + 1 == total) {
            double el = (System.nanoTime() - t0) / 1e9;
            progress.printf(Locale.ROOT,
                "step %d/%d epoch %d loss %.5f (avg %.5f; logit mse %.5f, hidden mse %.5f) lr %.2e elapsed %s eta %s%n",
                step + 1, total, epoch + 1, lastLoss, emaLoss, lastLogit, lastHidden, lr.getNewValue(step), clock(el),
                clock(el / (step + 1) * (total - step - 1)));
          }
        }
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      return new Trained(student.toBertModel(teacher.config()), new Log(total, seconds, first, lastLoss, lastLogit, lastHidden));
    }
  }

  /**
   * Every k-th sequence, k = size / limit, so a limited run sees all groups (the split is in id order, which sorts
   * by group: ham first, spam last); all of them when limit is 0.
   */
  static List<int[]> spread(List<int[]> sequences, int limit) {
    if (limit == 0 || limit >= sequences.size()) {
      return sequences;
    }
    int stride = sequences.size() / limit;
    List<int[]> out = new ArrayList<>(limit);
    for (int i = 0; i < sequences.size() && out.size() < limit; i += stride) {
      out.add(sequences.get(i));
    }
    return out;
  }

  /** The trained weights and the run's summary. */
  public record Trained(BertModel student, Log log) {}

  private static double[] step(StudentGraph frozen, StudentGraph student, List<String> trained, BertInput batch, double hiddenWeight, Adam adam,
      NDManager base) {
    double[] losses;
    long a1, a2;
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      long a0 = System.nanoTime();
      NDList in = student.inputs(batch, base);
      StudentGraph.Forward want = frozen.forward(in, AttentionKind.SOFTMAX);
      want.logits().toFloatArray(); // forces the teacher pass (timing)
      a1 = System.nanoTime() - a0;
      NDArray mask = in.get(1).expandDims(2); // [B, T, 1]
      double denom = in.get(1).sum().getFloat() * student.config().hidden();
      NDArray loss, logitMse, hiddenMse;
      try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
        StudentGraph.Forward got = student.forward(in, AttentionKind.QUAD2);
        logitMse = got.logits().sub(want.logits()).square().mean();
        hiddenMse = null;
        int layers = got.hidden().size() - 1;
        for (int l = 1; l <= layers; l++) {
          NDArray d = got.hidden().get(l).sub(want.hidden().get(l)).square().mul(mask).sum().div(denom * layers);
          hiddenMse = hiddenMse == null ? d : hiddenMse.add(d);
        }
        loss = hiddenMse == null || hiddenWeight == 0 ? logitMse : logitMse.add(hiddenMse.mul(hiddenWeight));
        gc.backward(loss);
      }
      a2 = System.nanoTime() - a0 - a1;
      losses = new double[] {scalar(loss), scalar(logitMse), hiddenMse == null ? 0 : scalar(hiddenMse)};
    }
    long a3 = System.nanoTime();
    // outside the scope: Adam keeps its moment arrays from step to step
    for (String name : trained) {
      NDArray p = student.parameters().get(name);
      try (NDArray g = p.getGradient()) {
        adam.update(name, p, g);
        g.muli(0); // PyTorch accumulates gradients; start the next step from 0
      }
    }
    if (TIMING) {
      System.out.printf(Locale.ROOT, "timing: teacher %.2f s, student forward+backward %.2f s, adam %.2f s (B %d, T %d)%n", a1 / 1e9,
          a2 / 1e9, (System.nanoTime() - a3) / 1e9, batch.batch(), batch.seqLen());
    }
    return losses;
  }

  private static final boolean TIMING = Boolean.getBoolean("distil.timing");

  /** A 0-d result as a double (a double scalar operand promotes a 0-d float32 result to float64). */
  private static double scalar(NDArray a) {
    return a.toType(DataType.FLOAT64, false).getDouble();
  }

  static String clock(double seconds) {
    long s = Math.round(seconds);
    return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
