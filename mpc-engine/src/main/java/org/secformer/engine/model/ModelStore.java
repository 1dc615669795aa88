package org.secformer.engine.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.secformer.engine.MpcException;
import org.secformer.engine.bert.ModelDescriptor;
import org.secformer.engine.bert.ModelRanges;
import org.secformer.shares.control.ErrorCode;

/**
 * One party's loaded models, keyed by model id; loads a model's files on first use. {@link #get} gives the
 * raw share file (enough for a single linear layer); {@link #model} gives a published BERT model with its
 * descriptor and declared ranges, checked against the share file.
 */
public final class ModelStore {
  private static final Pattern MODEL_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private final Path dir;
  private final int party;
  private final ConcurrentHashMap<String, WeightShareFile> loaded = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, SharedModel> models = new ConcurrentHashMap<>();

  public ModelStore(Path dir, int party) {
    this.dir = dir;
    this.party = party;
  }

  public static Path shareFile(Path dir, String modelId, int party) {
    if (modelId == null || !MODEL_ID.matcher(modelId).matches()) {
      throw new MpcException(ErrorCode.BAD_REQUEST, "invalid model id '" + modelId + "'");
    }
    return dir.resolve(modelId).resolve("p" + party + ".shares");
  }

  public WeightShareFile get(String modelId) {
    return loaded.computeIfAbsent(modelId, this::load);
  }

  /**
   * The published model {@code modelId}: descriptor, this party's shares and declared ranges. Refused
   * (with the offending file named) when a file is missing or unreadable, or when the three disagree on
   * the fractional bits or the share file's tensors differ from the descriptor's.
   */
  public SharedModel model(String modelId) {
    return models.computeIfAbsent(modelId, this::loadModel);
  }

  private WeightShareFile load(String modelId) {
    Path file = shareFile(dir, modelId, party);
    if (!Files.isRegularFile(file)) {
      throw new MpcException(ErrorCode.UNKNOWN_MODEL, "model '" + modelId + "' has no share file for party " + party + " (" + file + ")");
    }
    WeightShareFile f = WeightShareFile.read(file);
    if (f.party() != party || !f.modelId().equals(modelId)) {
      throw new MpcException(ErrorCode.UNKNOWN_MODEL,
          file + " holds model '" + f.modelId() + "' for party " + f.party() + ", not '" + modelId + "' for party " + party);
    }
    return f;
  }

  private SharedModel loadModel(String modelId) {
    WeightShareFile shares = get(modelId);
    Path sharesFile = shareFile(dir, modelId, party);
    Path descriptorFile = sharesFile.resolveSibling(ModelDescriptor.FILE_NAME);
    Path rangesFile = sharesFile.resolveSibling(SharedModel.RANGES_FILE);

    if (!Files.isRegularFile(descriptorFile)) {
      throw new ModelFormatException("model '" + modelId + "' has no descriptor " + descriptorFile
          + " (publish the model with engine share-model)");
    }
    ModelDescriptor descriptor = ModelDescriptor.read(descriptorFile);
    if (!descriptor.modelId().equals(modelId)) {
      throw new ModelFormatException(descriptorFile + " describes model '" + descriptor.modelId() + "', not '" + modelId + "'");
    }
    ModelRanges ranges = readRanges(modelId, rangesFile);

    if (shares.fracBits() != descriptor.fracBits()) {
      throw new ModelFormatException(sharesFile + " is encoded with " + shares.fracBits() + " fractional bits but "
          + descriptorFile + " says " + descriptor.fracBits());
    }
    if (ranges.fracBits() != descriptor.fracBits()) {
      throw new ModelFormatException(rangesFile + " is planned for " + ranges.fracBits() + " fractional bits but "
          + descriptorFile + " says " + descriptor.fracBits());
    }
    String mismatch = firstTensorMismatch(descriptor.shapes(), shares.entries());
    if (mismatch != null) {
      throw new ModelFormatException(sharesFile + " does not match " + descriptorFile + ": " + mismatch);
    }
    return new SharedModel(descriptor, shares, ranges);
  }

  private static ModelRanges readRanges(String modelId, Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ModelFormatException("model '" + modelId + "' has no declared ranges " + file
          + " (publish the model with engine share-model)");
    }
    try (InputStream in = Files.newInputStream(file)) {
      return ModelRanges.load(in, file.toString());
    } catch (IOException e) {
      throw new ModelFormatException("cannot read model ranges " + file + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      // ModelRanges' messages already name the file.
      throw new ModelFormatException(e.getMessage(), e);
    }
  }

  /** The first tensor, in the descriptor's order, missing or of another shape; then any extra one; else null. */
  private static String firstTensorMismatch(Map<String, int[]> expected, Map<String, WeightShareFile.Entry> actual) {
    for (Map.Entry<String, int[]> e : expected.entrySet()) {
      WeightShareFile.Entry a = actual.get(e.getKey());
      if (a == null) {
        return "tensor '" + e.getKey() + "' " + Arrays.toString(e.getValue()) + " is missing";
      }
      if (!Arrays.equals(a.shape(), e.getValue())) {
        return "tensor '" + e.getKey() + "' has shape " + Arrays.toString(a.shape()) + ", the descriptor says "
            + Arrays.toString(e.getValue());
      }
    }
    for (String name : actual.keySet()) {
      if (!expected.containsKey(name)) {
        return "unexpected tensor '" + name + "'";
      }
    }
    return null;
  }
}
