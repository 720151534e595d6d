package dev.bff.common.upstream;

import dev.bff.common.config.ConfigProblem;
import dev.bff.common.config.PemSource;
import dev.bff.common.config.TlsConfig;
import dev.bff.common.config.UpstreamTlsConfig;
import dev.bff.common.tls.KeyMaterial;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * TLS towards one upstream ({@code upstreams.<name>.tls}), shared by its connection pools and its
 * health checks: the CAs it trusts instead of the JVM's, the client certificate it presents, host
 * verification, and the server name to ask for and verify. Read and checked once at start-up.
 */
public final class UpstreamTls {
  private final UpstreamTlsConfig config;
  private final PemTrustOptions trust;
  private final PemKeyCertOptions keyCert;

  private UpstreamTls(UpstreamTlsConfig config, PemTrustOptions trust, PemKeyCertOptions keyCert) {
    this.config = config;
    this.trust = trust;
    this.keyCert = keyCert;
  }

  /**
   * Reads and checks the files (blocking: call at start-up); what is wrong is added to
   * {@code problems} under {@code path} and null is returned.
   */
  public static UpstreamTls load(Vertx vertx, String path, UpstreamTlsConfig config, List<ConfigProblem> problems) {
    try {
      PemTrustOptions trust = null;
      PemKeyCertOptions keyCert = null;
      if (config.ca() != null) {
        Buffer ca = read(config.ca(), "ca");
        trust = checked(() -> KeyMaterial.trust(vertx, ca, "ca"), config);
      }
      if (config.cert() != null && config.key() != null) {
        Buffer cert = read(config.cert(), "cert");
        Buffer key = read(config.key(), "key");
        keyCert = checked(() -> KeyMaterial.pair(vertx, cert, key), config).options();
      }
      return new UpstreamTls(config, trust, keyCert);
    } catch (KeyMaterial.Invalid e) {
      problems.add(new ConfigProblem(path + "." + e.key(), e.getMessage()));
      return null;
    }
  }

  private interface Check<T> {
    T get() throws KeyMaterial.Invalid;
  }

  /** What {@code check} returns; its failure names the file at fault. */
  private static <T> T checked(Check<T> check, UpstreamTlsConfig c) throws KeyMaterial.Invalid {
    try {
      return check.get();
    } catch (KeyMaterial.Invalid e) {
      throw e.naming(switch (e.key()) {
        case "ca" -> c.ca();
        case "cert" -> c.cert();
        default -> c.key();
      });
    }
  }

  /** Sets trust, the client certificate, host verification and protocols on an upstream client's options. */
  public HttpClientOptions configure(HttpClientOptions o) {
    if (trust != null) {
      o.setTrustOptions(trust);
    }
    if (keyCert != null) {
      o.setKeyCertOptions(keyCert);
    }
    o.setVerifyHost(config.verifyHost())
        .setEnabledSecureTransportProtocols(new LinkedHashSet<>(TlsConfig.DEFAULT_PROTOCOLS));
    if (config.serverName() != null) {
      o.setForceSni(true);
    }
    return o;
  }

  /**
   * Sets trust, the client certificate, host verification and protocols on the options of an
   * upstream's WebSocket client. Its connections go to the instance's host, which SNI carries and
   * its certificate must match: a configured server name is not used for them.
   */
  public WebSocketClientOptions configure(WebSocketClientOptions o) {
    if (trust != null) {
      o.setTrustOptions(trust);
    }
    if (keyCert != null) {
      o.setKeyCertOptions(keyCert);
    }
    return o.setVerifyHost(config.verifyHost())
        .setEnabledSecureTransportProtocols(new LinkedHashSet<>(TlsConfig.DEFAULT_PROTOCOLS));
  }

  /**
   * Points a request to a TLS instance at the configured server name, which SNI carries and the
   * upstream's certificate must match; the {@code Host} header stays the instance's (or the one
   * already set). Headers are copied, never changed in place. Without a server name, unchanged.
   */
  public RequestOptions withServerName(RequestOptions o, Instance instance) {
    if (config.serverName() == null || !instance.ssl()) {
      return o;
    }
    MultiMap h = HttpHeaders.headers();
    if (o.getHeaders() != null) {
      h.addAll(o.getHeaders());
    }
    if (!h.contains(HttpHeaders.HOST)) {
      h.set(HttpHeaders.HOST, instance.authority());
    }
    return o.setHost(config.serverName()).setHeaders(h);
  }

  @Override
  public String toString() {
    return "tls(" + (config.ca() == null ? "JVM trust store" : "ca " + config.ca())
        + (config.cert() == null ? "" : ", client cert " + config.cert())
        + (config.verifyHost() ? "" : ", host not verified")
        + (config.serverName() == null ? "" : ", server-name " + config.serverName()) + ")";
  }

  private static Buffer read(PemSource s, String key) throws KeyMaterial.Invalid {
    try {
      return Buffer.buffer(s.read());
    } catch (IOException e) {
      throw new KeyMaterial.Invalid(key, "cannot read '" + s + "': " + e.getMessage());
    }
  }
}
