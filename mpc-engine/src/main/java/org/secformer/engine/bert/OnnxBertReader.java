package org.secformer.engine.bert;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.secformer.engine.bert.BertConfig.Activation;
import org.secformer.engine.bert.BertConfig.AttentionKind;
import org.secformer.engine.bert.BertConfig.Pooling;
import org.secformer.engine.model.ModelFormatException;

/**
 * Reads a BERT encoder exported to ONNX by PyTorch (Hugging Face {@code BertModel}, e.g. Xenova's
 * all-MiniLM-L6-v2 {@code model.onnx}) into a {@link BertModel}.
 *
 * <p>Named initializers (embeddings, biases, LayerNorm) map through {@link BertNames}. The exporter
 * leaves the weight matrices unnamed ({@code onnx::MatMul_787}) and stores them [in, out]; each is
 * named after the MatMul node that consumes it ({@code /encoder/layer.0/attention/self/query/MatMul}
 * gives {@code layer.0.attn.q.weight}). The config comes from the tensor shapes and the graph: the heads
 * from the constants of the per-head Reshape (or from the 1/sqrt(d) scale), the LayerNorm epsilon from
 * the constant added before Sqrt, GeLU from Erf, softmax from Softmax. The graph has no pooling, so the
 * config says mean pooling with L2 normalisation (sentence-transformers) and no classifier; change it
 * with {@link BertModel#withConfig}.
 */
public final class OnnxBertReader {
  private OnnxBertReader() {}

  public static BertModel read(Path file) {
    return read(file, null);
  }

