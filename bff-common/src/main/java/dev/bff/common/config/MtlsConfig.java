package dev.bff.common.config;

import io.vertx.core.http.ClientAuth;
import java.util.Set;

/**
 * A second client-facing listener ({@code server.mtls}) that requires client certificates signed
 * by {@code client-ca} and serves the same routes as the main listener. Certificate, key,
 * protocols and reload interval default to {@code server.tls}'s.
 *
 * @param host address it listens on
 * @param port its port ({@code 0} picks a free one)
 * @param tls  its TLS, always with client auth required
 */
public record MtlsConfig(String host, int port, TlsConfig tls) {
  static MtlsConfig read(ConfigNode n, TlsConfig serverTls, String defaultHost) {
    if (!n.present()) {
      return null;
    }
    n.allowOnly(Set.of("host", "port", "cert", "key", "client-ca", "protocols", "reload-interval"));
    if (!n.isObject()) {
      return null;
    }
    PemSource cert;
    PemSource key;
    boolean own = n.child("cert").present() || n.child("key").present();
    if (own) {
      cert = PemSource.read(n, "cert", true);
      key = PemSource.read(n, "key", true);
    } else if (serverTls != null) {
      cert = serverTls.cert();
      key = serverTls.key();
    } else {
      n.problem("cert", "is required (there is no server.tls whose certificate it could use)");
      n.problem("key", "is required (there is no server.tls whose key it could use)");
      cert = null;
      key = null;
    }
    PemSource ca = PemSource.read(n, "client-ca", true);
    TlsConfig tls = new TlsConfig(cert, key,
        TlsConfig.protocols(n, serverTls == null ? TlsConfig.DEFAULT_PROTOCOLS : serverTls.protocols()),
        TlsConfig.reloadInterval(n, serverTls == null ? TlsConfig.DEFAULT_RELOAD_INTERVAL : serverTls.reloadInterval()),
        ClientAuth.REQUIRED, ca);
    if (!n.child("port").present()) {
      n.problem("port", "is required (0 picks a free port)");
    }
    return new MtlsConfig(n.string("host", defaultHost), n.integer("port", 0, 0, 65535), tls);
  }
}
