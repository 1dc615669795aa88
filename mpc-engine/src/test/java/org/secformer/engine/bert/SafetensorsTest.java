package org.secformer.engine.bert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secformer.engine.bert.BertConfig.AttentionKind;
import org.secformer.engine.model.ModelFormatException;

class SafetensorsTest {
  @TempDir Path dir;

  static BertConfig tinyConfig() {
    return new BertConfig(2, 8, 2, 16, 24, 16, 2, 1e-12, BertConfig.Activation.GELU, AttentionKind.SOFTMAX,
        BertConfig.Pooling.MEAN, true, 3);
  }

  static BertModel randomModel(BertConfig c, long seed, boolean floatValues) {
    Random r = new Random(seed);
    Map<String, Tensor> t = new LinkedHashMap<>();
    for (Map.Entry<String, int[]> e : BertModel.expectedShapes(c).entrySet()) {
      double[] v = new double[(int) Tensor.size(e.getValue())];
      for (int i = 0; i < v.length; i++) {
        v[i] = r.nextGaussian() * 0.3;
        if (floatValues) {
          v[i] = (float) v[i];
        }
      }
      t.put(e.getKey(), Tensor.of(v, e.getValue()));
    }
    return new BertModel(c, t);
  }

  // ------------------------------------------------------------------ fixtures from the numpy writer

  @Test
  void readsTheNumpyWrittenTinyBertAndPlainBertMatchesNumpysForwardPass() {
    SafetensorsReader file = Fixtures.reader("tiny-bert.safetensors");
    assertEquals(Map.of("format", "pt"), file.metadata());
    assertEquals(SafetensorsDType.F64, file.entry("bert.embeddings.LayerNorm.weight").dtype());
    assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
        file.longs("bert.embeddings.position_ids"));
    ModelFormatException noHeads = assertThrows(ModelFormatException.class, () -> SafetensorsReader.readBert(file, null));
    assertTrue(noHeads.getMessage().contains("attention heads"), noHeads.getMessage());

    BertModel model = SafetensorsReader.readBert(file, 2);
    assertEquals(tinyConfig(), model.config());
    // PyTorch [out, in] became [in, out]
    Tensor q = file.tensor("bert.encoder.layer.1.attention.self.query.weight");
    assertEquals(q.data()[3 * 8 + 5], model.tensor("layer.1.attn.q.weight").data()[5 * 8 + 3]);
    Tensor cls = file.tensor("classifier.weight"); // [3, 8]
    assertEquals(cls.data()[2 * 8 + 7], model.tensor("classifier.weight").data()[7 * 3 + 2]);

