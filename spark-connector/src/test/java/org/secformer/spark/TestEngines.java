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
    model = randomClassifier(7);
    ModelPublisher.publish(MODEL_ID, model, 16, List.of("ham", "spam"), ModelRanges.miniLmL6(), dir.resolve("models"));
    cluster = LocalCluster.start(dir.resolve("certs"), dir.resolve("models"), 2, Duration.ofSeconds(60));
    engineConf = EngineConfigLoader.write(cluster.config(), dir.resolve("engine.properties"));
    tokenizer = WordPieceTokenizer.fromResource("/all-minilm-l6-v2-tokenizer.json");
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
    int[] ids = java.util.Arrays.stream(tokenizer.encode(text, maxSeqLen).ids()).mapToInt(Math::toIntExact).toArray();
    return new PlainBert(model).logits(BertInput.single(ids))[0];
  }

  public String plainLabel(String text, int maxSeqLen) {
    double[] z = plainLogits(text, maxSeqLen);
    return z[1] > z[0] ? "spam" : "ham";
  }

  /** One layer, hidden 16, 2 heads, MiniLM's vocabulary; weights N(0, 0.3) so labels vary with the text. */
  static BertModel randomClassifier(long seed) {
    BertConfig cfg = new BertConfig(1, 16, 2, 32, 30522, 128, 2, 1e-12, BertConfig.Activation.GELU,
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
