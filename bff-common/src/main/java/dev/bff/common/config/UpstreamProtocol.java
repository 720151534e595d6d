package dev.bff.common.config;

import dev.bff.common.config.UpstreamConfig.DnsConfig;
import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * The HTTP version the gateway speaks to an upstream ({@code upstreams.<name>.protocol}). HTTP/2
 * multiplexes many requests over one connection: there {@code pool} counts HTTP/2 connections and
 * {@code max-streams} the requests each carries at once.
 */
public enum UpstreamProtocol {
  /** HTTP/1.1: one request at a time per connection (the default). */
  HTTP1,
  /** HTTP/2 in clear text with prior knowledge ({@code http://} instances; no upgrade round trip). */
  H2C,
  /** HTTP/2 over TLS, agreed through ALPN ({@code https://} instances). */
  H2;

  /** HTTP/1.1 connections per instance per event loop unless {@code pool} says otherwise. */
  public static final int DEFAULT_HTTP1_POOL = 64;
  /** HTTP/2 connections per instance per event loop unless {@code pool} says otherwise. */
  public static final int DEFAULT_HTTP2_POOL = 1;
  /** Concurrent requests (streams) per HTTP/2 connection unless {@code max-streams} says otherwise. */
  public static final int DEFAULT_MAX_STREAMS = 100;

  /** Whether requests go out over HTTP/2. */
  public boolean http2() {
    return this != HTTP1;
  }

  /** The name used in YAML ({@code http1}, {@code h2c}, {@code h2}). */
  public String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Reads {@code protocol} of an upstream block and checks it against the instances' schemes (or
   * {@code dns.tls}): h2c needs clear text, h2 needs TLS. Problems are added to {@code n}.
   */
  static UpstreamProtocol read(ConfigNode n, List<URI> instances, DnsConfig dns) {
    String p = n.string("protocol", "http1");
    UpstreamProtocol protocol;
    switch (p.trim().toLowerCase(Locale.ROOT)) {
      case "http1" -> protocol = HTTP1;
      case "h2c" -> protocol = H2C;
      case "h2" -> protocol = H2;
      default -> {
        n.problem("protocol", "must be http1, h2c (HTTP/2 in clear text) or h2 (HTTP/2 over TLS), was '" + p + "'");
        return HTTP1;
      }
    }
    if (protocol == HTTP1) {
      return protocol;
    }
    boolean tls = protocol == H2;
    if (dns != null && dns.ssl() != tls) {
      n.problem("protocol", tls ? "h2 is HTTP/2 over TLS and needs dns.tls: true"
          : "h2c is HTTP/2 in clear text and cannot be used with dns.tls: true (use h2)");
    }
    for (URI u : instances) {
      boolean https = "https".equals(u.getScheme());
      if (https != tls) {
        n.problem("protocol", tls
            ? "h2 is HTTP/2 over TLS and needs https:// instances, but '" + u + "' is http:// (use h2c)"
            : "h2c is HTTP/2 in clear text and needs http:// instances, but '" + u + "' is https:// (use h2)");
        break;
      }
    }
    return protocol;
  }
}
