package org.secformer.engine.bert;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Test helper: the real all-MiniLM-L6-v2 from the langchain4j jar (ONNX bytes, our reader's BertModel,
 * an ONNX Runtime session as the oracle, DJL's tokenizer), loaded once per JVM.
 */
final class MiniLm {
  static final String ONNX = "/all-minilm-l6-v2.onnx";
  static final String TOKENIZER = "/all-minilm-l6-v2-tokenizer.json";

  /** Hand-written sentences of varied length, vocabulary, punctuation, numbers and casing. */
  static final List<String> SENTENCES = List.of(
      "Hello world.",
      "The cat sat on the mat.",
      "Privacy-preserving inference keeps both the model and the data secret.",
      "Transformers replaced recurrent networks for most language tasks around 2018.",
      "Is it going to rain tomorrow in Amsterdam?",
      "I absolutely loved this movie; the acting was superb and the soundtrack unforgettable!",
      "Quarterly revenue grew 12.5% to $4.2 billion, beating analyst estimates.",
      "Free entry!!! Win a brand new car by texting WIN to 80085 now.",
      "Secure multi-party computation splits every value into random shares held by two servers.",
      "The mitochondria is the powerhouse of the cell.",
      "Please reset my password, I cannot log in since Tuesday.",
      "A quick brown fox jumps over the lazy dog while the farmer sleeps under an old oak tree.",
      "Spark executors tokenize the text and send one share to each computing party.",
      "Unbelievably, the committee postponed the decision again without explanation.",
      "Water boils at 100 degrees Celsius at sea level.",
      "OK",
      "What's the difference between a list and a tuple in Python?",
      "The restaurant was noisy, the food was cold, and the waiter ignored us for forty minutes.",
      "Beaver triples let two parties multiply secret-shared numbers with one round of communication.",
      "She sells sea shells by the sea shore.",
      "GeLU, LayerNorm and softmax are the expensive non-linear parts of a transformer under MPC.",
      "In 1969, Apollo 11 landed on the Moon and Neil Armstrong took the first steps.",
      "This product broke after two days. Do not buy it.",
      "Machine learning models can memorise and leak sensitive training data unless they are protected carefully.");

  private static MiniLm instance;

  final byte[] onnxBytes;
  final BertModel model;
  final OrtEnvironment env;
  final OrtSession session;
  final HuggingFaceTokenizer tokenizer;

  private MiniLm() throws IOException, OrtException {
    try (InputStream in = MiniLm.class.getResourceAsStream(ONNX)) {
      if (in == null) {
        throw new IllegalStateException(ONNX + " is not on the test classpath (langchain4j MiniLM jar)");
      }
      onnxBytes = in.readAllBytes();
    }
    model = OnnxBertReader.read(onnxBytes, ONNX, null);
    env = OrtEnvironment.getEnvironment();
    OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
    opts.setIntraOpNumThreads(2);
    session = env.createSession(onnxBytes, opts);
    try (InputStream in = MiniLm.class.getResourceAsStream(TOKENIZER)) {
      tokenizer = HuggingFaceTokenizer.newInstance(in,
          Map.of("padding", "false", "truncation", "true", "maxLength", "128"));
    }
  }

  static synchronized MiniLm get() {
    if (instance == null) {
      try {
        instance = new MiniLm();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (OrtException e) {
        throw new IllegalStateException(e);
      }
    }
    return instance;
  }

  int[] tokenize(String text) {
    Encoding e = tokenizer.encode(text);
    long[] ids = e.getIds();
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = Math.toIntExact(ids[i]);
    }
    return out;
  }

  BertInput batch(List<String> texts) {
    List<int[]> seqs = new ArrayList<>();
    for (String t : texts) {
      seqs.add(tokenize(t));
    }
    return BertInput.padded(seqs, 0);
  }

  /** ONNX Runtime's last_hidden_state [B][T][H] for a padded batch. */
  float[][][] ort(BertInput in) {
    int b = in.batch(), t = in.seqLen();
    long[][] ids = new long[b][t], mask = new long[b][t], types = new long[b][t];
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < t; j++) {
        ids[i][j] = in.inputIds()[i][j];
        mask[i][j] = in.attentionMask()[i][j];
        types[i][j] = in.tokenTypeIds()[i][j];
      }
    }
    try (OnnxTensor a = OnnxTensor.createTensor(env, ids);
        OnnxTensor m = OnnxTensor.createTensor(env, mask);
        OnnxTensor y = OnnxTensor.createTensor(env, types);
        OrtSession.Result r = session.run(Map.of("input_ids", a, "attention_mask", m, "token_type_ids", y))) {
      OnnxTensor out = (OnnxTensor) r.get("last_hidden_state").orElseThrow();
      long[] shape = out.getInfo().getShape();
      int h = (int) shape[2];
      FloatBuffer fb = out.getFloatBuffer();
      float[][][] res = new float[b][t][h];
      for (int i = 0; i < b; i++) {
        for (int j = 0; j < t; j++) {
          fb.get(res[i][j]);
        }
      }
      return res;
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    }
  }

  static double[][][] widen(float[][][] x) {
    double[][][] out = new double[x.length][][];
    for (int i = 0; i < x.length; i++) {
      out[i] = new double[x[i].length][];
      for (int j = 0; j < x[i].length; j++) {
        out[i][j] = new double[x[i][j].length];
        for (int c = 0; c < x[i][j].length; c++) {
          out[i][j][c] = x[i][j][c];
        }
      }
    }
    return out;
  }
}
