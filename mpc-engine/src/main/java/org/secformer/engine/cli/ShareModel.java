package org.secformer.engine.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.secformer.engine.bert.BertConfig;
import org.secformer.engine.bert.BertConfig.AttentionKind;
import org.secformer.engine.bert.BertModel;
import org.secformer.engine.bert.HfBertConfig;
import org.secformer.engine.bert.LinearHeadFile;
import org.secformer.engine.bert.ModelDescriptor;
import org.secformer.engine.bert.ModelRanges;
import org.secformer.engine.bert.OnnxBertReader;
import org.secformer.engine.bert.SafetensorsReader;
import org.secformer.engine.model.ModelFormatException;
import org.secformer.engine.model.ModelPublisher;
import org.secformer.engine.model.ModelStore;

/**
 * {@code engine share-model}: the model owner reads a BERT encoder (ONNX, or safetensors with its Hugging
 * Face config.json), optionally attaches a {@code secformer-linear-head/1} classifier head, and publishes it
 * for the two computing parties with {@link ModelPublisher}. Prints a summary (sizes, hash, files) and
 * never a weight value.
 */
final class ShareModel {
  static final String USAGE = "engine share-model --model-id ID --out DIR (--onnx FILE | --safetensors FILE"
      + " [--config CONFIG_JSON]) [--head HEAD_JSON] [--attention softmax|quad2] [--ranges FILE] [--frac-bits 16]";
  private static final List<String> OPTIONS = List.of("model-id", "out", "onnx", "safetensors", "config", "head",
      "attention", "ranges", "frac-bits");
  private static final int DEFAULT_FRAC_BITS = 16;

  private ShareModel() {}

  static int run(String[] args, PrintStream out) {
    Args a = new Args("share-model", args, 1, OPTIONS);
    String modelId = a.require("model-id", "share-model");
    Path dir = Path.of(a.require("out", "share-model"));
    ModelStore.shareFile(dir, modelId, 0); // rejects a bad id before the (slow) model read
    int fracBits = a.intValue("frac-bits", DEFAULT_FRAC_BITS);
    AttentionKind attention = attention(a.get("attention", null));
    String rangesFlag = a.get("ranges", null);
    ModelRanges ranges = rangesFlag == null ? ModelRanges.miniLmL6() : readRanges(Path.of(rangesFlag));

    BertModel model = readModel(a);
    String headFlag = a.get("head", null);
    LinearHeadFile head = headFlag == null ? null : LinearHeadFile.read(Path.of(headFlag));
    if (head != null) {
      model = head.attachTo(model);
    }
    if (attention != null) {
      model = model.withConfig(model.config().withAttention(attention));
    }

    ModelPublisher.Published published;
    try {
      List<String> labels = head != null ? head.labels() : ModelDescriptor.defaultLabels(model.config().numLabels());
      published = ModelPublisher.publish(modelId, model, fracBits, labels, ranges, dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write model '" + modelId + "' to " + dir + ": " + e.getMessage(), e);
    }
    printSummary(out, modelId, model, head, ranges, rangesFlag, published);
    return 0;
  }

  private static BertModel readModel(Args a) {
    String onnx = a.get("onnx", null), safetensors = a.get("safetensors", null), config = a.get("config", null);
    if ((onnx == null) == (safetensors == null)) {
      throw new Args.UsageException("share-model needs exactly one of --onnx FILE and --safetensors FILE");
    }
    if (onnx != null) {
      if (config != null) {
        throw new Args.UsageException("--config goes with --safetensors; an ONNX graph carries its own config");
      }
      return wrapped(onnx, () -> OnnxBertReader.read(Path.of(onnx)));
    }
    return wrapped(safetensors, () -> {
      SafetensorsReader r = SafetensorsReader.open(Path.of(safetensors));
      boolean ownMetadata = r.metadata().containsKey(SafetensorsReader.CONFIG_PREFIX + "heads");
      if (config == null && !ownMetadata) {
        throw new Args.UsageException(safetensors + " is a plain Hugging Face checkpoint; pass its config.json with"
            + " --config CONFIG_JSON (for the attention heads)");
      }
      HfBertConfig hf = config == null ? null : HfBertConfig.read(Path.of(config));
      BertModel m = SafetensorsReader.readBert(r, hf == null ? null : hf.heads());
      return hf == null ? m : hf.applyTo(m);
    });
  }

  /** Config checks (heads dividing hidden, ...) throw without the file's name; add it. */
  private static BertModel wrapped(String file, java.util.function.Supplier<BertModel> read) {
    try {
      return read.get();
    } catch (ModelFormatException | Args.UsageException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(file + ": " + e.getMessage(), e);
    }
  }

  private static AttentionKind attention(String flag) {
    if (flag == null) {
      return null;
    }
    return switch (flag) {
      case "softmax" -> AttentionKind.SOFTMAX;
      case "quad2" -> AttentionKind.QUAD2;
      default -> throw new Args.UsageException("--attention must be softmax or quad2, got '" + flag + "'");
    };
  }

  private static ModelRanges readRanges(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return ModelRanges.load(in, file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read model ranges " + file + ": " + e.getMessage(), e);
    }
  }

  private static void printSummary(PrintStream out, String modelId, BertModel model, LinearHeadFile head,
      ModelRanges ranges, String rangesFlag, ModelPublisher.Published p) {
    BertConfig c = model.config();
    // Read back rather than recomputed: proves the descriptor parses and avoids a second pass over the weights.
    ModelDescriptor d = ModelDescriptor.read(p.descriptor());
    out.println("shared model '" + modelId + "' into " + p.folder().toAbsolutePath());
    out.println("  encoder     " + c.layers() + " layers, hidden " + c.hidden() + ", " + c.heads() + " heads, intermediate "
        + c.intermediate() + ", vocab " + c.vocab() + ", " + c.maxPositions() + " positions");
    out.println("  labels      " + labels(c, head));
    out.println("  attention   " + c.attention().name().toLowerCase(Locale.ROOT) + " (" + c.pooling().name().toLowerCase(Locale.ROOT)
        + " pooling" + (c.normalize() ? ", L2-normalised" : "") + ")");
    out.println("  parameters  " + model.parameterCount());
    out.println("  frac bits   " + d.fracBits() + ", ranges '" + ranges.model() + "' ("
        + (rangesFlag == null ? "bundled MiniLM-L6 default" : rangesFlag) + ")");
    out.println("  weights     SHA-256 " + d.weightsSha256());
    out.println("  files");
    for (Path f : p.files()) {
      out.println("    " + f.getFileName() + "  " + size(f) + " bytes" + (f.getFileName().toString().endsWith(".shares")
          ? "  (party " + f.getFileName().toString().charAt(1) + " only)" : "  (public)"));
    }
  }

  private static String labels(BertConfig c, LinearHeadFile head) {
    if (c.numLabels() == 0) {
      return "none (no classifier head)";
    }
    if (head == null) {
      return c.numLabels() + " (classifier from the checkpoint)";
    }
    List<String> l = head.labels();
    return l.size() + " (" + String.join(", ", l.subList(0, Math.min(l.size(), 10))) + (l.size() > 10 ? ", ..." : "")
        + ") from " + head.source();
  }

  private static long size(Path f) {
    try {
      return Files.size(f);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stat " + f + ": " + e.getMessage(), e);
    }
  }
}
