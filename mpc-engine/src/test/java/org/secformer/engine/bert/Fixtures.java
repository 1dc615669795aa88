package org.secformer.engine.bert;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Committed fixtures written by src/test/python/make_bert_fixtures.py (numpy, no safetensors library). */
final class Fixtures {
  private Fixtures() {}

  static byte[] bytes(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static SafetensorsReader reader(String name) {
    return SafetensorsReader.of(bytes(name), name);
  }

  static int[][] ints(SafetensorsReader r, String name) {
    long[] v = r.longs(name);
    int[] shape = r.entry(name).shape();
    int[][] out = new int[shape[0]][shape[1]];
    for (int i = 0; i < shape[0]; i++) {
      for (int j = 0; j < shape[1]; j++) {
        out[i][j] = Math.toIntExact(v[i * shape[1] + j]);
      }
    }
    return out;
  }
}
