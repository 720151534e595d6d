package dev.bff.common.config;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * How the gateway talks TLS to an upstream's {@code https://} instances
 * ({@code upstreams.<name>.tls}): whom it trusts, which client certificate it presents, and which
 * name the upstream's certificate must carry.
 *
 * @param ca         CAs the upstream's certificate must chain to; null: the JVM's trust store
 * @param cert       client certificate chain presented to the upstream (mutual TLS), or null
 * @param key        its private key, or null
 * @param verifyHost whether the certificate must name the instance's host (or {@code serverName})
 * @param serverName the name sent as SNI and verified instead of the instance's host, or null
 */
public record UpstreamTlsConfig(PemSource ca, PemSource cert, PemSource key, boolean verifyHost, String serverName) {
  private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?"
      + "(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");

  static UpstreamTlsConfig read(ConfigNode n) {
    if (!n.present()) {
      return null;
    }
    n.allowOnly(Set.of("ca", "cert", "key", "verify-host", "server-name"));
    if (!n.isObject()) {
      return null;
    }
    PemSource ca = PemSource.read(n, "ca", false);
    PemSource cert = PemSource.read(n, "cert", false);
    PemSource key = PemSource.read(n, "key", false);
    if (n.child("cert").present() != n.child("key").present()) {
      n.problem(n.child("cert").present() ? "key" : "cert", "is required with " + (n.child("cert").present()
          ? "cert" : "key") + ": a client certificate needs both");
    }
    String name = n.string("server-name", null);
    if (name != null && !HOST_NAME.matcher(name).matches()) {
      n.problem("server-name", "must be a DNS name like catalog.internal, was '" + name + "'");
    }
    return new UpstreamTlsConfig(ca, cert, key, n.bool("verify-host", true), name);
  }
}
