package org.secformer.shares.control;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import com.esotericsoftware.kryo.kryo5.io.Output;

/**
 * Writes the fields of one message body. Each method is the exact inverse of the {@link WireReader}
 * method of the same name; the encodings are:
 *
 * <ul>
 *   <li>int32 / int64: Kryo zigzag varint (small negative values stay short)
 *   <li>string: unsigned varint (UTF-8 length + 1), 0 meaning null, then the UTF-8 bytes
 *   <li>int array: unsigned varint count, then each element as int32
 *   <li>string map: unsigned varint count, then key and value strings in the map's iteration order
 * </ul>
 */
final class WireWriter {
  private final Output out;
  private final String messageType;

  WireWriter(Output out, String messageType) {
    this.out = out;
    this.messageType = messageType;
  }

  void int32(int value) {
    out.writeVarInt(value, false);
  }

  void int64(long value) {
    out.writeVarLong(value, false);
  }

  void string(String field, String value) {
    if (value == null) {
      throw refuse(field + " is null");
    }
    nullableString(field, value);
  }

  void nullableString(String field, String value) {
    if (value == null) {
      out.writeVarInt(0, true);
      return;
    }
    ByteBuffer utf8 = utf8(field, value);
    int length = utf8.remaining();
    if (length > WireLimits.MAX_STRING_BYTES) {
      throw refuse(field + " is " + length + " UTF-8 bytes, limit " + WireLimits.MAX_STRING_BYTES);
    }
    out.writeVarInt(length + 1, true);
    out.writeBytes(utf8.array(), utf8.arrayOffset() + utf8.position(), length);
  }

  void intArray(String field, int[] values) {
    if (values == null) {
      throw refuse(field + " is null");
    }
    checkCount(field, values.length);
    out.writeVarInt(values.length, true);
    for (int v : values) {
      int32(v);
    }
  }

  void stringMap(String field, Map<String, String> map) {
    if (map == null) {
      throw refuse(field + " is null");
    }
    checkCount(field, map.size());
    out.writeVarInt(map.size(), true);
    for (Map.Entry<String, String> e : map.entrySet()) {
      string(field + " key", e.getKey());
      string(field + "[" + Checks.show(e.getKey()) + "]", e.getValue());
    }
  }

  private void checkCount(String field, int count) {
    if (count > WireLimits.MAX_ENTRIES) {
      throw refuse(field + " has " + count + " entries, limit " + WireLimits.MAX_ENTRIES);
    }
  }

  /** Strict, unlike String.getBytes, which would silently turn an unpaired surrogate into '?'. */
  private ByteBuffer utf8(String field, String value) {
    try {
      return StandardCharsets.UTF_8
          .newEncoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .encode(CharBuffer.wrap(value));
    } catch (CharacterCodingException e) {
      throw refuse(field + " is not valid Unicode (unpaired surrogate): " + Checks.show(value));
    }
  }

  private ControlCodecException refuse(String detail) {
    return new ControlCodecException("cannot encode " + messageType + ": " + detail);
  }
}
