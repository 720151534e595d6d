package dev.bff.common.config;

import java.util.Set;

/**
 * Server TLS: PEM certificate (with its chain) and private key. With TLS on, HTTP/2 is offered
 * through ALPN.
 *
 * @param certPath path of the PEM certificate chain
 * @param keyPath  path of the PEM private key
 */
public record TlsConfig(String certPath, String keyPath) {
  static TlsConfig read(ConfigNode n) {
    if (!n.present()) {
      return null;
    }
    n.allowOnly(Set.of("cert", "key"));
    String cert = n.requiredString("cert");
    String key = n.requiredString("key");
    if (cert != null && !java.nio.file.Files.isReadable(java.nio.file.Path.of(cert))) {
      n.problem("cert", "file '" + cert + "' cannot be read");
    }
    if (key != null && !java.nio.file.Files.isReadable(java.nio.file.Path.of(key))) {
      n.problem("key", "file '" + key + "' cannot be read");
    }
    return new TlsConfig(cert, key);
  }
}
