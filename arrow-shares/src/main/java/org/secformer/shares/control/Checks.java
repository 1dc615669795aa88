package org.secformer.shares.control;

/** Argument checks shared by the message records; messages name the field and the bad value. */
final class Checks {
  /** Values from a hostile frame can be 1 MiB long; error messages show only their start. */
  private static final int SHOWN_CHARS = 64;

  private Checks() {}

  static String requireText(String field, String value) {
    if (value == null) {
      throw new IllegalArgumentException(field + " is null");
    }
    if (value.isBlank()) {
      throw new IllegalArgumentException(field + " is blank: " + show(value));
    }
    return value;
  }

  static <T> T requireNonNull(String field, T value) {
    if (value == null) {
      throw new IllegalArgumentException(field + " is null");
    }
    return value;
  }

  static int requireNonNegative(String field, int value) {
    if (value < 0) {
      throw new IllegalArgumentException(field + " must be >= 0, got " + value);
    }
    return value;
  }

  static long requireNonNegative(String field, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(field + " must be >= 0, got " + value);
    }
    return value;
  }

  /** The value quoted, cut to a readable length. */
  static String show(String value) {
    if (value == null) {
      return "null";
    }
    if (value.length() <= SHOWN_CHARS) {
      return "\"" + value + "\"";
    }
    return "\"" + value.substring(0, SHOWN_CHARS) + "\"... (" + value.length() + " chars)";
  }
}
