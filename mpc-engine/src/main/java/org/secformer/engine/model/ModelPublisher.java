package org.secformer.engine.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.secformer.engine.bert.BertModel;
import org.secformer.engine.bert.ModelDescriptor;
import org.secformer.engine.bert.ModelRanges;

/**
 * The model owner's one step to make a BERT model servable: writes {@code <dir>/<modelId>/} with
 * {@code p0.shares} and {@code p1.shares} (owner-only), the public {@value ModelDescriptor#FILE_NAME} and
 * the public {@value SharedModel#RANGES_FILE}, which {@link ModelStore#model} reads back. Party 0's folder
 * needs p0.shares and the two public files, party 1's p1.shares and the same two.
 */
public final class ModelPublisher {
  private ModelPublisher() {}

  /** The written files, shares first. */
  public record Published(Path folder, Path p0Shares, Path p1Shares, Path descriptor, Path ranges) {
    public List<Path> files() {
      return List.of(p0Shares, p1Shares, descriptor, ranges);
    }
  }

  /**
   * Encodes {@code model} with {@code fracBits}, shares it and writes the four files. Refuses ranges planned
   * for other fractional bits (the secure protocols' ring widths are sized from both), and a folder that
   * already holds shares: fresh shares of the same model are new random values, so a party still holding
   * an old share next to a new one would reconstruct garbage.
   */
  public static Published publish(String modelId, BertModel model, int fracBits, ModelRanges ranges, Path dir)
      throws IOException {
    return publish(modelId, model, fracBits, ModelDescriptor.defaultLabels(model.config().numLabels()), ranges, dir);
  }

  /** As {@link #publish(String, BertModel, int, ModelRanges, Path)}, naming the classifier's outputs. */
  public static Published publish(String modelId, BertModel model, int fracBits, List<String> labels,
      ModelRanges ranges, Path dir) throws IOException {
    Path p0 = ModelStore.shareFile(dir, modelId, 0);
    Path p1 = ModelStore.shareFile(dir, modelId, 1);
    if (ranges.fracBits() != fracBits) {
      throw new IllegalArgumentException("the ranges of '" + ranges.model() + "' are planned for " + ranges.fracBits()
          + " fractional bits, not " + fracBits);
    }
    if (Files.exists(p0) || Files.exists(p1)) {
      throw new IllegalArgumentException(p0.getParent() + " already holds shares of model '" + modelId
          + "'; remove that folder or choose another model id");
    }
    Path descriptor = ModelDescriptor.share(modelId, model, fracBits, labels, dir);
    Path rangesFile = p0.resolveSibling(SharedModel.RANGES_FILE);
    writeAtomically(rangesFile, ranges.toPropertiesText("model '" + modelId + "', written by the model owner"));
    return new Published(p0.getParent(), p0, p1, descriptor, rangesFile);
  }

  private static void writeAtomically(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.ISO_8859_1);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
