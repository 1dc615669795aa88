package org.secformer.engine.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** PEM reading and writing for certificates and unencrypted PKCS#8 private keys (no key is ever logged). */
final class Pem {
  private static final Logger LOG = LoggerFactory.getLogger(Pem.class);
  private static final String CERT = "CERTIFICATE";
  private static final String KEY = "PRIVATE KEY";

  private Pem() {}

  static String encode(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  static void writeCertificate(Path file, X509Certificate cert) throws IOException {
    try {
      writeNew(file, encode(CERT, cert.getEncoded()), false);
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IOException("cannot encode certificate " + cert.getSubjectX500Principal(), e);
    }
  }

  /** Writes {@code key} as PKCS#8 PEM, readable and writable by the owner only where the file system allows. */
  static void writePrivateKey(Path file, PrivateKey key) throws IOException {
    if (!"PKCS#8".equals(key.getFormat())) {
      throw new IOException("expected a PKCS#8 key, got " + key.getFormat());
    }
    writeNew(file, encode(KEY, key.getEncoded()), true);
  }

  private static void writeNew(Path file, String text, boolean ownerOnly) throws IOException {
    if (Files.exists(file)) {
      throw new FileAlreadyExistsException(file.toString(), null, "refusing to overwrite");
    }
    if (ownerOnly) {
      try {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        LOG.info("file system of {} has no POSIX permissions; restrict access to it by other means", file);
        Files.createFile(file);
      }
      Files.writeString(file, text, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
    } else {
      Files.writeString(file, text, StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW);
    }
  }

  static byte[] decode(String pemText, String type) throws IOException {
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    int b = pemText.indexOf(begin);
    int e = pemText.indexOf(end);
    if (b < 0 || e < b) {
      throw new IOException("no PEM block of type " + type);
    }
    String body = pemText.substring(b + begin.length(), e).replaceAll("\\s", "");
    return Base64.getDecoder().decode(body);
  }

  static X509Certificate readCertificate(Path file) throws IOException {
    byte[] der = decode(Files.readString(file, StandardCharsets.US_ASCII), CERT);
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot parse certificate " + file, e);
    }
  }

  static PrivateKey readPrivateKey(Path file) throws IOException {
    byte[] der = decode(Files.readString(file, StandardCharsets.US_ASCII), KEY);
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String alg : new String[] {"EC", "RSA"}) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new IOException("unsupported private key in " + file + " (expected EC or RSA PKCS#8)");
  }
}
