package dev.bff.common.config;

import io.vertx.core.http.ClientAuth;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * TLS of a client-facing listener ({@code server.tls}, and {@code server.mtls}'s): its certificate
 * and key (PEM; the certificate file may hold the chain after the leaf), the protocol versions
 * it speaks (TLS 1.2 and 1.3 only), how often its files are checked for a new certificate, and
 * whether clients must present a certificate. HTTP/2 is offered through ALPN.
 *
 * @param cert           the certificate chain: the leaf first, then intermediates
 * @param key            the private key of the leaf
 * @param protocols      enabled versions, a subset of {@link #DEFAULT_PROTOCOLS}
 * @param reloadInterval how often the files are checked for changes; zero: never
 * @param clientAuth     whether client certificates are not asked for, requested or required
 * @param clientCa       CAs that client certificates must chain to, or null without client auth
 */
public record TlsConfig(PemSource cert, PemSource key, List<String> protocols, Duration reloadInterval,
    ClientAuth clientAuth, PemSource clientCa) {
  /** TLS 1.2 and 1.3: the only versions a listener ever enables, whatever the JVM allows. */
  public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.2", "TLSv1.3");
  /** Certificate files are checked for changes every 10 seconds unless configured otherwise. */
  public static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofSeconds(10);

  static TlsConfig read(ConfigNode n) {
    if (!n.present()) {
      return null;
    }
    n.allowOnly(Set.of("cert", "key", "protocols", "reload-interval", "client-auth", "client-ca"));
    PemSource cert = PemSource.read(n, "cert", true);
    PemSource key = PemSource.read(n, "key", true);
    ClientAuth auth = clientAuth(n); // null: misspelt, reported
    PemSource ca = PemSource.read(n, "client-ca", auth == ClientAuth.REQUEST || auth == ClientAuth.REQUIRED);
    if (auth == ClientAuth.NONE && ca != null) {
      n.problem("client-ca", "is used only with client-auth: request or required");
    }
    return new TlsConfig(cert, key, protocols(n, DEFAULT_PROTOCOLS), reloadInterval(n, DEFAULT_RELOAD_INTERVAL),
        auth == null ? ClientAuth.NONE : auth, ca);
  }

  /** The {@code protocols} list: TLSv1.2 and/or TLSv1.3, or {@code def} when absent. */
  static List<String> protocols(ConfigNode n, List<String> def) {
    if (!n.child("protocols").present()) {
      return def;
    }
    Set<String> out = new LinkedHashSet<>();
    List<ConfigNode> items = n.list("protocols");
    for (ConfigNode i : items) {
      String t = i.text();
      String known = t == null ? null : DEFAULT_PROTOCOLS.stream().filter(p -> p.equalsIgnoreCase(t.trim()))
          .findFirst().orElse(null);
      if (known != null) {
        out.add(known);
      } else if (t != null) {
        i.problem(null, "must be TLSv1.2 or TLSv1.3, was '" + t + "' (older versions are never enabled)");
      }
    }
    if (items.isEmpty()) {
      n.problem("protocols", "must name TLSv1.2, TLSv1.3 or both");
    }
    return out.isEmpty() ? def : List.copyOf(out);
  }

  /** The {@code reload-interval}: zero (off) or at least 100ms; {@code def} when absent. */
  static Duration reloadInterval(ConfigNode n, Duration def) {
    Duration d = n.duration("reload-interval", def);
    if (!d.isZero() && d.toMillis() < 100) {
      n.problem("reload-interval", "must be 0 (never reload) or at least 100ms");
      return def;
    }
    return d;
  }

  private static ClientAuth clientAuth(ConfigNode n) {
    String v = n.string("client-auth", "none");
    return switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "none" -> ClientAuth.NONE;
      case "request" -> ClientAuth.REQUEST;
      case "required" -> ClientAuth.REQUIRED;
      default -> {
        n.problem("client-auth", "must be none, request or required, was '" + v + "'");
        yield null;
      }
    };
  }
}
