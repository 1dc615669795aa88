package org.secformer.engine.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertToolTest {
  @TempDir Path dir;

  @Test
  void writesCaAndOneCertificatePerRoleSignedByTheCa() throws Exception {
    CertTool.generate(dir, Duration.ofDays(2));

    X509Certificate ca = Pem.readCertificate(dir.resolve("ca.crt"));
    assertTrue(ca.getBasicConstraints() >= 0, "ca.crt is a CA");
    assertEquals(CertTool.CA_NAME, PeerRoleVerifier.commonName(ca.getSubjectX500Principal()));
    ca.verify(ca.getPublicKey());
    for (Role role : Role.values()) {
      X509Certificate leaf = Pem.readCertificate(dir.resolve(role.commonName() + ".crt"));
      leaf.verify(ca.getPublicKey());
      leaf.checkValidity();
      assertEquals(-1, leaf.getBasicConstraints(), "leaf is not a CA");
      assertEquals(role.commonName(), PeerRoleVerifier.commonName(leaf.getSubjectX500Principal()));
      assertTrue(leaf.getSubjectX500Principal().getName().contains("OU=" + role.organizationalUnit()));
      List<String> sans = new ArrayList<>();
      leaf.getSubjectAlternativeNames().forEach(n -> sans.add(String.valueOf(n.get(1))));
      assertTrue(sans.containsAll(List.of(role.dnsName(), "localhost", "127.0.0.1")), sans.toString());
      assertTrue(leaf.getExtendedKeyUsage().containsAll(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2")));

      // the key file holds the private key of this certificate
      var key = Pem.readPrivateKey(dir.resolve(role.commonName() + ".key"));
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initSign(key);
      s.update(new byte[] {1, 2, 3});
      byte[] sig = s.sign();
      s.initVerify(leaf.getPublicKey());
      s.update(new byte[] {1, 2, 3});
      assertTrue(s.verify(sig));
      assertTrue(Files.readString(dir.resolve(role.commonName() + ".key")).startsWith("-----BEGIN PRIVATE KEY-----"));
    }
  }

  @Test
  void privateKeysAreOwnerOnly() throws Exception {
    CertTool.generate(dir, Duration.ofDays(1));
    if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      return;
    }
    for (String f : List.of("ca.key", "p0.key", "p1.key", "dealer.key", "client.key")) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(f))), f);
    }
  }

  @Test
  void refusesToOverwriteAnExistingSet() {
    CertTool.generate(dir, Duration.ofDays(1));
    assertThrows(UncheckedIOException.class, () -> CertTool.generate(dir, Duration.ofDays(1)));
  }

  @Test
  void aLoadedCaIssuesCertificatesWithExtraHostNames() throws Exception {
    CertTool.generate(dir, Duration.ofDays(1));
    CertificateAuthority ca = CertificateAuthority.load(dir.resolve("ca.crt"), dir.resolve("ca.key"));
    CertificateAuthority.Issued p0 = ca.issue(Role.P0, Duration.ofHours(1), List.of("party0.example.org", "10.1.2.3"));
    p0.certificate().verify(ca.certificate().getPublicKey());
    List<String> sans = new ArrayList<>();
    p0.certificate().getSubjectAlternativeNames().forEach(n -> sans.add(String.valueOf(n.get(1))));
    assertTrue(sans.containsAll(List.of("p0.secformer", "party0.example.org", "10.1.2.3")), sans.toString());
    assertArrayEquals(ca.certificate().getEncoded(), Pem.readCertificate(dir.resolve("ca.crt")).getEncoded());
    assertTrue(!p0.toString().contains("PRIVATE"), "Issued.toString never shows the key");
  }
}
