package org.secformer.shares.control;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import com.esotericsoftware.kryo.kryo5.KryoException;
import com.esotericsoftware.kryo.kryo5.io.Input;

/**
 * Reads the fields of one message body from an untrusted frame; see {@link WireWriter} for the
 * encodings. Every declared length is checked against {@link WireLimits} and against the bytes left
 * in the frame before anything is allocated.
 */
final class WireReader {
  /** The smallest encoding of a string (its length varint); bounds a map's declared entry count. */
  private static final int MIN_STRING_BYTES = 1;

  private final Input in;
  private final String messageType;

  WireReader(Input in, String messageType) {
    this.in = in;
    this.messageType = messageType;
  }

  int int32(String field) {
    try {
      return in.readVarInt(false);
    } catch (KryoException e) {
      throw truncated(field, e);
    }
  }

  long int64(String field) {
    try {
      return in.readVarLong(false);
    } catch (KryoException e) {
      throw truncated(field, e);
    }
  }

  String string(String field) {
    String s = nullableString(field);
    if (s == null) {
      throw refuse(field + " is null");
    }
    return s;
  }

  String nullableString(String field) {
    int lengthPlusOne = unsignedVarInt(field);
    if (lengthPlusOne == 0) {
      return null;
    }
    int length = lengthPlusOne - 1;
    if (length > WireLimits.MAX_STRING_BYTES) {
      throw refuse(field + " declares " + length + " UTF-8 bytes, limit " + WireLimits.MAX_STRING_BYTES);
    }
    requireRemaining(field, length, length + " bytes");
    ByteBuffer bytes = ByteBuffer.wrap(in.getBuffer(), in.position(), length);
    in.setPosition(in.position() + length);
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(bytes)
          .toString();
    } catch (CharacterCodingException e) {
      throw refuse(field + " is not valid UTF-8");
    }
  }

  int[] intArray(String field) {
    int count = count(field, 1);
    int[] values = new int[count];
    for (int i = 0; i < count; i++) {
      values[i] = int32(field + "[" + i + "]");
    }
    return values;
  }

  Map<String, String> stringMap(String field) {
    int count = count(field, 2 * MIN_STRING_BYTES);
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      String key = string(field + " key " + i);
      String value = string(field + "[" + Checks.show(key) + "]");
      if (map.put(key, value) != null) {
        // Two entries for one key would make the message mean different things to different readers.
        throw refuse(field + " has duplicate key " + Checks.show(key));
      }
    }
    return map;
  }

  /** A declared element count, refused if it exceeds the limit or could not fit in the frame. */
  private int count(String field, int minBytesPerEntry) {
    int count = unsignedVarInt(field);
    if (count > WireLimits.MAX_ENTRIES) {
      throw refuse(field + " declares " + count + " entries, limit " + WireLimits.MAX_ENTRIES);
    }
    requireRemaining(field, (long) count * minBytesPerEntry, count + " entries");
    return count;
  }

  /** Unsigned varint; lengths over 2^31 - 1 come back negative from Kryo and are refused here. */
  private int unsignedVarInt(String field) {
    int v;
    try {
      v = in.readVarInt(true);
    } catch (KryoException e) {
      throw truncated(field, e);
    }
    if (v < 0) {
      throw refuse(field + " declares length " + Integer.toUnsignedString(v) + ", over 2^31 - 1");
    }
    return v;
  }

  private void requireRemaining(String field, long needed, String what) {
    int remaining = in.limit() - in.position();
    if (needed > remaining) {
      throw new ControlCodecException("truncated frame: " + messageType + "." + field + " declares "
          + what + " but only " + remaining + " bytes remain");
    }
  }

  private ControlCodecException truncated(String field, KryoException e) {
    return new ControlCodecException(
        "truncated frame: " + messageType + "." + field + " ends early", e);
  }

  private ControlCodecException refuse(String detail) {
    return new ControlCodecException("malformed " + messageType + ": " + detail);
  }
}