  /** {@code heads}: null to infer from the graph; if given and the graph says otherwise, an error. */
  public static BertModel read(Path file, Integer heads) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ModelFormatException("cannot read ONNX model " + file + ": " + e.getMessage(), e);
    }
    return read(bytes, file.toString(), heads);
  }

  public static BertModel read(InputStream in, String source, Integer heads) {
    try {
      return read(in.readAllBytes(), source, heads);
    } catch (IOException e) {
      throw new ModelFormatException("cannot read ONNX model " + source + ": " + e.getMessage(), e);
    }
  }

  public static BertModel read(byte[] bytes, String source, Integer heads) {
    OnnxMl.ModelProto model = parse(bytes, source);
    return new Builder(model.getGraph(), source).build(heads);
  }

  /** Parses an ONNX ModelProto with protobuf's 64 MiB message limit lifted; errors name the source. */
  static OnnxMl.ModelProto parse(byte[] bytes, String source) {
    if (bytes.length == 0) {
      throw new ModelFormatException(source + " is empty, not an ONNX model");
    }
    OnnxMl.ModelProto model;
    try {
      CodedInputStream in = CodedInputStream.newInstance(bytes);
      in.enableAliasing(true);
      in.setSizeLimit(Integer.MAX_VALUE);
      model = OnnxMl.ModelProto.parseFrom(in);
    } catch (InvalidProtocolBufferException e) {
      throw new ModelFormatException(source + " is not a valid ONNX model (truncated or corrupt): " + e.getMessage(), e);
    } catch (IOException e) {
      throw new ModelFormatException("cannot parse ONNX model " + source + ": " + e.getMessage(), e);
    }
    if (!model.hasGraph() || model.getGraph().getInitializerCount() == 0) {
      throw new ModelFormatException(source + " is not an ONNX model with weights (no graph or no initializers"
          + "; truncated or not ONNX?)");
    }
    return model;
  }

  private static final class Builder {
    private final OnnxMl.GraphProto graph;
    private final String source;
    private final Map<String, List<NodeProto>> consumers = new HashMap<>();
    private final Map<String, NodeProto> producers = new HashMap<>();
    private final Map<String, TensorProto> initializers = new LinkedHashMap<>();

    Builder(OnnxMl.GraphProto graph, String source) {
      this.graph = graph;
      this.source = source;
      for (TensorProto t : graph.getInitializerList()) {
        initializers.put(t.getName(), t);
      }
      for (NodeProto n : graph.getNodeList()) {
        for (String in : n.getInputList()) {
          consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
        }
        for (String out : n.getOutputList()) {
          producers.put(out, n);
        }
      }
    }

    BertModel build(Integer headsHint) {
      Map<String, Tensor> tensors = new LinkedHashMap<>();
      Map<String, String> origin = new HashMap<>();
      for (TensorProto t : initializers.values()) {
        if (!isFloat(t.getDataType())) {
          continue; // position_ids and other integer constants
        }
        String name = t.getName();
        Mapped m = map(t);
        if (m == null) {
          if (name.startsWith("pooler.") || name.startsWith("bert.pooler.") || Tensor.size(dims(t)) <= 1) {
            continue;
          }
          throw new ModelFormatException(source + ": initializer '" + name + "' " + Arrays.toString(dims(t))
              + " is not a BERT encoder weight this reader knows" + consumerNote(name));
        }
        String prev = origin.put(m.canonical, name);
        if (prev != null) {
          throw new ModelFormatException(source + ": initializers '" + prev + "' and '" + name + "' both map to '"
              + m.canonical + "'");
        }
        Tensor v = Tensor.of(floats(t), dims(t));
        tensors.put(m.canonical, m.transpose ? v.transpose2d() : v);
      }
      BertConfig config = inferConfig(tensors, headsHint);
      return new BertModel(config, tensors);
    }

    private record Mapped(String canonical, boolean transpose) {}

    private static final Pattern MATMUL_OUT = Pattern.compile("/?(.+)/MatMul(?:_output_0)?");

    private Mapped map(TensorProto t) {
      String name = t.getName();
      List<NodeProto> users = consumers.getOrDefault(name, List.of());
      BertNames.Mapped byName = BertNames.fromHuggingFace(name);
      if (byName != null && !byName.linearWeight()) {
        return new Mapped(byName.canonical(), false);
      }
      // a weight matrix: find how the graph consumes it
      for (NodeProto n : users) {
        if (n.getOpType().equals("MatMul") && n.getInputCount() == 2 && n.getInput(1).equals(name)) {
          if (byName != null) {
            return new Mapped(byName.canonical(), false);
          }
          String canon = fromNodePath(n);
          if (canon == null) {
            throw new ModelFormatException(source + ": weight matrix '" + name + "' " + Arrays.toString(dims(t))
                + " feeds MatMul node '" + n.getName() + "' (output '" + n.getOutput(0)
                + "'), which names no BERT parameter");
          }
          return new Mapped(canon, false);
        }
        if (n.getOpType().equals("Gemm") && n.getInputCount() >= 2 && n.getInput(1).equals(name)) {
          boolean transB = n.getAttributeList().stream().anyMatch(a -> a.getName().equals("transB") && a.getI() == 1);
          String canon = byName != null ? byName.canonical() : fromNodePath(n);
          if (canon != null) {
            return new Mapped(canon, transB);
          }
        }
        if (n.getOpType().equals("Transpose") && byName != null) {
          return new Mapped(byName.canonical(), true);
        }
      }
      if (byName != null) {
        throw new ModelFormatException(source + ": weight '" + name + "' is not consumed by a MatMul, Gemm or"
            + " Transpose node, so its layout is unknown");
      }
      return null;
    }

    /** {@code /encoder/layer.0/attention/self/query/MatMul_output_0} to {@code layer.0.attn.q.weight}. */
    private static String fromNodePath(NodeProto n) {
      for (String label : new String[] {n.getOutputCount() > 0 ? n.getOutput(0) : "", n.getName()}) {
        String path = label.replaceFirst("/(MatMul|Gemm)(_output_0)?$", "");
        if (path.equals(label)) {
          continue;
        }
        path = path.replaceFirst("^/", "").replace('/', '.');
        BertNames.Mapped m = BertNames.fromHuggingFace(path + ".weight");
        if (m != null && m.linearWeight()) {
          return m.canonical();
        }
      }
      return null;
    }

    private String consumerNote(String name) {
      List<NodeProto> users = consumers.getOrDefault(name, List.of());
      if (users.isEmpty()) {
        return " (no node consumes it)";
      }
      NodeProto n = users.get(0);
      return " (consumed by " + n.getOpType() + " node '" + n.getName() + "')";
    }

    private static final Pattern LAYER = Pattern.compile("layer\\.(\\d+)\\..*");

    private BertConfig inferConfig(Map<String, Tensor> t, Integer headsHint) {
      Tensor word = t.get(BertNames.WORD), pos = t.get(BertNames.POSITION), type = t.get(BertNames.TOKEN_TYPE);
      if (word == null || word.rank() != 2) {
        throw new ModelFormatException(source + ": no word embedding table ('embeddings.word_embeddings.weight')");
      }
      int hidden = word.dim(1);
      int layers = 0;
      for (String name : t.keySet()) {
        Matcher m = LAYER.matcher(name);
        if (m.matches()) {
          layers = Math.max(layers, Integer.parseInt(m.group(1)) + 1);
        }
      }
      if (layers == 0) {
        throw new ModelFormatException(source + ": no encoder layers found");
      }
      Tensor ffnIn = t.get(BertNames.layer(0, "ffn.in.weight"));
      if (ffnIn == null || ffnIn.rank() != 2) {
        throw new ModelFormatException(source + ": missing tensor 'layer.0.ffn.in.weight' (intermediate dense)");
      }
      Integer heads = inferHeads(hidden);
      if (headsHint != null) {
        if (heads != null && !heads.equals(headsHint)) {
          throw new ModelFormatException(source + ": the graph uses " + heads + " attention heads, not " + headsHint);
        }
        heads = headsHint;
      }
      if (heads == null) {
        throw new ModelFormatException(source + ": cannot infer the number of attention heads from the graph;"
            + " pass it explicitly");
      }
      boolean erf = false, softmax = false;
      List<String> unsupported = new ArrayList<>();
      for (NodeProto n : graph.getNodeList()) {
        switch (n.getOpType()) {
          case "Erf", "Gelu" -> erf = true;
          case "Softmax" -> softmax = true;
          case "Tanh", "FastGelu", "BiasGelu", "Relu", "Sigmoid" -> unsupported.add(n.getOpType());
          default -> { }
        }
      }
      if (!erf) {
        throw new ModelFormatException(source + ": no Erf node, so the activation is not the exact GeLU"
            + (unsupported.isEmpty() ? "" : " (found " + unsupported + ")") + "; only exact GeLU is supported");
      }
      if (!softmax) {
        throw new ModelFormatException(source + ": no Softmax node; cannot tell how attention is normalised");
      }
      return new BertConfig(layers, hidden, heads, ffnIn.dim(1), word.dim(0),
          pos == null ? 0 : pos.dim(0), type == null ? 0 : type.dim(0), inferEps(),
          Activation.GELU, AttentionKind.SOFTMAX, Pooling.MEAN, true, 0);
    }

    /** Heads from a 4-D Reshape [batch, seq, heads, headDim], or from the 1/sqrt(headDim) scale. */
    private Integer inferHeads(int hidden) {
      for (NodeProto n : graph.getNodeList()) {
        if (!n.getOpType().equals("Reshape") || n.getInputCount() < 2) {
          continue;
        }
        long[] shape = constantLongs(n.getInput(1));
        if (shape == null) {
          NodeProto concat = producers.get(n.getInput(1));
          if (concat != null && concat.getOpType().equals("Concat") && concat.getInputCount() == 4) {
            long[] a = constantLongs(concat.getInput(2)), b = constantLongs(concat.getInput(3));
            if (a != null && b != null && a.length == 1 && b.length == 1) {
              shape = new long[] {-1, -1, a[0], b[0]};
            }
          }
        }
        if (shape != null && shape.length == 4 && shape[2] > 0 && shape[3] > 0 && shape[2] * shape[3] == hidden) {
          return (int) shape[2];
        }
      }
      for (NodeProto n : graph.getNodeList()) {
        if (n.getOpType().equals("Div") && n.getInputCount() == 2 && n.getName().contains("attention")) {
          double[] s = constantDoubles(n.getInput(1));
          if (s != null && s.length == 1 && s[0] > 1) {
            long d = Math.round(s[0] * s[0]);
            if (d > 0 && Math.abs(Math.sqrt(d) - s[0]) < 1e-4 * s[0] && hidden % d == 0) {
              return (int) (hidden / d);
            }
          }
        }
      }
      return null;
    }

    /** LayerNorm epsilon: a LayerNormalization attribute, or the scalar added to the variance before Sqrt. */
    private double inferEps() {
      for (NodeProto n : graph.getNodeList()) {
        if (n.getOpType().equals("LayerNormalization")) {
          for (OnnxMl.AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals("epsilon")) {
              return a.getF();
            }
          }
          return 1e-5; // the operator's default
        }
        if (n.getOpType().equals("Sqrt")) {
          NodeProto add = producers.get(n.getInput(0));
          if (add != null && add.getOpType().equals("Add")) {
            for (String in : add.getInputList()) {
              double[] c = constantDoubles(in);
              if (c != null && c.length == 1 && c[0] > 0 && c[0] < 1e-2) {
                return c[0];
              }
            }
          }
        }
      }
      throw new ModelFormatException(source + ": cannot find the LayerNorm epsilon (no LayerNormalization node"
          + " and no Add(variance, eps) before a Sqrt)");
    }

    private TensorProto constant(String name) {
      TensorProto t = initializers.get(name);
      if (t != null) {
        return t;
      }
      NodeProto p = producers.get(name);
      if (p != null && p.getOpType().equals("Constant")) {
        for (OnnxMl.AttributeProto a : p.getAttributeList()) {
          if (a.getName().equals("value") && a.hasT()) {
            return a.getT();
          }
        }
      }
      return null;
    }

    private long[] constantLongs(String name) {
      TensorProto t = constant(name);
      if (t == null || (t.getDataType() != TensorProto.DataType.INT64_VALUE
          && t.getDataType() != TensorProto.DataType.INT32_VALUE)) {
        return null;
      }
      int n = Math.toIntExact(Tensor.size(dims(t)));
      long[] out = new long[n];
      if (!t.getRawData().isEmpty()) {
        ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        boolean i64 = t.getDataType() == TensorProto.DataType.INT64_VALUE;
        if (b.remaining() != n * (i64 ? 8 : 4)) {
          return null;
        }
        for (int i = 0; i < n; i++) {
          out[i] = i64 ? b.getLong() : b.getInt();
        }
      } else if (t.getDataType() == TensorProto.DataType.INT64_VALUE && t.getInt64DataCount() == n) {
        for (int i = 0; i < n; i++) {
          out[i] = t.getInt64Data(i);
        }
      } else if (t.getDataType() == TensorProto.DataType.INT32_VALUE && t.getInt32DataCount() == n) {
        for (int i = 0; i < n; i++) {
          out[i] = t.getInt32Data(i);
        }
      } else {
        return null;
      }
      return out;
    }

    private double[] constantDoubles(String name) {
      TensorProto t = constant(name);
      return t == null || !isFloat(t.getDataType()) ? null : floats(t);
    }

    private int[] dims(TensorProto t) {
      int[] d = new int[t.getDimsCount()];
      for (int i = 0; i < d.length; i++) {
        long v = t.getDims(i);
        if (v < 0 || v > Integer.MAX_VALUE) {
          throw new ModelFormatException(source + ": tensor '" + t.getName() + "' has dimension " + v);
        }
        d[i] = (int) v;
      }
      return d;
    }

    /** Values of a FLOAT, DOUBLE, FLOAT16 or BFLOAT16 tensor, from raw_data (little-endian) or the typed field. */
    private double[] floats(TensorProto t) {
      if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
        throw new ModelFormatException(source + ": tensor '" + t.getName() + "' keeps its data in an external file,"
            + " which this reader does not support");
      }
      int[] shape = dims(t);
      int n = Math.toIntExact(Tensor.size(shape));
      int type = t.getDataType();
      int width = switch (type) {
        case TensorProto.DataType.FLOAT_VALUE -> 4;
        case TensorProto.DataType.DOUBLE_VALUE -> 8;
        default -> 2;
      };
      double[] out = new double[n];
      ByteString raw = t.getRawData();
      if (!raw.isEmpty()) {
        if (raw.size() != (long) n * width) {
          throw new ModelFormatException(source + ": tensor '" + t.getName() + "' " + Arrays.toString(shape) + " needs "
              + (long) n * width + " bytes of raw data but has " + raw.size());
        }
        ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        switch (type) {
          case TensorProto.DataType.FLOAT_VALUE -> {
            java.nio.FloatBuffer f = b.asFloatBuffer();
            for (int i = 0; i < n; i++) {
              out[i] = f.get(i);
            }
          }
          case TensorProto.DataType.DOUBLE_VALUE -> b.asDoubleBuffer().get(out);
          case TensorProto.DataType.FLOAT16_VALUE -> {
            for (int i = 0; i < n; i++) {
              out[i] = HalfFloats.f16ToFloat(b.getShort(2 * i));
            }
          }
          default -> {
            for (int i = 0; i < n; i++) {
              out[i] = HalfFloats.bf16ToFloat(b.getShort(2 * i));
            }
          }
        }
        return out;
      }
      int count = switch (type) {
        case TensorProto.DataType.FLOAT_VALUE -> t.getFloatDataCount();
        case TensorProto.DataType.DOUBLE_VALUE -> t.getDoubleDataCount();
        default -> t.getInt32DataCount();
      };
      if (count != n) {
        throw new ModelFormatException(source + ": tensor '" + t.getName() + "' " + Arrays.toString(shape) + " needs "
            + n + " values but holds " + count);
      }
      for (int i = 0; i < n; i++) {
        out[i] = switch (type) {
          case TensorProto.DataType.FLOAT_VALUE -> t.getFloatData(i);
          case TensorProto.DataType.DOUBLE_VALUE -> t.getDoubleData(i);
          case TensorProto.DataType.FLOAT16_VALUE -> HalfFloats.f16ToFloat((short) t.getInt32Data(i));
          default -> HalfFloats.bf16ToFloat((short) t.getInt32Data(i));
        };
      }
      return out;
    }

    private static boolean isFloat(int type) {
      return type == TensorProto.DataType.FLOAT_VALUE || type == TensorProto.DataType.DOUBLE_VALUE
          || type == TensorProto.DataType.FLOAT16_VALUE || type == TensorProto.DataType.BFLOAT16_VALUE;
    }
  }
}
