package org.secformer.engine.model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.secformer.engine.MpcException;
import org.secformer.shares.control.ErrorCode;

/** One party's loaded weight shares, keyed by model id; loads a model's file on first use. */
public final class ModelStore {
  private static final Pattern MODEL_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private final Path dir;
  private final int party;
  private final ConcurrentHashMap<String, WeightShareFile> loaded = new ConcurrentHashMap<>();

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
}
