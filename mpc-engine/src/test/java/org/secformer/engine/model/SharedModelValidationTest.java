package org.secformer.engine.model;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secformer.engine.MpcException;
import org.secformer.engine.bert.ModelDescriptor;
import org.secformer.engine.bert.ModelRanges;
import org.secformer.shares.ring.RingTensor;

/** Each way a published model's files can disagree gives an error naming the file at fault. */
class SharedModelValidationTest {
  @TempDir Path dir;

  private Path publish(String id) throws Exception {
    return ModelPublisher.publish(id, TinyBert.random(3), 16, ModelRanges.miniLmL6(), dir).folder();
  }

  private static String refused(Path folder, int party, Class<? extends RuntimeException> type) {
    Path root = folder.getParent();
    String id = folder.getFileName().toString();
    return assertThrows(type, () -> new ModelStore(root, party).model(id)).getMessage();
  }

  private static void assertNames(String message, Path file, String detail) {
    assertTrue(message.contains(file.toString()), "expected " + file + " in: " + message);
    assertTrue(message.contains(detail), "expected \"" + detail + "\" in: " + message);
  }

  @Test
  void missingOrCorruptDescriptor() throws Exception {
    Path f = publish("no-descriptor");
    Path json = f.resolve(ModelDescriptor.FILE_NAME);
    Files.delete(json);
    assertNames(refused(f, 0, ModelFormatException.class), json, "has no descriptor");

    Path g = publish("bad-descriptor");
    Path bad = g.resolve(ModelDescriptor.FILE_NAME);
    Files.writeString(bad, Files.readString(bad).replace("\"heads\": 2", "\"heads\": 3"));
    assertNames(refused(g, 1, ModelFormatException.class), bad, "invalid model descriptor");
  }

  @Test
  void missingOrInvalidRanges() throws Exception {
    Path f = publish("no-ranges");
    Path ranges = f.resolve(SharedModel.RANGES_FILE);
    Files.delete(ranges);
    assertNames(refused(f, 0, ModelFormatException.class), ranges, "has no declared ranges");

    Path g = publish("bad-ranges");
    Path bad = g.resolve(SharedModel.RANGES_FILE);
    Files.writeString(bad, Files.readString(bad) + "gelu.input.absMaxx=3\n");
    assertNames(refused(g, 0, ModelFormatException.class), bad, "unknown key");
  }

  @Test
  void fracBitsMustAgree() throws Exception {
    Path f = publish("ranges-bits");
    Path ranges = f.resolve(SharedModel.RANGES_FILE);
    Files.writeString(ranges, Files.readString(ranges).replace("fracBits=16", "fracBits=12"));
    assertNames(refused(f, 0, ModelFormatException.class), ranges, "planned for 12 fractional bits");

    Path g = publish("share-bits");
    Path p1 = g.resolve("p1.shares");
    WeightShareFile s = WeightShareFile.read(p1);
    new WeightShareFile(1, s.modelId(), 12, s.entries()).write(p1);
    assertNames(refused(g, 1, ModelFormatException.class), p1, "encoded with 12 fractional bits");
  }

  @Test
  void tensorShapesMustMatchTheDescriptor() throws Exception {
    Path f = publish("shape");
    Path p1 = f.resolve("p1.shares");
    WeightShareFile s = WeightShareFile.read(p1);
    Map<String, WeightShareFile.Entry> entries = s.entries();
    entries.put("layer.1.attn.v.bias", new WeightShareFile.Explicit(RingTensor.zeros(9)));
    new WeightShareFile(1, s.modelId(), 16, entries).write(p1);
    assertNames(refused(f, 1, ModelFormatException.class), p1, "tensor 'layer.1.attn.v.bias' has shape [9]");

    entries.remove("layer.1.attn.v.bias");
    new WeightShareFile(1, s.modelId(), 16, entries).write(p1);
    assertNames(refused(f, 1, ModelFormatException.class), p1, "tensor 'layer.1.attn.v.bias' [8] is missing");
  }

  @Test
  void shareFileOfAnotherModelOrParty() throws Exception {
    Path f = publish("foreign");
    Path p0 = f.resolve("p0.shares");
    WeightShareFile s = WeightShareFile.read(p0);
    new WeightShareFile(0, "other", 16, s.entries()).write(p0);
    assertNames(refused(f, 0, MpcException.class), p0, "holds model 'other'");

    Path missing = f.resolve("p1.shares");
    Files.delete(missing);
    assertNames(refused(f, 1, MpcException.class), missing, "has no share file for party 1");
  }
}
