package dev.bff.common.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The client-facing listener and the admin listener.
 *
 * @param host           address the gateway listens on
 * @param port           gateway port ({@code 0} picks a free one)
 * @param adminHost      address of the admin listener (health, later metrics)
 * @param adminPort      admin port ({@code 0} picks a free one)
 * @param instances      event-loop verticles; {@code 0} means one per core
 * @param tls            TLS settings, or null for plain HTTP (h2c with prior knowledge still works)
 * @param limits         request line, header and body size limits
 * @param idleTimeout    client connections idle this long are closed
 * @param drainTimeout   on shutdown, in-flight requests get this long to finish
 * @param trustedProxies peers whose X-Forwarded-* headers are believed
 * @param compression    response compression settings
 * @param accessLog      whether one JSON line is logged per request
 * @param ipFilter       IP allow/deny lists for every request
 * @param cors           cross-origin settings for browsers, or null (no CORS headers)
 * @param securityHeaders whether responses carry X-Content-Type-Options (and, over TLS,
 *                       Strict-Transport-Security)
 * @param hardening      deny rules screening every request (the built-in checks are always on)
 * @param mtls           a second listener requiring client certificates, or null
 * @param httpRedirect   a plain-HTTP listener redirecting to the TLS one, or null
 * @param h2c            whether the plain-text listener also speaks HTTP/2 with prior knowledge
 * @param adminToken     the bearer token every admin request but {@code /health/*} must carry, or null
 *                       (then the admin listener should be bound to a loopback address)
 * @param watchConfig    how often the configuration file is checked for changes, which are then
 *                       reloaded like {@code POST /admin/reload}; zero: not watched
 */
public record ServerConfig(
    String host,
    int port,
    String adminHost,
    int adminPort,
    int instances,
    TlsConfig tls,
    Limits limits,
    Duration idleTimeout,
    Duration drainTimeout,
    List<Cidr> trustedProxies,
    CompressionConfig compression,
    boolean accessLog,
    AccessConfig.IpFilter ipFilter,
    AccessConfig.Cors cors,
    boolean securityHeaders,
    HardeningConfig hardening,
    MtlsConfig mtls,
    HttpRedirect httpRedirect,
    boolean h2c,
    Secret adminToken,
    Duration watchConfig) {

  /**
   * A plain-HTTP listener ({@code server.http-redirect}) that answers every request with a 308
   * to the same host, path and query on the TLS listener.
   *
   * @param host address it listens on
   * @param port its port ({@code 0} picks a free one)
   */
  public record HttpRedirect(String host, int port) {
    static HttpRedirect read(ConfigNode n, String defaultHost, boolean tls) {
      if (!n.present()) {
        return null;
      }
      n.allowOnly(Set.of("host", "port"));
      if (!tls) {
        n.problem(null, "needs server.tls: it redirects to the TLS listener");
      }
      return new HttpRedirect(n.string("host", defaultHost), n.integer("port", 80, 0, 65535));
    }
  }

  /** Size limits applied to every request. */
  public record Limits(int maxRequestLine, int maxHeaderSize, long maxBodySize) {
    /** 8 KiB request line, 16 KiB of headers, 10 MiB body: nginx-like defaults. */
    public static final Limits DEFAULT = new Limits(8192, 16384, 10L * 1024 * 1024);
  }

  /**
   * Response compression.
   *
   * @param enabled gzip/deflate when the client accepts it
   * @param level   1 (fast) to 9 (small)
   * @param minSize bodies smaller than this are sent as they are
   * @param types   compressible content types (prefix match, e.g. {@code text/})
   */
  public record CompressionConfig(boolean enabled, int level, int minSize, List<String> types) {
    /** The default list of compressible content types. */
    public static final List<String> DEFAULT_TYPES = List.of("text/", "application/json", "application/problem+json",
        "application/javascript", "application/xml", "application/xhtml+xml", "image/svg+xml", "application/x-ndjson");
  }

  static ServerConfig read(ConfigNode n, int defaultPort, int defaultAdminPort) {
    n.allowOnly(Set.of("host", "port", "admin-host", "admin-port", "instances", "tls", "limits", "idle-timeout",
        "drain-timeout", "trusted-proxies", "compression", "access-log", "ip-filter", "cors", "security-headers",
        "hardening", "mtls", "http-redirect", "h2c", "admin-token", "watch-config"));
    ConfigNode l = n.child("limits");
    l.allowOnly(Set.of("max-request-line", "max-header-size", "max-body-size"));
    Limits limits = new Limits(
        (int) Math.min(Integer.MAX_VALUE, l.size("max-request-line", Limits.DEFAULT.maxRequestLine())),
        (int) Math.min(Integer.MAX_VALUE, l.size("max-header-size", Limits.DEFAULT.maxHeaderSize())),
        l.size("max-body-size", Limits.DEFAULT.maxBodySize()));
    if (limits.maxRequestLine() < 256) {
      l.problem("max-request-line", "must be at least 256 bytes");
    }
    if (limits.maxHeaderSize() < 1024) {
      l.problem("max-header-size", "must be at least 1KB");
    }
    ConfigNode c = n.child("compression");
    c.allowOnly(Set.of("enabled", "level", "min-size", "types"));
    List<String> types = c.strings("types");
    CompressionConfig compression = new CompressionConfig(c.bool("enabled", true), c.integer("level", 6, 1, 9),
        (int) c.size("min-size", 1024), types.isEmpty() ? CompressionConfig.DEFAULT_TYPES : types);
    List<Cidr> trusted = new ArrayList<>();
    List<ConfigNode> tp = n.list("trusted-proxies");
    for (ConfigNode t : tp) {
      String text = t.text();
      if (text != null) {
        try {
          trusted.add(Cidr.parse(text));
        } catch (IllegalArgumentException e) {
          t.problem(null, e.getMessage());
        }
      }
    }
    String host = n.string("host", "0.0.0.0");
    int port = n.integer("port", defaultPort, 0, 65535);
    int adminPort = n.integer("admin-port", defaultAdminPort, 0, 65535);
    TlsConfig tls = TlsConfig.read(n.child("tls"));
    MtlsConfig mtls = MtlsConfig.read(n.child("mtls"), tls, host);
    HttpRedirect redirect = HttpRedirect.read(n.child("http-redirect"), host, tls != null);
    if (mtls != null) {
      checkPortFree(n, "mtls.port", mtls.port(), port, adminPort, -1);
    }
    if (redirect != null) {
      checkPortFree(n, "http-redirect.port", redirect.port(), port, adminPort, mtls == null ? -1 : mtls.port());
    }
    String token = n.string("admin-token", null);
    if (token != null && token.length() < 16) { // said without the value: it is a secret even when too short
      n.problem("admin-token", "must be at least 16 characters (e.g. openssl rand -hex 24)");
    }
    Duration watch = n.duration("watch-config", Duration.ZERO);
    if (!watch.isZero() && watch.toMillis() < 100) {
      n.problem("watch-config", "must be at least 100ms (or 0: not watched)");
    }
    return new ServerConfig(
        host,
        port,
        n.string("admin-host", "127.0.0.1"),
        adminPort,
        n.integer("instances", 0, 0, 256),
        tls,
        limits,
        n.duration("idle-timeout", Duration.ofSeconds(60)),
        n.duration("drain-timeout", Duration.ofSeconds(20)),
        List.copyOf(trusted),
        compression,
        n.bool("access-log", true),
        AccessConfig.IpFilter.read(n.child("ip-filter")),
        AccessConfig.Cors.read(n.child("cors")),
        n.bool("security-headers", true),
        HardeningConfig.read(n.child("hardening")),
        mtls,
        redirect,
        n.bool("h2c", true),
        token == null || token.isBlank() ? null : new Secret(token),
        watch);
  }

  /** Reports a fixed port that another listener of this server already uses. */
  private static void checkPortFree(ConfigNode n, String key, int port, int main, int admin, int mtls) {
    if (port == 0) {
      return;
    }
    String other = port == main ? "port" : port == admin ? "admin-port" : port == mtls ? "mtls.port" : null;
    if (other != null) {
      n.problem(key, "port " + port + " is already server." + other + "'s");
    }
  }
}
