package org.secformer.shares.control;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.Serializer;
import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;

/**
 * Adapts a {@link MessageKind} to Kryo. Explicit field codecs instead of Kryo's reflective record
 * or field serializers keep the wire format visible in one table and keep every length bounded.
 */
final class KindSerializer<T extends ControlMessage> extends Serializer<T> {
  private final MessageKind<T> kind;

  KindSerializer(MessageKind<T> kind) {
    super(false, true); // never null (the codec handles that), immutable
    this.kind = kind;
  }

  MessageKind<T> kind() {
    return kind;
  }

  @Override
  public void write(Kryo kryo, Output output, T message) {
    kind.writer().write(new WireWriter(output, kind.type().getSimpleName()), message);
  }

  @Override
  public T read(Kryo kryo, Input input, Class<? extends T> type) {
    String name = kind.type().getSimpleName();
    try {
      return kind.reader().read(new WireReader(input, name));
    } catch (IllegalArgumentException e) {
      // The record's constructor refused a decoded value: the frame is well formed but invalid.
      throw new ControlCodecException("invalid " + name + ": " + e.getMessage(), e);
    }
  }
}
