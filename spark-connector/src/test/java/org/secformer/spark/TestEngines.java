package org.secformer.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.secformer.engine.bert.BertConfig;
import org.secformer.engine.bert.BertInput;
import org.secformer.engine.bert.BertModel;
import org.secformer.engine.bert.ModelRanges;
import org.secformer.engine.bert.PlainBert;
import org.secformer.engine.bert.Tensor;
import org.secformer.engine.model.ModelPublisher;
import org.secformer.engine.server.EngineConfigLoader;
import org.secformer.engine.server.LocalCluster;
import org.secformer.engine.text.WordPieceTokenizer;
import org.secformer.engine.tls.CertTool;

/**
 * Test fixture: real engines for Spark tests, started once per JVM: P0, P1 and the dealer with two
 * workers each over mutual-TLS loopback sockets ({@link LocalCluster}), serving a small random BERT
 * classifier with MiniLM's real vocabulary and tokenizer (one layer, hidden 16, labels ham/spam), and
 * the engine conf file a {@link SecformerConf} points to. {@link #plainLabel} is the plaintext reference.
 */
public final class TestEngines {
  public static final String MODEL_ID = "tiny-spam";
  private static TestEngines instance;

  public final Path dir;
  public final Path engineConf;
  public final BertModel model;
  public final WordPieceTokenizer tokenizer;
  private final LocalCluster cluster;

  private TestEngines() throws IOException {
    dir = Files.createTempDirectory("secformer-spark-test");
    CertTool.generate(dir.resolve("certs"), Duration.ofDays(1));
    tokenizer = WordPieceTokenizer.fromResource("/all-minilm-l6-v2-tokenizer.json");
    model = balanced(randomClassifier(7), tokenizer);
    ModelPublisher.publish(MODEL_ID, model, 16, List.of("ham", "spam"), ModelRanges.miniLmL6(), dir.resolve("models"));
    cluster = LocalCluster.start(dir.resolve("certs"), dir.resolve("models"), 2, Duration.ofSeconds(60));
    engineConf = EngineConfigLoader.write(cluster.config(), dir.resolve("engine.properties"));
    Runtime.getRuntime().addShutdownHook(new Thread(cluster::close));
  }

  public static synchronized TestEngines get() {
    if (instance == null) {
      try {
        instance = new TestEngines();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return instance;
  }

  /** Options (short names) that point a scoring call at these engines. */
  public Map<String, String> options(int batchSize, int maxSeqLen) {
    Map<String, String> o = new LinkedHashMap<>();
    o.put(SecformerConf.ENGINE_CONF, engineConf.toString());
    o.put(SecformerConf.MODEL_ID, MODEL_ID);
    o.put(SecformerConf.BATCH_SIZE, Integer.toString(batchSize));
    o.put(SecformerConf.MAX_SEQ_LEN, Integer.toString(maxSeqLen));
    o.put(SecformerConf.RETRY_BACKOFF_MS, "100");
    return o;
  }

  public SecformerConf conf(int batchSize, int maxSeqLen) {
    return SecformerConf.resolve(options(batchSize, maxSeqLen), Map.of());
  }

  /** The plaintext model's logits for a text (truncated like the secure path). */
  public double[] plainLogits(String text, int maxSeqLen) {
    int[] ids = tokenizer.encode(text, maxSeqLen).intIds();
    return new PlainBert(model).logits(BertInput.single(ids))[0];
  }

  public String plainLabel(String text, int maxSeqLen) {
    double[] z = plainLogits(text, maxSeqLen);
    return z[1] > z[0] ? "spam" : "ham";
  }

  /** Texts the bias is centred on, so the tests' label checks see both labels. */
  static final List<String> CALIBRATION = List.of("Free entry!!! Win a brand new car by texting WIN now.",
      "Please reset my password.", "Quarterly revenue grew 12.5% to $4.2 billion.", "Meeting moved to Tuesday.",
      "Cheap meds online, no prescription needed", "Lunch tomorrow?", "You have won a prize, claim now",
      "The report is attached, comments welcome.", "URGENT: verify your account", "See you at the game tonight");

  /**
   * The model with its classifier bias shifted so the decision boundary splits {@link #CALIBRATION} near
   * its middle: a random head otherwise predicts one label for almost every text, and a label
   * check that cannot see the other label cannot fail.
   */
  public static BertModel balanced(BertModel model, WordPieceTokenizer tok) {
    PlainBert plain = new PlainBert(model);
    double[] margins = new double[CALIBRATION.size()];
    for (int i = 0; i < margins.length; i++) {
      int[] ids = tok.encode(CALIBRATION.get(i), 32).intIds();
      double[] z = plain.logits(BertInput.single(ids))[0];
      margins[i] = z[1] - z[0];
    }
    java.util.Arrays.sort(margins);
    // the boundary goes in the widest gap near the middle, so no calibration text sits on it
    int best = 2;
    for (int i = 2; i < margins.length - 3; i++) {
      if (margins[i + 1] - margins[i] > margins[best + 1] - margins[best]) {
        best = i;
      }
    }
    double median = (margins[best] + margins[best + 1]) / 2;
    // scaled by 10 so typical texts sit well away from the boundary (margins of about 1 against
    // secure logit errors of about 1e-3)
    Tensor bias = model.tensor(org.secformer.engine.bert.BertNames.CLASSIFIER_BIAS);
    Tensor weight = model.tensor(org.secformer.engine.bert.BertNames.CLASSIFIER_WEIGHT);
    double[] b = bias.data().clone();
    b[1] -= median;
    double[] w = weight.data().clone();
    for (int i = 0; i < w.length; i++) {
      w[i] *= 10;
    }
    for (int i = 0; i < b.length; i++) {
      b[i] *= 10;
    }
    return model.withClassifier(Tensor.of(w, weight.shape()), Tensor.of(b, bias.shape()));
  }

  /** One layer, hidden 16, 2 heads, MiniLM's vocabulary; weights N(0, 0.3) so labels vary with the text. */
  static BertModel randomClassifier(long seed) {
    return randomClassifier(seed, 30522);
  }

  /**
   * The same shape over a vocabulary of {@code vocab} word pieces: the secure embedding lookup costs a
   * one-hot row of the vocabulary per token, so a small vocabulary makes the cheapest real model.
   */
  public static BertModel randomClassifier(long seed, int vocab) {
    BertConfig cfg = new BertConfig(1, 16, 2, 32, vocab, 128, 2, 1e-12, BertConfig.Activation.GELU,
        BertConfig.AttentionKind.SOFTMAX, BertConfig.Pooling.MEAN, true, 2);
    SplittableRandom rnd = new SplittableRandom(seed);
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    BertModel.expectedShapes(cfg).forEach((n, shape) -> {
      double[] v = new double[(int) Tensor.size(shape)];
      boolean gamma = n.endsWith("gamma");
      for (int i = 0; i < v.length; i++) {
        v[i] = gamma ? 1 + 0.1 * rnd.nextGaussian() : 0.3 * rnd.nextGaussian();
      }
      tensors.put(n, Tensor.of(v, shape));
    });
    return new BertModel(cfg, tensors);
  }
}
