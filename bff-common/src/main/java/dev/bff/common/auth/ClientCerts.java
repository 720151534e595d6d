package dev.bff.common.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.bff.common.config.AuthConfig.CertIdentity;
import dev.bff.common.config.AuthConfig.ClientCertConfig;
import dev.bff.common.config.AuthConfig.Method;
import dev.bff.common.config.AuthConfig.Partner;
import dev.bff.common.routing.Category;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.security.auth.x500.X500Principal;

/**
 * Turns the client certificate a TLS listener verified (against its {@code client-ca}) into a
 * partner: the configured part of the certificate (CN, subject, or a SAN) is the identity, mapped to
 * a partner and plan. The result is remembered per TLS session (weakly: it goes with the session),
 * so a connection's requests parse the certificate once.
 */
public final class ClientCerts {
  private static final int SAN_EMAIL = 1;
  private static final int SAN_DNS = 2;
  private static final int SAN_URI = 6;

  private final ClientCertConfig config;
  private final Cache<SSLSession, Object> bySession = Caffeine.newBuilder().weakKeys().maximumSize(100_000).build();

  /** Identities as {@code config} says. */
  public ClientCerts(ClientCertConfig config) {
    this.config = config;
  }

  /**
   * The partner of the request's verified client certificate, or null when the connection carries
   * none; throws an {@link AuthException} (403) when the certificate names no identity or one that
   * is not allowed.
   */
  public Principal identify(HttpServerRequest req) {
    SSLSession session = req.sslSession();
    if (session == null) {
      return null;
    }
    Object known = bySession.get(session, ClientCerts.this::fromSession);
    if (known instanceof AuthException e) {
      throw e;
    }
    return known == NONE ? null : (Principal) known;
  }

  private static final Object NONE = new Object();

  private Object fromSession(SSLSession session) {
    Certificate[] chain;
    try {
      chain = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return NONE;
    }
    if (chain.length == 0 || !(chain[0] instanceof X509Certificate cert)) {
      return NONE;
    }
    return principal(cert);
  }

  /** The principal of a verified certificate, or the {@link AuthException} that refuses it. */
  Object principal(X509Certificate cert) {
    String subject = cert.getSubjectX500Principal().getName(X500Principal.RFC2253);
    String identity = switch (config.identity()) {
      case CN -> commonName(subject);
      case SUBJECT -> subject;
      case SAN_DNS -> san(cert, SAN_DNS);
      case SAN_URI -> san(cert, SAN_URI);
      case SAN_EMAIL -> san(cert, SAN_EMAIL);
    };
    if (identity == null || identity.isEmpty()) {
      return new AuthException(Category.FORBIDDEN, "the client certificate has no " + describe(config.identity()));
    }
    Partner p = config.partners().get(identity);
    if (p == null && config.onlyListed()) {
      return new AuthException(Category.FORBIDDEN, "the client certificate's identity is not allowed");
    }
    String partner = p == null ? identity : p.partner();
    String plan = p == null ? config.defaultPlan() : p.plan();
    JsonObject attrs = new JsonObject().put("partner", partner).put("plan", plan).put("identity", identity)
        .put("subject", subject);
    return Principal.partner(Method.CLIENT_CERT, partner, attrs);
  }

  private static String commonName(String dn) {
    try {
      List<Rdn> rdns = new LdapName(dn).getRdns();
      for (int i = rdns.size() - 1; i >= 0; i--) { // the most specific CN (RDNs are listed last-first)
        if (rdns.get(i).getType().equalsIgnoreCase("CN")) {
          return String.valueOf(rdns.get(i).getValue());
        }
      }
    } catch (InvalidNameException e) {
      return null;
    }
    return null;
  }

  private static String san(X509Certificate cert, int type) {
    try {
      Collection<List<?>> sans = cert.getSubjectAlternativeNames();
      if (sans == null) {
        return null;
      }
      for (List<?> s : sans) {
        if (s.size() >= 2 && s.get(0) instanceof Integer t && t == type && s.get(1) instanceof String v) {
          return v;
        }
      }
    } catch (CertificateParsingException e) {
      return null;
    }
    return null;
  }

  private static String describe(CertIdentity id) {
    return switch (id) {
      case CN -> "common name (CN)";
      case SUBJECT -> "subject";
      case SAN_DNS -> "DNS subject alternative name";
      case SAN_URI -> "URI subject alternative name";
      case SAN_EMAIL -> "e-mail subject alternative name";
    };
  }

  @Override
  public String toString() {
    return "client-cert(" + config.identity().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ")";
  }
}
