package org.secformer.shares.control;

/**
 * One kind of control message on the wire: its Kryo registration id and how its fields are written
 * and read back, in the same order. The id and the field order are wire format: never change them
 * for an existing kind, add a new kind instead.
 */
record MessageKind<T extends ControlMessage>(
    int id, Class<T> type, BodyWriter<T> writer, BodyReader<T> reader) {

  @FunctionalInterface
  interface BodyWriter<T> {
    void write(WireWriter w, T message);
  }

  @FunctionalInterface
  interface BodyReader<T> {
    /** Reads the fields and builds the message; the record's own checks validate the values. */
    T read(WireReader r);
  }

  MessageKind {
    Checks.requireNonNull("type", type);
    Checks.requireNonNull("writer", writer);
    Checks.requireNonNull("reader", reader);
  }
}
