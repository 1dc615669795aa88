package org.secformer.engine.tls;

import java.util.Locale;

/**
 * Who a certificate belongs to. The role is the certificate's subject CN and its SAN DNS name
 * {@code <role>.secformer}; a link admits a peer only if the role its certificate names is one the link
 * expects (see {@link PeerRoleVerifier}).
 */
public enum Role {
  /** Computing party 0. */
  P0("p0", "secformer-party"),
  /** Computing party 1. */
  P1("p1", "secformer-party"),
  /** The dealer P2: correlated randomness only. */
  DEALER("dealer", "secformer-dealer"),
  /** Data owner or result receiver (the Spark side). */
  CLIENT("client", "secformer-client");

  /** Suffix of the SAN DNS name of each role: {@code p0.secformer}. */
  public static final String DNS_SUFFIX = ".secformer";

  private final String commonName;
  private final String organizationalUnit;

  Role(String commonName, String organizationalUnit) {
    this.commonName = commonName;
    this.organizationalUnit = organizationalUnit;
  }

  /** The subject CN, also the base name of the PEM files ({@code p0.crt}, {@code p0.key}). */
  public String commonName() {
    return commonName;
  }

  public String organizationalUnit() {
    return organizationalUnit;
  }

  public String dnsName() {
    return commonName + DNS_SUFFIX;
  }

  /** The computing party of this role: 0 for P0, 1 for P1; other roles have none. */
  public int party() {
    return switch (this) {
      case P0 -> 0;
      case P1 -> 1;
      default -> throw new IllegalStateException("role " + commonName + " is not a computing party");
    };
  }

  /** The role whose CN is {@code cn} (case-insensitive), or null if none is. */
  public static Role fromCommonName(String cn) {
    if (cn == null) {
      return null;
    }
    String lower = cn.toLowerCase(Locale.ROOT);
    for (Role r : values()) {
      if (r.commonName.equals(lower)) {
        return r;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return commonName;
  }
}
