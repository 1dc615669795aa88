package org.secformer.engine.model;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.secformer.shares.prg.Prg;
import org.secformer.shares.prg.Seed;
import org.secformer.shares.ring.RingTensor;

/**
 * One computing party's share of a model's weights, as written by the model owner.
 *
 * <p>Layout (big-endian): "SFWS", version 1, party, model id, fractional bits, tensor count; per
 * tensor: name, rank, dims, encoding (0 = explicit little-endian longs, 1 = a 16-byte PRG seed whose
 * AES-CTR stream expands to the share, so party 0's file holds seeds only); then the SHA-256 of all
 * preceding bytes. Readers check every field, the sizes and the digest before returning anything.
 */
public final class WeightShareFile {
  private static final byte[] MAGIC = {'S', 'F', 'W', 'S'};
  private static final int VERSION = 1;
  private static final byte EXPLICIT = 0;
  private static final byte SEEDED = 1;
  private static final int MAX_TENSORS = 100_000;

  /** How one tensor is stored. */
  public sealed interface Entry permits Explicit, Seeded {
    int[] shape();
  }

  /** The share values themselves. */
  public record Explicit(RingTensor tensor) implements Entry {
    @Override
    public int[] shape() {
      return tensor.shape();
    }
  }

  /** A seed that expands to the share (the tensor's PRG stream is 0). */
  public record Seeded(Seed seed, int[] shape) implements Entry {
    public RingTensor expand() {
      return new Prg(seed, 0).uniform(shape);
    }
  }

  private final int party;
  private final String modelId;
  private final int fracBits;
  private final Map<String, Entry> entries;

  public WeightShareFile(int party, String modelId, int fracBits, Map<String, Entry> entries) {
    this.party = party;
    this.modelId = modelId;
    this.fracBits = fracBits;
    this.entries = new LinkedHashMap<>(entries);
  }

  public int party() {
    return party;
  }

  public String modelId() {
    return modelId;
  }

  public int fracBits() {
    return fracBits;
  }

  public Map<String, Entry> entries() {
    return new LinkedHashMap<>(entries);
  }

  /** This party's share of tensor {@code name}. */
  public RingTensor tensor(String name) {
    Entry e = entries.get(name);
    if (e == null) {
      throw new IllegalArgumentException("model " + modelId + " has no tensor '" + name + "'");
    }
    return e instanceof Seeded s ? s.expand() : ((Explicit) e).tensor().copy();
  }

  public void write(Path file) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(MAGIC);
      out.writeInt(VERSION);
      out.writeInt(party);
      out.writeUTF(modelId);
      out.writeInt(fracBits);
      out.writeInt(entries.size());
      for (Map.Entry<String, Entry> e : entries.entrySet()) {
        out.writeUTF(e.getKey());
        int[] shape = e.getValue().shape();
        out.writeInt(shape.length);
        for (int d : shape) {
          out.writeInt(d);
        }
        if (e.getValue() instanceof Seeded s) {
          out.writeByte(SEEDED);
          out.write(s.seed().bytes());
        } else {
          out.writeByte(EXPLICIT);
          long[] v = ((Explicit) e.getValue()).tensor().data();
          ByteBuffer buf = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
          buf.asLongBuffer().put(v);
          out.write(buf.array());
        }
      }
    }
    byte[] body = bytes.toByteArray();
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(tmp, body);
    try (var ch = Files.newOutputStream(tmp, java.nio.file.StandardOpenOption.APPEND)) {
      ch.write(sha256().digest(body));
    }
    OwnerOnly.restrict(tmp);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  public static WeightShareFile read(Path file) {
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw new ModelFormatException("cannot read weight-share file " + file + ": " + e.getMessage(), e);
    }
    MessageDigest digest = sha256();
    try (InputStream raw = Files.newInputStream(file);
        DigestInputStream dig = new DigestInputStream(raw, digest);
        DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(dig))) {
      byte[] magic = in.readNBytes(4);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new ModelFormatException(file + " is not a weight-share file (bad magic)");
      }
      int version = in.readInt();
      if (version != VERSION) {
        throw new ModelFormatException(file + ": unsupported weight-share format version " + version);
      }
      int party = in.readInt();
      if (party != 0 && party != 1) {
        throw new ModelFormatException(file + ": party must be 0 or 1, found " + party);
      }
      String modelId = in.readUTF();
      int fracBits = in.readInt();
      int count = in.readInt();
      if (count < 0 || count > MAX_TENSORS) {
        throw new ModelFormatException(file + ": implausible tensor count " + count);
      }
      Map<String, Entry> entries = new LinkedHashMap<>();
      for (int i = 0; i < count; i++) {
        String name = in.readUTF();
        int rank = in.readInt();
        if (rank < 1 || rank > 8) {
          throw new ModelFormatException(file + ": tensor '" + name + "' has rank " + rank);
        }
        int[] shape = new int[rank];
        for (int r = 0; r < rank; r++) {
          shape[r] = in.readInt();
        }
        long n;
        try {
          n = RingTensor.checkShape(shape);
        } catch (IllegalArgumentException e) {
          throw new ModelFormatException(file + ": tensor '" + name + "': " + e.getMessage(), e);
        }
        byte kind = in.readByte();
        if (kind == SEEDED) {
          entries.put(name, new Seeded(Seed.of(in.readNBytes(Seed.BYTES)), shape));
        } else if (kind == EXPLICIT) {
          if (n * 8 > size) {
            throw new ModelFormatException(file + ": tensor '" + name + "' is larger than the file");
          }
          byte[] b = in.readNBytes((int) (n * 8));
          if (b.length != n * 8) {
            throw new EOFException();
          }
          long[] v = new long[(int) n];
          ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(v);
          entries.put(name, new Explicit(RingTensor.of(v, shape)));
        } else {
          throw new ModelFormatException(file + ": tensor '" + name + "' has unknown encoding " + kind);
        }
      }
      dig.on(false);
      byte[] expected = digest.digest();
      byte[] stored = in.readNBytes(32);
      if (stored.length != 32 || !MessageDigest.isEqual(expected, stored) || in.read() != -1) {
        throw new ModelFormatException(file + ": checksum mismatch, the file is corrupted or truncated");
      }
      return new WeightShareFile(party, modelId, fracBits, entries);
    } catch (EOFException e) {
      throw new ModelFormatException(file + " is truncated", e);
    } catch (IOException e) {
      throw new ModelFormatException("cannot read weight-share file " + file + ": " + e.getMessage(), e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
