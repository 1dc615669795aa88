package org.secformer.distil;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.secformer.engine.bert.BertConfig;
import org.secformer.engine.bert.BertConfig.AttentionKind;
import org.secformer.engine.bert.BertModel;
import org.secformer.engine.bert.BertNames;
import org.secformer.engine.bert.HfBertConfig;
import org.secformer.engine.bert.LinearHeadFile;
import org.secformer.engine.bert.SafetensorsDType;
import org.secformer.engine.bert.SafetensorsReader;
import org.secformer.engine.bert.SafetensorsWriter;
import org.secformer.engine.bert.Tensor;
import org.secformer.jobs.train.LinearHead;

/**
 * The student in the project's model format, in one folder: {@value #WEIGHTS} (the encoder, fp32, Hugging Face
 * names, {@code secformer.*} metadata with attention QUAD2), {@value #CONFIG} (a Hugging Face config.json),
 * {@value #HEAD} (the distilled classifier head, {@code secformer-linear-head/1}) and {@value #INFO} (how it was
 * made), which {@code engine share-model --safetensors model.safetensors --config config.json --head head.json
 * --attention quad2} shares like any other model. {@link #read} reads it back the way share-model does.
 */
public final class StudentFiles {
  public static final String WEIGHTS = "model.safetensors";
  public static final String CONFIG = "config.json";
  public static final String HEAD = "head.json";
  /** Written last: its presence marks a complete folder. */
  public static final String INFO = "distil.json";

  private StudentFiles() {}

  public static boolean isComplete(Path dir) {
    return List.of(WEIGHTS, CONFIG, HEAD, INFO).stream().allMatch(f -> Files.isRegularFile(dir.resolve(f)));
  }

  /** Writes {@code student} (with its classifier head) into {@code dir}; {@code info} goes into {@value #INFO}. */
  public static void write(BertModel student, List<String> labels, JsonObject info, Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.deleteIfExists(dir.resolve(INFO));
    BertModel encoder = student.withoutClassifier();
    encoder = encoder.withConfig(encoder.config().withAttention(AttentionKind.QUAD2));
    SafetensorsWriter.writeBert(encoder, SafetensorsDType.F32, dir.resolve(WEIGHTS));
    writeText(dir.resolve(CONFIG), LinearHead.toJsonText(hfConfig(encoder.config())));
    writeText(dir.resolve(HEAD), LinearHead.toJsonText(head(student, labels, info)));
    writeText(dir.resolve(INFO), LinearHead.toJsonText(info));
  }

  /** The student as share-model reads it: safetensors + config.json, the head attached, attention QUAD2. */
  public static BertModel read(Path dir) {
    Path weights = dir.resolve(WEIGHTS);
    HfBertConfig hf = HfBertConfig.read(dir.resolve(CONFIG));
    BertModel encoder = hf.applyTo(SafetensorsReader.readBert(SafetensorsReader.open(weights), hf.heads()));
    BertModel model = LinearHeadFile.read(dir.resolve(HEAD)).attachTo(encoder);
    return model.withConfig(model.config().withAttention(AttentionKind.QUAD2));
  }

  static JsonObject hfConfig(BertConfig c) {
    JsonObject o = new JsonObject();
    JsonArray arch = new JsonArray();
    arch.add("BertModel");
    o.add("architectures", arch);
    o.addProperty("model_type", "bert");
    o.addProperty("hidden_act", "gelu");
    o.addProperty("hidden_size", c.hidden());
    o.addProperty("intermediate_size", c.intermediate());
    o.addProperty("num_attention_heads", c.heads());
    o.addProperty("num_hidden_layers", c.layers());
    o.addProperty("vocab_size", c.vocab());
    o.addProperty("max_position_embeddings", c.maxPositions());
    o.addProperty("type_vocab_size", c.typeVocab());
    o.addProperty("layer_norm_eps", c.layerNormEps());
    o.addProperty("secformer_attention", "quad2 ((s + 5)^2 over unmasked keys, divided by the row sum)");
    return o;
  }

  /** The head file: the teacher head's input rule and pooling, the student's distilled W and b. */
  static JsonObject head(BertModel student, List<String> labels, JsonObject info) {
    JsonObject teacher = LinearHead.loadDefault().json();
    JsonObject o = new JsonObject();
    o.addProperty("format", LinearHeadFile.FORMAT);
    o.addProperty("name", "minilm-spam-quad2-head");
    o.addProperty("description", "ham/spam head of the 2Quad MiniLM student distilled from minilm-spam by"
        + " org.secformer.distil.Distil (jobs/distil/bin/distil); the encoder is model.safetensors beside this file");
    o.add("input", teacher.get("input").deepCopy());
    o.add("pooling", teacher.get("pooling").deepCopy());
    o.add("poolingDetail", teacher.get("poolingDetail").deepCopy());
    o.add("normalization", teacher.get("normalization").deepCopy());
    o.addProperty("dim", student.config().hidden());
    JsonArray l = new JsonArray();
    labels.forEach(l::add);
    o.add("labels", l);
    o.add("logits", teacher.get("logits").deepCopy());
    o.add("distillation", info.deepCopy());
    Tensor w = student.tensor(BertNames.CLASSIFIER_WEIGHT);
    Tensor b = student.tensor(BertNames.CLASSIFIER_BIAS);
    int k = w.dim(1);
    JsonArray ba = new JsonArray();
    for (double v : b.data()) {
      ba.add(v);
    }
    o.add("b", ba);
    JsonArray wa = new JsonArray();
    for (int d = 0; d < w.dim(0); d++) {
      JsonArray row = new JsonArray();
      for (int j = 0; j < k; j++) {
        row.add(w.data()[d * k + j]); // fp32 values widened: Double.toString reads back exactly
      }
      wa.add(row);
    }
    o.add("W", wa);
    return o;
  }

  private static void writeText(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
