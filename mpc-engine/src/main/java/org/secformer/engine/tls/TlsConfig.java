package org.secformer.engine.tls;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The TLS material of one component: the project CA certificate (the only trust anchor), this
 * component's certificate and PKCS#8 private key, and the role that certificate names.
 *
 * @param caCert PEM of the project CA ({@code ca.crt})
 * @param certChain PEM of this component's certificate ({@code <role>.crt})
 * @param privateKey PEM of this component's PKCS#8 key ({@code <role>.key})
 * @param role the role named by {@code certChain}
 * @param verifyHostname whether a client also checks the server's SAN against the host it dialled (on by
 *     default; the role check of {@link PeerRoleVerifier} applies either way)
 */
public record TlsConfig(Path caCert, Path certChain, Path privateKey, Role role, boolean verifyHostname) {
  public TlsConfig {
    Objects.requireNonNull(caCert, "caCert");
    Objects.requireNonNull(certChain, "certChain");
    Objects.requireNonNull(privateKey, "privateKey");
    Objects.requireNonNull(role, "role");
  }

  /** The files {@link CertTool} writes for {@code role} in {@code dir}; they must exist. */
  public static TlsConfig forRole(Path dir, Role role) {
    TlsConfig c =
        new TlsConfig(
            dir.resolve("ca.crt"),
            dir.resolve(role.commonName() + ".crt"),
            dir.resolve(role.commonName() + ".key"),
            role,
            true);
    c.checkFilesExist();
    return c;
  }

  public TlsConfig withHostnameVerification(boolean on) {
    return new TlsConfig(caCert, certChain, privateKey, role, on);
  }

  /** Fails early, naming the missing file, rather than deep inside the TLS stack. */
  public void checkFilesExist() {
    for (Path p : new Path[] {caCert, certChain, privateKey}) {
      if (!Files.isRegularFile(p)) {
        throw new IllegalArgumentException("TLS file of role " + role + " not found: " + p);
      }
    }
  }
}
