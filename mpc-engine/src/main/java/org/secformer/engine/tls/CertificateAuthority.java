package org.secformer.engine.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The project's own certificate authority: an EC P-256 key and a self-signed CA certificate that signs
 * one leaf certificate per {@link Role}. Built with BouncyCastle's certificate builders on the JDK's
 * providers (no provider is registered globally, no keytool process).
 *
 * <p>Leaf certificates carry the role as subject CN (OU names the kind of component) and as SAN DNS name
 * {@code <role>.secformer}, plus {@code localhost} and IP 127.0.0.1 so loopback links pass hostname
 * verification, plus any extra host names given. They are valid for both TLS server and client use,
 * since every component both listens and connects.
 */
public final class CertificateAuthority {
  /** Subject organisation of every certificate the CA issues. */
  public static final String ORGANIZATION = "secformer";

  private static final String SIGNATURE = "SHA256withECDSA";
  private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  private final KeyPair keyPair;
  private final X509Certificate certificate;
  private final SecureRandom random;

  /** A certificate and its private key. */
  public record Issued(X509Certificate certificate, PrivateKey privateKey) {
    @Override
    public String toString() {
      return "Issued[" + certificate.getSubjectX500Principal() + "]"; // never print the key
    }
  }

  private CertificateAuthority(KeyPair keyPair, X509Certificate certificate, SecureRandom random) {
    this.keyPair = keyPair;
    this.certificate = certificate;
    this.random = random;
  }

  /** A new CA with a fresh key, named {@code CN=<name>, O=secformer}, valid for {@code validity}. */
  public static CertificateAuthority create(String name, Duration validity) {
    SecureRandom random = new SecureRandom();
    KeyPair kp = newKeyPair(random);
    X500Name subject =
        new X500NameBuilder(BCStyle.INSTANCE)
            .addRDN(BCStyle.O, ORGANIZATION)
            .addRDN(BCStyle.CN, name)
            .build();
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = builder(subject, subject, kp.getPublic(), validity, random);
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
      return new CertificateAuthority(kp, sign(b, kp.getPrivate()), random);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot build the CA certificate", e);
    }
  }

  /** Loads a CA written by {@link #writeTo} (ca.crt and ca.key), to issue further certificates. */
  public static CertificateAuthority load(Path caCert, Path caKey) throws IOException {
    X509Certificate cert = Pem.readCertificate(caCert);
    PrivateKey key = Pem.readPrivateKey(caKey);
    return new CertificateAuthority(new KeyPair(cert.getPublicKey(), key), cert, new SecureRandom());
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /** Issues the leaf certificate of {@code role}; {@code extraHostNames} go into the SAN (DNS or IP). */
  public Issued issue(Role role, Duration validity, List<String> extraHostNames) {
    if (validity.isNegative() || validity.isZero()) {
      throw new IllegalArgumentException("validity must be positive, got " + validity);
    }
    Instant now = Instant.now();
    return issue(role, now.minus(CLOCK_SKEW), now.plus(validity), extraHostNames);
  }

  /**
   * Issues the leaf certificate of {@code role} valid from {@code notBefore} to {@code notAfter} (e.g. one
   * that has expired, to check that it is refused).
   */
  public Issued issue(Role role, Instant notBefore, Instant notAfter, List<String> extraHostNames) {
    if (!notAfter.isAfter(notBefore)) {
      throw new IllegalArgumentException("notAfter " + notAfter + " must follow notBefore " + notBefore);
    }
    KeyPair kp = newKeyPair(random);
    X500Name subject =
        new X500NameBuilder(BCStyle.INSTANCE)
            .addRDN(BCStyle.O, ORGANIZATION)
            .addRDN(BCStyle.OU, role.organizationalUnit())
            .addRDN(BCStyle.CN, role.commonName())
            .build();
    List<GeneralName> names = new ArrayList<>();
    names.add(new GeneralName(GeneralName.dNSName, role.dnsName()));
    names.add(new GeneralName(GeneralName.dNSName, "localhost"));
    names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
    for (String h : extraHostNames) {
      boolean ip = h.matches("[0-9.]+") || h.contains(":");
      names.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, h));
    }
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X500Name issuer = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
      X509v3CertificateBuilder b = builder(issuer, subject, kp.getPublic(), notBefore, notAfter, random);
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
      b.addExtension(
          Extension.extendedKeyUsage,
          false,
          new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      b.addExtension(
          Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
      b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
      return new Issued(sign(b, keyPair.getPrivate()), kp.getPrivate());
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot issue the certificate of role " + role, e);
    }
  }

  /** Writes ca.crt and ca.key (owner-only) into {@code dir}; refuses to overwrite existing files. */
  public void writeTo(Path dir) throws IOException {
    Pem.writeCertificate(dir.resolve("ca.crt"), certificate);
    Pem.writePrivateKey(dir.resolve("ca.key"), keyPair.getPrivate());
  }

  /** Writes {@code <role>.crt} and {@code <role>.key} (owner-only, PKCS#8) into {@code dir}. */
  public static void write(Path dir, Role role, Issued issued) throws IOException {
    Pem.writeCertificate(dir.resolve(role.commonName() + ".crt"), issued.certificate());
    Pem.writePrivateKey(dir.resolve(role.commonName() + ".key"), issued.privateKey());
  }

  private static X509v3CertificateBuilder builder(
      X500Name issuer, X500Name subject, PublicKey key, Duration validity, SecureRandom random) {
    if (validity.isNegative() || validity.isZero()) {
      throw new IllegalArgumentException("validity must be positive, got " + validity);
    }
    Instant now = Instant.now();
    return builder(issuer, subject, key, now.minus(CLOCK_SKEW), now.plus(validity), random);
  }

  private static X509v3CertificateBuilder builder(
      X500Name issuer, X500Name subject, PublicKey key, Instant notBefore, Instant notAfter, SecureRandom random) {
    return new JcaX509v3CertificateBuilder(
        issuer,
        new BigInteger(127, random).add(BigInteger.ONE),
        Date.from(notBefore),
        Date.from(notAfter),
        subject,
        key);
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer)
      throws GeneralSecurityException {
    try {
      ContentSigner cs = new JcaContentSignerBuilder(SIGNATURE).build(signer);
      return new JcaX509CertificateConverter().getCertificate(b.build(cs));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException("no " + SIGNATURE + " signer", e);
    }
  }

  private static KeyPair newKeyPair(SecureRandom random) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), random);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("EC P-256 is not available in this JVM", e);
    }
  }
}
