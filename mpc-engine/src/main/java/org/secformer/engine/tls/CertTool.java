package org.secformer.engine.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a complete certificate set for one deployment: {@code ca.crt}, {@code ca.key} and, for every
 * {@link Role}, {@code <role>.crt} and {@code <role>.key} (PKCS#8 PEM; key files owner-only). Backs the
 * CLI {@code engine certs --out <dir>}. Distribute ca.crt to every component and each role's pair only
 * to that role; keep ca.key offline.
 */
public final class CertTool {
  /** Name of the CA certificate's CN. */
  public static final String CA_NAME = "secformer-ca";

  private CertTool() {}

  /** Generates the CA and all role certificates into {@code outDir}; existing files are not overwritten. */
  public static void generate(Path outDir, Duration validity) {
    generate(outDir, validity, List.of());
  }

  /** As {@link #generate(Path, Duration)}, with extra SAN host names (DNS or IP) in every leaf. */
  public static void generate(Path outDir, Duration validity, List<String> extraHostNames) {
    try {
      Files.createDirectories(outDir);
      CertificateAuthority ca = CertificateAuthority.create(CA_NAME, validity);
      ca.writeTo(outDir);
      for (Role role : Role.values()) {
        CertificateAuthority.write(outDir, role, ca.issue(role, validity, extraHostNames));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write certificates to " + outDir, e);
    }
  }

  /** {@code CertTool --out <dir> [--days <n>] [--host <name>]...}. */
  public static void main(String[] args) {
    Path out = null;
    int days = 365;
    List<String> hosts = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (i + 1 >= args.length) {
        usage("missing value after " + a);
      }
      switch (a) {
        case "--out" -> out = Path.of(args[++i]);
        case "--days" -> days = Integer.parseInt(args[++i]);
        case "--host" -> hosts.add(args[++i]);
        default -> usage("unknown option " + a);
      }
    }
    if (out == null) {
      usage("--out is required");
    }
    generate(out, Duration.ofDays(days), hosts);
    System.out.println("wrote ca.crt, ca.key and p0/p1/dealer/client .crt/.key to " + out.toAbsolutePath());
  }

  private static void usage(String problem) {
    System.err.println(problem);
    System.err.println("usage: certs --out <dir> [--days <n>] [--host <dns-or-ip>]...");
    System.exit(2);
  }
}
