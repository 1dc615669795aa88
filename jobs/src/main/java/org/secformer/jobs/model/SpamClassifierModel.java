package org.secformer.jobs.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.secformer.engine.bert.BertModel;
import org.secformer.engine.bert.LinearHeadFile;
import org.secformer.engine.bert.ModelDescriptor;
import org.secformer.engine.bert.ModelRanges;
import org.secformer.engine.bert.OnnxBertReader;
import org.secformer.engine.model.ModelPublisher;
import org.secformer.engine.model.ModelStore;
import org.secformer.engine.text.WordPieceTokenizer;
import org.secformer.jobs.train.InputSpec;
import org.secformer.jobs.train.LinearHead;
import org.secformer.jobs.train.SpamDataset;

/**
 * The product's default model: the real all-MiniLM-L6-v2 (fp32 ONNX from the langchain4j jar) with the
 * committed ham/spam head ({@code /models/minilm-spam-head.json}), its tokenizer and its input rule
 * (subject and body, 64 tokens).
 */
public final class SpamClassifierModel {
  public static final String MODEL_ID = "minilm-spam";
  public static final String ONNX_RESOURCE = "/all-minilm-l6-v2.onnx";
  public static final String TOKENIZER_RESOURCE = "/all-minilm-l6-v2-tokenizer.json";

  private SpamClassifierModel() {}

  /** MiniLM with the classifier head attached (2 labels: ham, spam). */
  public static BertModel load() {
    BertModel encoder = OnnxBertReader.read(resource(ONNX_RESOURCE), ONNX_RESOURCE, null);
    return LinearHeadFile.parse(resource(LinearHead.DEFAULT_RESOURCE), LinearHead.DEFAULT_RESOURCE).attachTo(encoder);
  }

  public static WordPieceTokenizer tokenizer() {
    return WordPieceTokenizer.fromResource(TOKENIZER_RESOURCE);
  }

  /** How an email becomes the classifier's text, and its token budget. */
  public static InputSpec input() {
    return LinearHead.loadDefault().input();
  }

  public static String text(SpamDataset.Email e) {
    return input().text(e);
  }

  /**
   * Publishes the classifier into {@code modelDir} as {@value #MODEL_ID} for the embedded default, unless the
   * folder already holds it with the same weights (the SHA-256 in model.json) and both share files: sharing
   * MiniLM writes some 350 MB. Different weights (a retrained head) replace the folder, since fresh shares
   * never mix with old ones. Returns whether it published.
   */
  public static boolean publishTo(Path modelDir) throws IOException {
    BertModel model = load();
    Path descriptor = ModelStore.shareFile(modelDir, MODEL_ID, 0).resolveSibling(ModelDescriptor.FILE_NAME);
    if (Files.isRegularFile(descriptor) && Files.isRegularFile(ModelStore.shareFile(modelDir, MODEL_ID, 0))
        && Files.isRegularFile(ModelStore.shareFile(modelDir, MODEL_ID, 1))
        && ModelDescriptor.read(descriptor).weightsSha256().equals(ModelDescriptor.weightsSha256(model))) {
      return false;
    }
    deleteTree(descriptor.getParent());
    ModelRanges ranges = ModelRanges.miniLmL6();
    ModelPublisher.publish(MODEL_ID, model, ranges.fracBits(), SpamDataset.LABELS, ranges, modelDir);
    return true;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static byte[] resource(String name) {
    try (InputStream in = SpamClassifierModel.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is not on the classpath (langchain4j MiniLM jar or jobs resources)");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + name, e);
    }
  }
}
