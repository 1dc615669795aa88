package org.secformer.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secformer.engine.bert.BertConfig.AttentionKind;
import org.secformer.engine.bert.BertModel;
import org.secformer.engine.bert.BertNames;
import org.secformer.engine.bert.ModelDescriptor;
import org.secformer.engine.bert.SafetensorsDType;
import org.secformer.engine.bert.SafetensorsWriter;
import org.secformer.engine.bert.Tensor;
import org.secformer.engine.model.ModelFormatException;
import org.secformer.engine.model.ModelStore;
import org.secformer.engine.model.SharedModel;
import org.secformer.engine.model.TinyBert;

class ShareModelTest {
  @TempDir Path dir;

  private final BertModel model = TinyBert.random(11);

  private String run(String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    String[] all = new String[args.length + 1];
    all[0] = "share-model";
    System.arraycopy(args, 0, all, 1, args.length);
    assertEquals(0, ShareModel.run(all, new PrintStream(bytes, true, StandardCharsets.UTF_8)));
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private Path head(int rows) throws Exception {
    StringBuilder w = new StringBuilder();
    for (int r = 0; r < rows; r++) {
      w.append(r == 0 ? "" : ", ").append("[0.125, -0.375]");
    }
    Path f = dir.resolve("head-" + rows + ".json");
    Files.writeString(f, "{\"format\": \"secformer-linear-head/1\", \"labels\": [\"ham\", \"spam\"], \"pooling\": \"mean\","
        + " \"normalization\": \"l2\", \"b\": [0.5, -0.5], \"W\": [" + w + "]}");
    return f;
  }

  /** A Hugging Face checkpoint without secformer.* metadata: PyTorch layout, names only. */
  private Path plainCheckpoint() throws Exception {
    SafetensorsWriter w = new SafetensorsWriter();
    for (Map.Entry<String, Tensor> e : model.tensors().entrySet()) {
      Tensor t = BertNames.isMatrix(e.getKey()) ? e.getValue().transpose2d() : e.getValue();
      w.add(BertNames.toHuggingFace(e.getKey()), SafetensorsDType.F32, t);
    }
    Path f = dir.resolve("plain.safetensors");
    w.write(f);
    return f;
  }

  /** No weight value of {@code m} (to 4 decimals) and no decimal fraction at all appears in the output. */
  private static void assertNoWeights(String out, BertModel m) {
    assertFalse(Pattern.compile("\\d\\.\\d").matcher(out).find(), out);
    for (Tensor t : m.tensors().values()) {
      for (double v : t.data()) {
        assertFalse(out.contains(String.format(Locale.ROOT, "%.4f", v)), "weight value in output: " + out);
      }
    }
  }

  @Test
  void sharesASafetensorsModelWithAHeadAndPrintsNoWeights() throws Exception {
    Path st = dir.resolve("tiny.safetensors");
    SafetensorsWriter.writeBert(model, SafetensorsDType.F32, st);
    Path out = dir.resolve("models");
    String text = run("--model-id", "tiny-spam", "--out", out.toString(), "--safetensors", st.toString(),
        "--head", head(8).toString(), "--attention", "quad2");

    Path folder = out.resolve("tiny-spam");
    for (String f : new String[] {"p0.shares", "p1.shares", ModelDescriptor.FILE_NAME, SharedModel.RANGES_FILE}) {
      assertTrue(Files.isRegularFile(folder.resolve(f)), f);
      assertTrue(text.contains(f + "  " + Files.size(folder.resolve(f)) + " bytes"), text);
    }
    assertTrue(text.contains("shared model 'tiny-spam'"), text);
    assertTrue(text.contains("2 layers, hidden 8, 2 heads"), text);
    assertTrue(text.contains("labels      2 (ham, spam)"), text);
    assertTrue(text.contains("attention   quad2 (mean pooling, L2-normalised)"), text);
    SharedModel p1 = new ModelStore(out, 1).model("tiny-spam");
    assertTrue(text.contains("parameters  " + (model.parameterCount() + 8 * 2 + 2)), text);
    assertTrue(text.contains("SHA-256 " + p1.descriptor().weightsSha256()), text);
    assertEquals(AttentionKind.QUAD2, p1.descriptor().attention());
    assertEquals(2, p1.descriptor().config().numLabels());
    assertEquals(16, new ModelStore(out, 0).model("tiny-spam").fracBits());
    assertNoWeights(text, model);
  }

  @Test
  void aPlainHuggingFaceCheckpointNeedsItsConfig() throws Exception {
    Path st = plainCheckpoint();
    Path out = dir.resolve("models");
    Args.UsageException noConfig = assertThrows(Args.UsageException.class,
        () -> run("--model-id", "plain", "--out", out.toString(), "--safetensors", st.toString()));
    assertTrue(noConfig.getMessage().contains("--config"), noConfig.getMessage());

    Path wrong = dir.resolve("wrong-config.json");
    Files.writeString(wrong, "{\"num_attention_heads\": 2, \"hidden_size\": 16}");
    ModelFormatException size = assertThrows(ModelFormatException.class,
        () -> run("--model-id", "plain", "--out", out.toString(), "--safetensors", st.toString(), "--config", wrong.toString()));
    assertTrue(size.getMessage().startsWith(wrong + ": \"hidden_size\" is 16 but the checkpoint has 8"), size.getMessage());

    Path config = dir.resolve("config.json");
    Files.writeString(config, "{\"num_attention_heads\": 2, \"hidden_size\": 8, \"hidden_act\": \"gelu\","
        + " \"layer_norm_eps\": 1e-05, \"model_type\": \"bert\"}");
    String text = run("--model-id", "plain", "--out", out.toString(), "--safetensors", st.toString(), "--config", config.toString());
    assertTrue(text.contains("labels      none"), text);
    SharedModel m = new ModelStore(out, 0).model("plain");
    assertEquals(1e-5, m.descriptor().config().layerNormEps());
    assertEquals(ModelDescriptor.weightsSha256(model), m.descriptor().weightsSha256());
  }

  @Test
  void errorsNameTheFlagOrFile() throws Exception {
    Path st = dir.resolve("tiny.safetensors");
    SafetensorsWriter.writeBert(model, SafetensorsDType.F32, st);
    String out = dir.resolve("models").toString();
    assertTrue(assertThrows(Args.UsageException.class, () -> EngineMain.run(new String[] {"share-model", "--out", out}))
        .getMessage().contains("needs --model-id"));
    assertTrue(assertThrows(Args.UsageException.class, () -> run("--model-id", "m", "--out", out))
        .getMessage().contains("exactly one of --onnx FILE and --safetensors FILE"));
    assertTrue(assertThrows(Args.UsageException.class,
        () -> run("--model-id", "m", "--out", out, "--safetensors", st.toString(), "--attention", "relu"))
        .getMessage().contains("--attention must be softmax or quad2"));
    Path narrow = head(7);
    assertTrue(assertThrows(ModelFormatException.class,
        () -> run("--model-id", "m", "--out", out, "--safetensors", st.toString(), "--head", narrow.toString()))
        .getMessage().startsWith(narrow + ": classifier head has 7 inputs"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> run("--model-id", "m", "--out", out, "--safetensors", st.toString(), "--frac-bits", "12"))
        .getMessage().contains("planned for 16 fractional bits, not 12"));
    Path missing = dir.resolve("nope.onnx");
    assertTrue(assertThrows(ModelFormatException.class,
        () -> run("--model-id", "m", "--out", out, "--onnx", missing.toString()))
        .getMessage().contains(missing.toString()));
    assertFalse(Files.exists(dir.resolve("models").resolve("m")), "nothing written on errors");
  }

  /** The real all-MiniLM-L6-v2 ONNX (22.7M parameters) from the langchain4j jar on the test classpath. */
  @Test
  @Tag("slow")
  void sharesTheRealMiniLmOnnx() throws Exception {
    Path onnx = dir.resolve("all-minilm-l6-v2.onnx");
    try (InputStream in = ShareModelTest.class.getResourceAsStream("/all-minilm-l6-v2.onnx")) {
      Files.copy(in, onnx, StandardCopyOption.REPLACE_EXISTING);
    }
    Path out = dir.resolve("models");
    String text = run("--model-id", "minilm", "--out", out.toString(), "--onnx", onnx.toString());
    assertTrue(text.contains("6 layers, hidden 384, 12 heads, intermediate 1536, vocab 30522"), text);
    assertTrue(text.contains("ranges 'all-MiniLM-L6-v2' (bundled MiniLM-L6 default)"), text);
    assertFalse(Pattern.compile("\\d\\.\\d").matcher(text).find(), text);
    SharedModel m = new ModelStore(out, 1).model("minilm");
    assertEquals(384, m.descriptor().config().hidden());
  }
}
