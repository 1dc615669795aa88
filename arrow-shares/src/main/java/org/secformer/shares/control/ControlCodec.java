package org.secformer.shares.control;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.KryoException;
import com.esotericsoftware.kryo.kryo5.Registration;
import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;
import com.esotericsoftware.kryo.kryo5.util.Pool;
import java.util.List;

/**
 * Encodes control messages to bytes and back. Thread-safe: Kryo instances are not, so each call
 * borrows one from a pool.
 *
 * <p>Wire format of one message: the format version byte ({@link #FORMAT_VERSION}), the kind's
 * registration id as an unsigned Kryo varint, then the body as its {@link MessageKinds} entry
 * writes it. A frame must hold exactly one message; the transport frames it (length prefix).
 *
 * <p>Decoding treats the bytes as hostile: anything but a complete, valid message of a registered
 * kind, with no trailing bytes, raises {@link ControlCodecException}. The class id is resolved by
 * this class, not by Kryo's class resolver, so a frame can never name a class to load, and ids of
 * Kryo's built-in types (String, int, ...) are refused.
 */
public final class ControlCodec {
  public static final byte FORMAT_VERSION = 1;

  private static final int INITIAL_BUFFER_BYTES = 256;
  private static final int POOLED_KRYOS = 32;

  private final Pool<Kryo> kryos;

  public ControlCodec() {
    this(MessageKinds.ALL);
  }

  /** A codec for another set of kinds; lets tests build a differently registered peer. */
  ControlCodec(List<MessageKind<?>> kinds) {
    MessageKinds.check(kinds);
    List<MessageKind<?>> frozen = List.copyOf(kinds);
    this.kryos = new Pool<>(true, false, POOLED_KRYOS) {
      @Override
      protected Kryo create() {
        return newKryo(frozen);
      }
    };
  }

  static Kryo newKryo(List<MessageKind<?>> kinds) {
    Kryo kryo = new Kryo();
    kryo.setRegistrationRequired(true);
    kryo.setReferences(false); // messages are trees of values; reference ids would only add bytes
    for (MessageKind<?> kind : kinds) {
      register(kryo, kind);
    }
    return kryo;
  }

  private static <T extends ControlMessage> void register(Kryo kryo, MessageKind<T> kind) {
    kryo.register(kind.type(), new KindSerializer<>(kind), kind.id());
  }

  public byte[] encode(ControlMessage message) {
    return encodeObject(message);
  }

  /** Takes any object so tests can show that one of an unregistered class is refused. */
  byte[] encodeObject(Object message) {
    if (message == null) {
      throw new ControlCodecException("cannot encode a null control message");
    }
    Kryo kryo = kryos.obtain();
    try {
      Registration registration = kryo.getClassResolver().getRegistration(message.getClass());
      if (registration == null || !(registration.getSerializer() instanceof KindSerializer)) {
        throw new ControlCodecException("cannot encode " + message.getClass().getName()
            + ": not a registered control message kind");
      }
      Output out = new Output(INITIAL_BUFFER_BYTES, WireLimits.MAX_FRAME_BYTES);
      out.writeByte(FORMAT_VERSION);
      out.writeVarInt(registration.getId(), true);
      kryo.writeObject(out, message);
      return out.toBytes();
    } catch (KryoException e) {
      // The only KryoException an Output with a maximum size throws here is a full buffer.
      throw new ControlCodecException("cannot encode " + message.getClass().getSimpleName()
          + ": encoding exceeds the frame limit of " + WireLimits.MAX_FRAME_BYTES + " bytes", e);
    } finally {
      kryos.free(kryo);
    }
  }

  public ControlMessage decode(byte[] frame) {
    if (frame == null) {
      throw new ControlCodecException("cannot decode a null frame");
    }
    return decode(frame, 0, frame.length);
  }

  public ControlMessage decode(byte[] bytes, int offset, int length) {
    checkFrame(bytes, offset, length);
    Kryo kryo = kryos.obtain();
    try {
      Input in = new Input(bytes, offset + 1, length - 1);
      int id = readId(in);
      Registration registration = kryo.getRegistration(id);
      if (registration == null || !(registration.getSerializer() instanceof KindSerializer<?> serializer)) {
        throw new ControlCodecException("unregistered control message class id " + id);
      }
      ControlMessage message = kryo.readObject(in, serializer.kind().type());
      int trailing = in.limit() - in.position();
      if (trailing != 0) {
        throw new ControlCodecException(trailing + " trailing bytes after a "
            + message.getClass().getSimpleName() + " in a frame of " + length + " bytes");
      }
      return message;
    } catch (ControlCodecException e) {
      throw e;
    } catch (RuntimeException e) {
      // Not expected: the body readers bound every read. Still a bad frame, not a crash.
      throw new ControlCodecException("cannot decode control frame of " + length + " bytes: " + e, e);
    } finally {
      kryos.free(kryo);
    }
  }

  private static void checkFrame(byte[] bytes, int offset, int length) {
    if (bytes == null) {
      throw new ControlCodecException("cannot decode a null frame");
    }
    if (offset < 0 || length < 0 || offset > bytes.length - length) {
      throw new ControlCodecException("frame range offset " + offset + ", length " + length
          + " lies outside an array of " + bytes.length + " bytes");
    }
    if (length == 0) {
      throw new ControlCodecException("empty control frame");
    }
    if (length > WireLimits.MAX_FRAME_BYTES) {
      throw new ControlCodecException("control frame of " + length + " bytes exceeds the limit of "
          + WireLimits.MAX_FRAME_BYTES);
    }
    int version = bytes[offset] & 0xff;
    if (version != FORMAT_VERSION) {
      throw new ControlCodecException("unsupported control format version " + version
          + " (this codec reads version " + FORMAT_VERSION + ")");
    }
  }

  private static int readId(Input in) {
    try {
      return in.readVarInt(true);
    } catch (KryoException e) {
      throw new ControlCodecException("truncated frame: no message class id after the version byte", e);
    }
  }
}
