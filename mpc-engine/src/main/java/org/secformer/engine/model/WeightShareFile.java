package org.secformer.engine.model;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
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
    Files.deleteIfExists(tmp); // left by an interrupted run; may have other permissions
    // owner-only before the first byte: writing first and restricting after left the shares readable
    // by others (the umask's permissions) for the length of the write
    OwnerOnly.createFile(tmp);
    try (var ch = Files.newOutputStream(tmp, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(body);
      ch.write(sha256().digest(body));
    }
    OwnerOnly.restrict(tmp);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  public static WeightShareFile read(Path file) {
    byte[] all;
    try {
      all = Files.readAllBytes(file);
    } catch (IOException | OutOfMemoryError e) {
      throw new ModelFormatException("cannot read weight-share file " + file + ": " + e.getMessage(), e);
    }
    if (all.length < MAGIC.length || !Arrays.equals(Arrays.copyOf(all, MAGIC.length), MAGIC)) {
      throw new ModelFormatException(file + " is not a weight-share file (bad magic)");
    }
    if (all.length < MAGIC.length + 32) {
      throw new ModelFormatException(file + " is truncated");
    }
    int bodyLength = all.length - 32;
    byte[] expected = sha256().digest(Arrays.copyOf(all, bodyLength));
    if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(all, bodyLength, all.length))) {
      throw new ModelFormatException(file + ": checksum mismatch, the file is corrupted or truncated");
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(all, 0, bodyLength))) {
      in.skipNBytes(MAGIC.length);
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
        entries.put(name, readEntry(file, name, in));
      }
      if (in.available() != 0) {
        throw new ModelFormatException(file + ": " + in.available() + " unexpected bytes after the last tensor");
      }
      return new WeightShareFile(party, modelId, fracBits, entries);
    } catch (EOFException e) {
      throw new ModelFormatException(file + " is truncated", e);
    } catch (IOException e) {
      throw new ModelFormatException("cannot read weight-share file " + file + ": " + e.getMessage(), e);
    }
  }

  private static Entry readEntry(Path file, String name, DataInputStream in) throws IOException {
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
      byte[] seed = in.readNBytes(Seed.BYTES);
      if (seed.length != Seed.BYTES) {
        throw new EOFException();
      }
      return new Seeded(Seed.of(seed), shape);
    }
    if (kind != EXPLICIT) {
      throw new ModelFormatException(file + ": tensor '" + name + "' has unknown encoding " + kind);
    }
    if (n * 8 > in.available()) {
      throw new ModelFormatException(file + ": tensor '" + name + "' " + Arrays.toString(shape)
          + " needs more bytes than the file holds");
    }
    byte[] b = in.readNBytes((int) (n * 8));
    long[] v = new long[(int) n];
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(v);
    return new Explicit(RingTensor.of(v, shape));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
