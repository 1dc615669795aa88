package org.secformer.jobs.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.secformer.engine.bert.BertModel;
import org.secformer.engine.bert.LinearHeadFile;
import org.secformer.engine.bert.OnnxBertReader;
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
