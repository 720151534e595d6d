package dev.bff.common.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates for TLS tests, issued with BouncyCastle (never with the code under test): a CA,
 * server certificates for {@code localhost}/{@code 127.0.0.1}, and client certificates with a
 * subject and SANs, valid, expired or not yet valid. Everything is written as PEM files under a
 * directory so a gateway's YAML can name them.
 */
public final class TestCerts {
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  private final Path dir;

  /** Certificates written under {@code dir} (created when missing). */
  public TestCerts(Path dir) {
    this.dir = dir;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A certificate with its key, written as PEM files. */
  public record Issued(String name, X509Certificate cert, PrivateKey key, Path certPath, Path keyPath) {
    /** Path of the certificate as a string, for YAML. */
    public String certFile() {
      return certPath.toString();
    }

    /** Path of the private key as a string, for YAML. */
    public String keyFile() {
      return keyPath.toString();
    }
  }

  /** A self-signed CA valid for a year. */
  public Issued ca(String name) {
    KeyPair kp = keyPair();
    X500Name subject = new X500Name("CN=" + name + ",O=BFF tests");
    Instant now = Instant.now();
    try {
      JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(),
          Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(365))), subject,
          kp.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(Extension.subjectKeyIdentifier, false,
          new JcaX509ExtensionUtils().createSubjectKeyIdentifier(kp.getPublic()));
      return write(name, sign(b, kp.getPrivate()), kp.getPrivate(), List.of());
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A server certificate for localhost and 127.0.0.1, signed by {@code ca}, valid for a day. */
  public Issued server(String name, Issued ca) {
    return server(name, ca, keyPair());
  }

  /**
   * Like {@link #server(String, Issued)} with an RSA 2048 key: legacy TLS (1.0, 1.1) has cipher
   * suites for RSA keys in the JDK's and Netty's default lists, none for EC keys.
   */
  public Issued rsaServer(String name, Issued ca) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return server(name, ca, g.generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private Issued server(String name, Issued ca, KeyPair kp) {
    return issue(name, "CN=localhost,O=BFF tests", ca, Instant.now().minus(Duration.ofMinutes(5)),
        Instant.now().plus(Duration.ofDays(1)), KeyPurposeId.id_kp_serverAuth,
        List.of(new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")),
        kp);
  }

  /**
   * A client certificate signed by {@code ca}, valid from {@code notBefore} to {@code notAfter}.
   *
   * @param subject the subject DN, e.g. {@code CN=acme,O=Acme Corp}
   * @param sans    SANs as {@code dns:name}, {@code uri:spiffe://...} or {@code email:a@b}
   */
  public Issued client(String name, String subject, Issued ca, Instant notBefore, Instant notAfter, String... sans) {
    List<GeneralName> names = new ArrayList<>();
    for (String s : sans) {
      int colon = s.indexOf(':');
      String kind = s.substring(0, colon);
      String value = s.substring(colon + 1);
      names.add(switch (kind) {
        case "dns" -> new GeneralName(GeneralName.dNSName, value);
        case "uri" -> new GeneralName(GeneralName.uniformResourceIdentifier, value);
        case "email" -> new GeneralName(GeneralName.rfc822Name, value);
        default -> throw new IllegalArgumentException("unknown SAN kind " + kind);
      });
    }
    return issue(name, subject, ca, notBefore, notAfter, KeyPurposeId.id_kp_clientAuth, names, keyPair());
  }

  /** A client certificate signed by {@code ca}, valid now for a day. */
  public Issued client(String name, String subject, Issued ca, String... sans) {
    return client(name, subject, ca, Instant.now().minus(Duration.ofMinutes(5)), Instant.now().plus(Duration.ofDays(1)),
        sans);
  }

  /** A client certificate signed by {@code ca} that expired an hour ago. */
  public Issued expiredClient(String name, String subject, Issued ca) {
    return client(name, subject, ca, Instant.now().minus(Duration.ofDays(2)), Instant.now().minus(Duration.ofHours(1)));
  }

  private Issued issue(String name, String subject, Issued ca, Instant notBefore, Instant notAfter,
      KeyPurposeId purpose, List<GeneralName> sans, KeyPair kp) {
    try {
      JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca.cert(), serial(), Date.from(notBefore),
          Date.from(notAfter), new X500Name(subject), kp.getPublic());
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
      b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca.cert()));
      if (!sans.isEmpty()) {
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)));
      }
      return write(name, sign(b, ca.key()), kp.getPrivate(), List.of(ca.cert()));
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws GeneralSecurityException {
    try {
      ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(key);
      return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private Issued write(String name, X509Certificate cert, PrivateKey key, List<X509Certificate> chain)
      throws IOException {
    Path certPath = dir.resolve(name + ".pem");
    Path keyPath = dir.resolve(name + "-key.pem");
    StringWriter c = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(c)) {
      w.writeObject(cert);
      for (X509Certificate x : chain) {
        if (!x.getSubjectX500Principal().equals(x.getIssuerX500Principal())) {
          w.writeObject(x); // intermediates only: the root is the trust anchor
        }
      }
    }
    StringWriter k = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(k)) {
      w.writeObject(new JcaPKCS8Generator(key, null)); // "BEGIN PRIVATE KEY", which every PEM reader takes
    }
    Files.writeString(certPath, c.toString());
    Files.writeString(keyPath, k.toString());
    return new Issued(name, cert, key, certPath, keyPath);
  }

  private static KeyPair keyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static BigInteger serial() {
    return BigInteger.valueOf(SERIAL.incrementAndGet());
  }
}
