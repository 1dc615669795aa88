package org.secformer.engine.server;

import java.util.Locale;

/** Who is on either end of a link; carried in each TLS certificate's subject. */
public enum Role {
  P0,
  P1,
  DEALER,
  CLIENT;

  /** The name used in certificates, file names and the CLI: p0, p1, dealer, client. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Role parse(String s) {
    for (Role r : values()) {
      if (r.id().equals(s == null ? null : s.trim().toLowerCase(Locale.ROOT))) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown role '" + s + "': expected p0, p1, dealer or client");
  }

  /** 0 or 1 for the computing parties. */
  public int partyIndex() {
    if (this == P0) {
      return 0;
    }
    if (this == P1) {
      return 1;
    }
    throw new IllegalStateException(id() + " is not a computing party");
  }

  public static Role party(int index) {
    return switch (index) {
      case 0 -> P0;
      case 1 -> P1;
      default -> throw new IllegalArgumentException("computing parties are 0 and 1, got " + index);
    };
  }
}
