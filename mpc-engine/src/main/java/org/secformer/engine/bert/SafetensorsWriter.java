package org.secformer.engine.bert;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the safetensors format (see {@link SafetensorsReader}): tensors in the order added, contiguous,
 * the JSON header padded with spaces to a multiple of 8 bytes so the data starts aligned.
 */
public final class SafetensorsWriter {
  private record Pending(SafetensorsDType dtype, int[] shape, double[] floats, long[] ints) {}

  private final Map<String, String> metadata = new LinkedHashMap<>();
  private final Map<String, Pending> tensors = new LinkedHashMap<>();

  public SafetensorsWriter metadata(String key, String value) {
    metadata.put(key, value);
    return this;
  }

  /** A floating-point tensor, rounded to {@code dtype} (to nearest, ties to even). */
  public SafetensorsWriter add(String name, SafetensorsDType dtype, Tensor t) {
    if (!dtype.isFloat()) {
      throw new IllegalArgumentException(dtype + " is not a floating-point dtype; use addLongs");
    }
    return put(name, new Pending(dtype, t.shape(), t.data(), null));
  }

  /** An integer tensor; values must fit {@code dtype}. */
  public SafetensorsWriter addLongs(String name, SafetensorsDType dtype, long[] values, int... shape) {
    if (dtype.isFloat()) {
      throw new IllegalArgumentException(dtype + " is a floating-point dtype; use add");
    }
    if (Tensor.size(shape) != values.length) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " does not hold " + values.length + " values");
    }
    return put(name, new Pending(dtype, shape.clone(), null, values));
  }

  private SafetensorsWriter put(String name, Pending p) {
    if (name.equals("__metadata__") || name.isEmpty()) {
      throw new IllegalArgumentException("invalid tensor name '" + name + "'");
    }
    if (tensors.putIfAbsent(name, p) != null) {
      throw new IllegalArgumentException("tensor '" + name + "' added twice");
    }
    return this;
  }

  public byte[] toBytes() {
    StringBuilder h = new StringBuilder("{");
    if (!metadata.isEmpty()) {
      h.append("\"__metadata__\":{");
      boolean first = true;
      for (Map.Entry<String, String> e : metadata.entrySet()) {
        h.append(first ? "" : ",").append(Json.quote(e.getKey())).append(':').append(Json.quote(e.getValue()));
        first = false;
      }
      h.append('}');
    }
    long offset = 0;
    for (Map.Entry<String, Pending> e : tensors.entrySet()) {
      Pending p = e.getValue();
      long bytes = Tensor.size(p.shape) * p.dtype.bytes();
      h.append(h.length() > 1 ? "," : "").append(Json.quote(e.getKey())).append(":{\"dtype\":\"").append(p.dtype)
          .append("\",\"shape\":[");
      for (int i = 0; i < p.shape.length; i++) {
        h.append(i > 0 ? "," : "").append(p.shape[i]);
      }
      h.append("],\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
      offset += bytes;
    }
    h.append('}');
    byte[] header = h.toString().getBytes(StandardCharsets.UTF_8);
    int padded = (header.length + 7) / 8 * 8;
    long total = 8L + padded + offset;
    if (total > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("safetensors output of " + total + " bytes is too large for one array");
    }
    ByteBuffer out = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(padded);
    out.put(header);
    for (int i = header.length; i < padded; i++) {
      out.put((byte) ' ');
    }
    for (Pending p : tensors.values()) {
      encode(p, out);
    }
    return out.array();
  }

  private static void encode(Pending p, ByteBuffer out) {
    if (p.floats != null) {
      for (double v : p.floats) {
        switch (p.dtype) {
          case F64 -> out.putDouble(v);
          case F32 -> out.putFloat((float) v);
          case F16 -> out.putShort(HalfFloats.floatToF16((float) v));
          default -> out.putShort(HalfFloats.floatToBf16((float) v));
        }
      }
      return;
    }
    for (long v : p.ints) {
      switch (p.dtype) {
        case I64 -> out.putLong(v);
        case I32 -> out.putInt(Math.toIntExact(v));
        case I16 -> out.putShort(checkedShort(v));
        case I8 -> out.put(checkedByte(v, -128, 127));
        default -> out.put(checkedByte(v, 0, p.dtype == SafetensorsDType.BOOL ? 1 : 255));
      }
    }
  }

  private static short checkedShort(long v) {
    if (v != (short) v) {
      throw new IllegalArgumentException(v + " does not fit I16");
    }
    return (short) v;
  }

  private static byte checkedByte(long v, int lo, int hi) {
    if (v < lo || v > hi) {
      throw new IllegalArgumentException(v + " is outside [" + lo + ", " + hi + "]");
    }
    return (byte) v;
  }

  /** Writes atomically (temporary file, then move). */
  public void write(Path file) throws IOException {
    Path abs = file.toAbsolutePath();
    Files.createDirectories(abs.getParent());
    Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
    Files.write(tmp, toBytes());
    Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * A writer holding {@code model} under Hugging Face names in PyTorch layout (linear weights [out, in]),
   * so that {@code transformers} can load it, with the config as {@code secformer.*} metadata and
   * {@code format = pt}.
   */
  public static SafetensorsWriter forBert(BertModel model, SafetensorsDType dtype) {
    SafetensorsWriter w = new SafetensorsWriter();
    BertConfig c = model.config();
    String p = SafetensorsReader.CONFIG_PREFIX;
    w.metadata("format", "pt")
        .metadata(p + "layers", Integer.toString(c.layers()))
        .metadata(p + "hidden", Integer.toString(c.hidden()))
        .metadata(p + "heads", Integer.toString(c.heads()))
        .metadata(p + "intermediate", Integer.toString(c.intermediate()))
        .metadata(p + "vocab", Integer.toString(c.vocab()))
        .metadata(p + "max_positions", Integer.toString(c.maxPositions()))
        .metadata(p + "type_vocab", Integer.toString(c.typeVocab()))
        .metadata(p + "layer_norm_eps", Double.toString(c.layerNormEps()))
        .metadata(p + "activation", c.activation().name())
        .metadata(p + "attention", c.attention().name())
        .metadata(p + "pooling", c.pooling().name())
        .metadata(p + "normalize", Boolean.toString(c.normalize()))
        .metadata(p + "num_labels", Integer.toString(c.numLabels()));
    for (Map.Entry<String, Tensor> e : model.tensors().entrySet()) {
      Tensor t = BertNames.isMatrix(e.getKey()) ? e.getValue().transpose2d() : e.getValue();
      w.add(BertNames.toHuggingFace(e.getKey()), dtype, t);
    }
    return w;
  }

  public static void writeBert(BertModel model, SafetensorsDType dtype, Path file) throws IOException {
    forBert(model, dtype).write(file);
  }
}
