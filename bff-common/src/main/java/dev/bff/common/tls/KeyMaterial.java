package dev.bff.common.tls;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collections;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509KeyManager;

/**
 * PEM key material loaded the way the TLS layer loads it (Vert.x's PEM options, from values) and
 * checked before it is used, so a broken file is reported by name instead of failing handshakes.
 */
public final class KeyMaterial {
  private static final SecureRandom RANDOM = new SecureRandom();

  private KeyMaterial() {}

  /** A certificate chain with its private key, known to belong together. */
  public record Pair(PemKeyCertOptions options, X509Certificate leaf) {}

  /** Why key material cannot be used, and at which key ({@code cert}, {@code key}, {@code ca}...). */
  public static final class Invalid extends Exception {
    private final String key;

    /** Key material that cannot be used: {@code message} says why, {@code key} names the file. */
    public Invalid(String key, String message) {
      super(message, null, false, false);
      this.key = key;
    }

    /** The configuration key whose file is at fault. */
    public String key() {
      return key;
    }

    /** The same problem with the file (as configured) named first. */
    public Invalid naming(Object file) {
      return new Invalid(key, "'" + file + "' " + getMessage());
    }
  }

  /**
   * Loads a certificate chain and its key, and checks that the key is the leaf's.
   *
   * @throws Invalid when either does not parse or the key belongs to another certificate
   */
  public static Pair pair(Vertx vertx, Buffer cert, Buffer key) throws Invalid {
    trust(vertx, cert, "cert"); // the certificates alone first, so a failure names the right file
    PemKeyCertOptions options = new PemKeyCertOptions().setCertValue(cert).setKeyValue(key);
    KeyStore store;
    KeyManagerFactory factory;
    try {
      store = options.loadKeyStore(vertx);
      factory = options.getKeyManagerFactory(vertx);
    } catch (Exception e) {
      throw new Invalid("key", "cannot be loaded: " + e.getMessage());
    }
    X509Certificate leaf = null;
    try {
      for (String alias : Collections.list(store.aliases())) {
        Certificate[] chain = store.getCertificateChain(alias);
        if (chain != null && chain.length > 0 && chain[0] instanceof X509Certificate x) {
          leaf = x;
          break;
        }
      }
    } catch (GeneralSecurityException e) {
      throw new Invalid("cert", "cannot be loaded: " + e.getMessage());
    }
    if (leaf == null) {
      throw new Invalid("cert", "holds no X.509 certificate");
    }
    PrivateKey pk = privateKey(factory, leaf);
    if (pk != null && !belongTogether(pk, leaf.getPublicKey())) {
      throw new Invalid("key", "is not the private key of the certificate " + describe(leaf));
    }
    return new Pair(options, leaf);
  }

  /**
   * Loads one or more CA certificates to trust.
   *
   * @throws Invalid (at {@code key}) when there is no certificate in it or it does not parse
   */
  public static PemTrustOptions trust(Vertx vertx, Buffer cas, String key) throws Invalid {
    PemTrustOptions options = new PemTrustOptions().addCertValue(cas);
    try {
      if (options.loadKeyStore(vertx).size() == 0) {
        throw new Invalid(key, "holds no certificate");
      }
    } catch (Invalid e) {
      throw e;
    } catch (Exception e) {
      throw new Invalid(key, "cannot be loaded: " + e.getMessage());
    }
    return options;
  }

  /** A certificate as logs show it: subject, serial number (hex) and end of validity. */
  public static String describe(X509Certificate c) {
    return "'" + c.getSubjectX500Principal().getName() + "' serial " + c.getSerialNumber().toString(16)
        + " valid until " + c.getNotAfter().toInstant();
  }

  private static PrivateKey privateKey(KeyManagerFactory factory, X509Certificate leaf) {
    for (KeyManager m : factory.getKeyManagers()) {
      if (m instanceof X509KeyManager km) {
        String[] aliases = km.getServerAliases(leaf.getPublicKey().getAlgorithm(), null);
        for (String a : aliases == null ? new String[0] : aliases) {
          PrivateKey k = km.getPrivateKey(a);
          if (k != null) {
            return k;
          }
        }
      }
    }
    return null;
  }

  /** Whether a signature made with {@code key} verifies with {@code pub}; true when that cannot be tried. */
  private static boolean belongTogether(PrivateKey key, PublicKey pub) {
    if (!key.getAlgorithm().equals(pub.getAlgorithm())) {
      return false;
    }
    String alg = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
      case "DSA" -> "SHA256withDSA";
      default -> null; // e.g. RSASSA-PSS, which needs parameters: the handshake will tell
    };
    if (alg == null) {
      return true;
    }
    try {
      byte[] data = new byte[32];
      RANDOM.nextBytes(data);
      Signature s = Signature.getInstance(alg);
      s.initSign(key);
      s.update(data);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(alg);
      v.initVerify(pub);
      v.update(data);
      return v.verify(sig);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
