package org.secformer.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secformer.engine.MpcException;
import org.secformer.shares.Share;
import org.secformer.shares.Sharing;
import org.secformer.shares.control.ErrorCode;
import org.secformer.shares.prg.Prg;
import org.secformer.shares.ring.RingTensor;

class WeightShareFileTest {
  @TempDir Path dir;

  private Map<String, RingTensor> weights() {
    Map<String, RingTensor> w = new LinkedHashMap<>();
    w.put("dense.weight", Prg.fromSystemRandom().uniform(12, 7));
    w.put("dense.bias", RingTensor.of(new long[] {Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE, 5, 6}, 7));
    return w;
  }

  @Test
  void sharedFilesReconstructTheWeightsAndPartyZeroHoldsOnlySeeds() throws Exception {
    Map<String, RingTensor> w = weights();
    Path[] files = ModelSharer.share("tiny-model", 16, w, dir);
    ModelStore s0 = new ModelStore(dir, 0), s1 = new ModelStore(dir, 1);
    for (String name : w.keySet()) {
      RingTensor got = Sharing.reconstruct(
          new Share(0, s0.get("tiny-model").tensor(name)), new Share(1, s1.get("tiny-model").tensor(name)));
      assertEquals(w.get(name), got, name);
    }
    assertTrue(Files.size(files[0]) < 200, "party 0's file should hold seeds only");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(files[1])));
  }

  @Test
  void truncatedCorruptedAndForeignFilesAreRefusedClearly() throws Exception {
    Path[] files = ModelSharer.share("m", 16, weights(), dir);
    byte[] good = Files.readAllBytes(files[1]);
    Path bad = dir.resolve("bad.shares");
    for (int cut : new int[] {0, 3, 10, 40, good.length / 2, good.length - 1}) {
      Files.write(bad, Arrays.copyOf(good, cut));
      ModelFormatException e = assertThrows(ModelFormatException.class, () -> WeightShareFile.read(bad));
      assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("magic")
          || e.getMessage().contains("checksum"), e.getMessage());
    }
    byte[] flipped = good.clone();
    flipped[good.length / 2] ^= 0x10;
    Files.write(bad, flipped);
    assertTrue(assertThrows(ModelFormatException.class, () -> WeightShareFile.read(bad))
        .getMessage().contains("checksum"));
    Files.write(bad, "not a model".getBytes());
    assertTrue(assertThrows(ModelFormatException.class, () -> WeightShareFile.read(bad))
        .getMessage().contains("magic"));
  }

  @Test
  void unknownModelsAndMissingTensorsAreNamed() throws Exception {
    ModelSharer.share("m", 16, weights(), dir);
    MpcException e = assertThrows(MpcException.class, () -> new ModelStore(dir, 0).get("absent"));
    assertEquals(ErrorCode.UNKNOWN_MODEL, e.code());
    assertThrows(MpcException.class, () -> new ModelStore(dir, 0).get("../etc"));
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> new ModelStore(dir, 1).get("m").tensor("nope"));
    assertTrue(missing.getMessage().contains("nope"));
  }

  /** Share files end owner-only, also over a world-readable temp file left by a crash; new files start owner-only. */
  @Test
  void shareFilesAreOwnerOnlyEvenOverALeftoverWorldReadableTempFile() throws Exception {
    Path leftover = ModelStore.shareFile(dir, "crashed", 1).resolveSibling("p1.shares.tmp");
    Files.createDirectories(leftover.getParent());
    Files.writeString(leftover, "from an interrupted run");
    Files.setPosixFilePermissions(leftover, PosixFilePermissions.fromString("rw-r--r--"));
    Path[] files = ModelSharer.share("crashed", 16, weights(), dir);
    for (Path f : files) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), f.toString());
    }
    assertTrue(Files.notExists(leftover));
    Path fresh = dir.resolve("fresh.bin");
    OwnerOnly.createFile(fresh);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)));
  }
}