    SafetensorsReader exp = Fixtures.reader("tiny-bert-expected.safetensors");
    BertInput in = new BertInput(Fixtures.ints(exp, "input_ids"), Fixtures.ints(exp, "attention_mask"),
        Fixtures.ints(exp, "token_type_ids"));
    PlainBert soft = new PlainBert(model);
    assertClose(exp.tensor("last_hidden_state.softmax").data(), flat(soft.lastHiddenState(in)), 1e-12);
    assertClose(exp.tensor("embeddings").data(), flat(soft.embed(in)), 1e-12);
    assertClose(exp.tensor("logits").data(), flat(soft.logits(in)), 1e-12);
    PlainBert quad = new PlainBert(model.withConfig(model.config().withAttention(AttentionKind.QUAD2)));
    assertClose(exp.tensor("last_hidden_state.quad2").data(), flat(quad.lastHiddenState(in)), 1e-12);
  }

  @Test
  void decodesEveryDtypeTheNumpyWriterProduced() {
    SafetensorsReader r = Fixtures.reader("dtypes.safetensors");
    assertArrayEquals(r.tensor("expected.f32").data(), r.tensor("v.f32").data());
    assertArrayEquals(r.tensor("expected.f16").data(), r.tensor("v.f16").data());
    assertArrayEquals(r.tensor("expected.bf16").data(), r.tensor("v.bf16").data());
    assertArrayEquals(new int[] {4, 6}, r.tensor("v.f16").shape());
    assertArrayEquals(new long[] {Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE}, r.longs("i.i64"));
    assertArrayEquals(new long[] {Integer.MIN_VALUE, -7, 0, 7, Integer.MAX_VALUE}, r.longs("i.i32"));
    assertArrayEquals(new long[] {-32768, -7, 0, 7, 32767}, r.longs("i.i16"));
    assertArrayEquals(new long[] {-128, -7, 0, 7, 127}, r.longs("i.i8"));
    assertArrayEquals(new long[] {0, 1, 7, 128, 255}, r.longs("i.u8"));
    assertArrayEquals(new long[] {1, 0, 1, 1, 0}, r.longs("b.bool"));
    assertEquals(0, r.tensor("empty").size());
    assertThrows(ModelFormatException.class, () -> r.tensor("i.i32"));
    assertThrows(ModelFormatException.class, () -> r.longs("v.f32"));
  }

  @Test
  void writerRoundsToHalfAndBfloatExactlyAsTheNumpyWriter() {
    SafetensorsReader ref = Fixtures.reader("dtypes.safetensors");
    Tensor v = ref.tensor("v.f64");
    byte[] ours = new SafetensorsWriter().add("f16", SafetensorsDType.F16, v).add("bf16", SafetensorsDType.BF16, v)
        .add("f32", SafetensorsDType.F32, v).toBytes();
    SafetensorsReader back = SafetensorsReader.of(ours, "ours");
    assertArrayEquals(ref.tensor("expected.f16").data(), back.tensor("f16").data());
    assertArrayEquals(ref.tensor("expected.bf16").data(), back.tensor("bf16").data());
    assertArrayEquals(ref.tensor("expected.f32").data(), back.tensor("f32").data());
    assertArrayEquals(rawBytes(Fixtures.bytes("dtypes.safetensors"), ref.entry("v.f16")), rawBytes(ours, back.entry("f16")));
    assertArrayEquals(rawBytes(Fixtures.bytes("dtypes.safetensors"), ref.entry("v.bf16")), rawBytes(ours, back.entry("bf16")));
  }

  // ------------------------------------------------------------------------------------- round trip

  @Test
  void bertRoundTripsThroughF32AndF64Files() throws Exception {
    BertModel m = randomModel(tinyConfig().withAttention(AttentionKind.QUAD2), 7, true);
    Path f32 = dir.resolve("m32.safetensors");
    SafetensorsWriter.writeBert(m, SafetensorsDType.F32, f32);
    BertModel back = SafetensorsReader.readBert(f32);
    assertEquals(m.config(), back.config());
    assertEquals(m.tensors(), back.tensors());

    BertModel exact = randomModel(tinyConfig().withNumLabels(0), 8, false);
    Path f64 = dir.resolve("m64.safetensors");
    SafetensorsWriter.writeBert(exact, SafetensorsDType.F64, f64);
    BertModel back64 = SafetensorsReader.readBert(f64, 2);
    assertEquals(exact.config(), back64.config());
    assertEquals(exact.tensors(), back64.tensors());
    SafetensorsReader raw = SafetensorsReader.open(f64);
    assertTrue(raw.entries().containsKey("bert.encoder.layer.1.output.LayerNorm.bias"));
    long headerLen = ByteBuffer.wrap(Files.readAllBytes(f64)).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertEquals(0, headerLen % 8, "data starts 8-byte aligned");
  }

  @Test
  void bf16AndF16RoundTripToTheRoundedValues() {
    BertModel m = randomModel(tinyConfig(), 9, true);
    for (SafetensorsDType d : new SafetensorsDType[] {SafetensorsDType.F16, SafetensorsDType.BF16}) {
      BertModel back = SafetensorsReader.readBert(SafetensorsReader.of(SafetensorsWriter.forBert(m, d).toBytes(), d.name()), null);
      double tol = d == SafetensorsDType.F16 ? 1.0 / 1024 : 1.0 / 128;
      for (String name : m.tensors().keySet()) {
        double[] a = m.tensor(name).data(), b = back.tensor(name).data();
        for (int i = 0; i < a.length; i++) {
          assertEquals(a[i], b[i], Math.max(Math.abs(a[i]) * tol, 1e-7), name);
        }
      }
    }
  }

  @Test
  void metadataAndUnusualNamesSurviveARoundTrip() {
    byte[] b = new SafetensorsWriter().metadata("quote\"and\\slash", "line\nbreak \u00e9")
        .add("a/b \"c\"", SafetensorsDType.F32, Tensor.of(new double[] {1, 2}, 2))
        .addLongs("ids", SafetensorsDType.I32, new long[] {5, -6, 7}, 3, 1).toBytes();
    SafetensorsReader r = SafetensorsReader.of(b, "mem");
    assertEquals("line\nbreak \u00e9", r.metadata().get("quote\"and\\slash"));
    assertArrayEquals(new double[] {1, 2}, r.tensor("a/b \"c\"").data());
    assertArrayEquals(new long[] {5, -6, 7}, r.longs("ids"));
    assertArrayEquals(new int[] {3, 1}, r.entry("ids").shape());
  }

  // -------------------------------------------------------------------------------- malformed files

  private static byte[] file(String json, int dataBytes) {
    byte[] h = json.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h);
    return b.array();
  }

  private static String error(byte[] bytes) {
    return assertThrows(ModelFormatException.class, () -> SafetensorsReader.of(bytes, "bad.safetensors")).getMessage();
  }

  @Test
  void rejectsMalformedFilesWithClearMessages() {
    String ok = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
        + "\"b\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[8,16]}}";
    assertEquals(2, SafetensorsReader.of(file(ok, 16), "ok").entries().size());

    byte[] longHeader = file(ok, 16);
    ByteBuffer.wrap(longHeader).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 10_000);
    assertContains(error(longHeader), "header length 10000 exceeds");
    byte[] hugeHeader = file(ok, 16);
    ByteBuffer.wrap(hugeHeader).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -1);
    assertContains(error(hugeHeader), "header length 18446744073709551615 exceeds");
    assertContains(error(new byte[5]), "too short");

    assertContains(error(file(ok, 12)), "'b' data_offsets [8, 16) reach beyond the 12 data bytes");
    assertContains(error(Arrays.copyOf(file(ok, 16), 8 + ok.length() + 10)), "truncated");
    assertContains(error(file(ok.replace("[8,16]", "[4,12]"), 12)), "'a' [0, 8) and 'b' [4, 12) overlap");
    assertContains(error(file(ok.replace("[8,16]", "[9,17]"), 17)), "hole before 'b'");
    assertContains(error(file(ok, 20)), "4 bytes after the last tensor");
    assertContains(error(file(ok.replace("\"shape\":[2]", "\"shape\":[3]"), 16)),
        "tensor 'a' is F32 [3], which needs 12 bytes, but its data_offsets [0, 8] span 8 (dtype/shape mismatch)");
    assertContains(error(file(ok.replace("F64", "F32"), 16)), "tensor 'b' is F32 [1], which needs 4 bytes");
    assertContains(error(file(ok.replace("F64", "Q8"), 16)), "unsupported dtype 'Q8'");
    assertContains(error(file(ok.replace("[8,16]", "[16,8]"), 16)), "invalid data_offsets [16, 8]");
    assertContains(error(file(ok.replace("\"shape\":[2]", "\"shape\":[-2]"), 16)), "dimension -2");
    assertContains(error(file(ok.replace("\"shape\":[2]", "\"shape\":[2.5]"), 16)), "non-integer in 'shape'");
    assertContains(error(file(ok.substring(0, ok.length() - 1), 16)), "not valid JSON");
    assertContains(error(file(ok + "x", 16)), "not valid JSON");
    assertContains(error(file("[1,2]", 0)), "does not start with '{'");
    assertContains(error(file("{\"a\":1,\"a\":2}", 0)), "duplicate key");
    assertContains(error(file("{\"__metadata__\":{\"k\":1}}", 0)), "not a string");
    assertContains(error(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 0)), "'data_offsets'");
  }

  @Test
  void truncatedFixtureIsReportedAsTruncated() {
    byte[] all = Fixtures.bytes("tiny-bert.safetensors");
    assertContains(error(Arrays.copyOf(all, all.length - 100)), "truncated");
    assertContains(error(Arrays.copyOf(all, 200)), "exceeds");
  }

  @Test
  void bertCheckpointProblemsNameTheTensor() {
    BertModel m = randomModel(tinyConfig(), 3, true);
    SafetensorsWriter w = new SafetensorsWriter();
    for (Map.Entry<String, Tensor> e : m.tensors().entrySet()) {
      if (!e.getKey().equals("layer.1.ffn.out.bias")) {
        Tensor t = BertNames.isMatrix(e.getKey()) ? e.getValue().transpose2d() : e.getValue();
        w.add(BertNames.toHuggingFace(e.getKey()), SafetensorsDType.F32, t);
      }
    }
    String missing = assertThrows(ModelFormatException.class,
        () -> SafetensorsReader.readBert(SafetensorsReader.of(w.toBytes(), "x"), 2)).getMessage();
    assertContains(missing, "missing tensor 'layer.1.ffn.out.bias' (expected shape [8])");

    w.add("bert.encoder.layer.1.output.dense.bias", SafetensorsDType.F32, Tensor.zeros(9));
    String shape = assertThrows(ModelFormatException.class,
        () -> SafetensorsReader.readBert(SafetensorsReader.of(w.toBytes(), "x"), 2)).getMessage();
    assertContains(shape, "tensor 'layer.1.ffn.out.bias' has shape [9], expected [8]");

    SafetensorsWriter pooled = SafetensorsWriter.forBert(m, SafetensorsDType.F32)
        .add("bert.pooler.dense.weight", SafetensorsDType.F32, Tensor.zeros(8, 8));
    assertContains(assertThrows(ModelFormatException.class,
        () -> SafetensorsReader.readBert(SafetensorsReader.of(pooled.toBytes(), "x"), null)).getMessage(),
        "BertForSequenceClassification");
    SafetensorsWriter unknown = SafetensorsWriter.forBert(m, SafetensorsDType.F32)
        .add("bert.encoder.layer.0.attention.self.rotary.weight", SafetensorsDType.F32, Tensor.zeros(2));
    assertContains(assertThrows(ModelFormatException.class,
        () -> SafetensorsReader.readBert(SafetensorsReader.of(unknown.toBytes(), "x"), null)).getMessage(),
        "'bert.encoder.layer.0.attention.self.rotary.weight' [2] is not a BERT weight");
    assertContains(assertThrows(ModelFormatException.class,
        () -> SafetensorsReader.readBert(SafetensorsReader.of(SafetensorsWriter.forBert(m, SafetensorsDType.F32).toBytes(),
            "x"), 4)).getMessage(), "metadata says 2 attention heads, not 4");
  }

  private static byte[] rawBytes(byte[] file, SafetensorsReader.Entry e) {
    long n = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong();
    return Arrays.copyOfRange(file, (int) (8 + n + e.begin()), (int) (8 + n + e.end()));
  }

  static void assertContains(String message, String part) {
    assertTrue(message.contains(part), "expected \"" + part + "\" in: " + message);
  }

  static void assertClose(double[] expected, double[] actual, double tol) {
    assertEquals(expected.length, actual.length, "length");
    double max = 0;
    for (int i = 0; i < expected.length; i++) {
      max = Math.max(max, Math.abs(expected[i] - actual[i]));
    }
    assertTrue(max <= tol, "max abs diff " + max + " > " + tol);
  }

  static double[] flat(double[][][] x) {
    return Arrays.stream(x).flatMap(Arrays::stream).flatMapToDouble(Arrays::stream).toArray();
  }

  static double[] flat(double[][] x) {
    return Arrays.stream(x).flatMapToDouble(Arrays::stream).toArray();
  }
}
