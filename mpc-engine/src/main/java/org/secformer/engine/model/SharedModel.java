package org.secformer.engine.model;

import java.util.Objects;
import org.secformer.engine.bert.ModelDescriptor;
import org.secformer.engine.bert.ModelRanges;

/**
 * What one computing party holds for one model id, all read from {@code <dir>/<modelId>/}: the public
 * descriptor ({@value ModelDescriptor#FILE_NAME}), the party's weight shares ({@code p<party>.shares}) and
 * the public declared protocol ranges ({@value #RANGES_FILE}). {@link ModelStore#model} checks that the
 * three agree before handing one out.
 */
public record SharedModel(ModelDescriptor descriptor, WeightShareFile shares, ModelRanges ranges) {
  /** The declared ranges' file name next to the share files. */
  public static final String RANGES_FILE = "ranges.properties";

  public SharedModel {
    Objects.requireNonNull(descriptor, "descriptor");
    Objects.requireNonNull(shares, "shares");
    Objects.requireNonNull(ranges, "ranges");
  }

  public String modelId() {
    return descriptor.modelId();
  }

  public int party() {
    return shares.party();
  }

  public int fracBits() {
    return descriptor.fracBits();
  }
}
