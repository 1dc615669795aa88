package org.secformer.engine.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.onnx.proto.OnnxMl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secformer.engine.model.ModelFormatException;

class OnnxBertReaderTest {
  @TempDir Path dir;

  private static String error(byte[] bytes, Integer heads) {
    return assertThrows(ModelFormatException.class, () -> OnnxBertReader.read(bytes, "m.onnx", heads)).getMessage();
  }

  @Test
  void mapsUnnamedMatMulWeightsByTheirNode() {
    BertModel m = MiniLm.get().model;
    OnnxMl.ModelProto proto = OnnxBertReader.parse(MiniLm.get().onnxBytes, "minilm");
    OnnxMl.TensorProto q0 = proto.getGraph().getInitializerList().stream()
        .filter(t -> t.getName().equals("onnx::MatMul_787")).findFirst().orElseThrow();
    assertEquals(Arrays.asList(384L, 384L), q0.getDimsList());
    float first = q0.getRawData().asReadOnlyByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN).getFloat(4 * 385);
    assertEquals(first, m.tensor("layer.0.attn.q.weight").data()[385]); // [in, out] kept as stored
    assertEquals(12, m.config().heads());
  }

  @Test
  void truncatedCorruptOrEmptyFilesGiveClearErrors() throws Exception {
    byte[] all = MiniLm.get().onnxBytes;
    SafetensorsTest.assertContains(error(Arrays.copyOf(all, all.length / 2), null), "not a valid ONNX model (truncated or corrupt)");
    SafetensorsTest.assertContains(error(Arrays.copyOf(all, all.length - 100), null), "m.onnx");
    SafetensorsTest.assertContains(error(new byte[0], null), "is empty");
    SafetensorsTest.assertContains(error("this is not a model\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII), null),
        "m.onnx");
    Path missing = dir.resolve("none.onnx");
    SafetensorsTest.assertContains(assertThrows(ModelFormatException.class, () -> OnnxBertReader.read(missing)).getMessage(),
        "cannot read ONNX model");
    Path small = dir.resolve("small.onnx");
    Files.write(small, Arrays.copyOf(all, 1 << 20));
    SafetensorsTest.assertContains(assertThrows(ModelFormatException.class, () -> OnnxBertReader.read(small)).getMessage(),
        small.toString());
  }

  @Test
  void headsHintMustAgreeWithTheGraph() {
    SafetensorsTest.assertContains(error(MiniLm.get().onnxBytes, 6), "the graph uses 12 attention heads, not 6");
  }

  @Test
  void aMissingInitializerIsNamed() {
    OnnxMl.ModelProto proto = OnnxBertReader.parse(MiniLm.get().onnxBytes, "minilm");
    OnnxMl.GraphProto.Builder g = proto.getGraph().toBuilder();
    for (int i = 0; i < g.getInitializerCount(); i++) {
      if (g.getInitializer(i).getName().equals("encoder.layer.3.output.dense.bias")) {
        g.removeInitializer(i);
        break;
      }
    }
    byte[] cut = proto.toBuilder().setGraph(g).build().toByteArray();
    SafetensorsTest.assertContains(error(cut, null), "missing tensor 'layer.3.ffn.out.bias' (expected shape [384])");
  }
}
