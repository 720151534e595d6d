package dev.bff.common.config;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A named backend service: where its instances are and how the gateway talks to them.
 *
 * @param name            the name routes and endpoints refer to
 * @param instances       static instance URLs (scheme, host and port only)
 * @param dns             a DNS name re-resolved periodically to all its addresses, or null
 * @param balancer        how an instance is picked per request
 * @param protocol        the HTTP version spoken to the instances
 * @param pool            connections per instance per event loop (HTTP/2 connections with h2c or h2)
 * @param maxStreams      requests carried at once by one HTTP/2 connection (h2c, h2)
 * @param queue           requests allowed to wait for a pooled connection per event loop
 * @param connectTimeout  limit for establishing a connection
 * @param responseTimeout limit from sending the request to receiving the response head
 * @param idleTimeout     limit on silence while a request or response body is in transit
 * @param keepAlive       pooled connections idle this long are closed by the gateway
 * @param retry           retry policy for idempotent requests
 * @param outlier         passive outlier ejection
 * @param healthCheck     active health checks, or null
 * @param circuitBreaker  the upstream's circuit breaker, or null for none
 * @param tls             TLS towards {@code https://} instances (trust, client certificate), or
 *                        null for the JVM's defaults
 */
public record UpstreamConfig(
    String name,
    List<URI> instances,
    DnsConfig dns,
    Balancer balancer,
    UpstreamProtocol protocol,
    int pool,
    int maxStreams,
    int queue,
    Duration connectTimeout,
    Duration responseTimeout,
    Duration idleTimeout,
    Duration keepAlive,
    RetryConfig retry,
    OutlierConfig outlier,
    HealthCheckConfig healthCheck,
    BreakerConfig circuitBreaker,
    UpstreamTlsConfig tls) {

  /** Instance selection strategies. */
  public enum Balancer {
    /** Each instance in turn. */
    ROUND_ROBIN,
    /** Power of two choices: of two random instances, the one with fewer requests in flight. */
    LEAST_REQUESTS
  }

  /** Instances discovered through DNS (all A/AAAA records of {@code name}) every {@code refresh}. */
  public record DnsConfig(String name, int port, boolean ssl, Duration refresh) {}

  /**
   * Retries of idempotent requests without a body.
   *
   * @param attempts      retries after the first try (0 disables)
   * @param onStatus      upstream statuses that are retried besides connection failures
   * @param budgetRatio   retries allowed as a fraction of requests (a retry budget)
   * @param minPerSecond  retries always allowed per second whatever the ratio
   */
  public record RetryConfig(int attempts, Set<Integer> onStatus, double budgetRatio, int minPerSecond) {}

  /**
   * Passive outlier ejection.
   *
   * @param consecutiveFailures failures in a row (connect errors, resets, timeouts, 5xx) that eject
   * @param baseEjection        first ejection time; doubled for each further ejection, up to maxEjection
   * @param maxEjection         cap on one ejection's time
   * @param maxEjectedPercent   never eject more than this share of the instances
   */
  public record OutlierConfig(int consecutiveFailures, Duration baseEjection, Duration maxEjection,
      int maxEjectedPercent) {}

  /** Active health checks: a GET of {@code path} on every instance every {@code interval}. */
  public record HealthCheckConfig(String path, Duration interval, Duration timeout, int healthyThreshold,
      int unhealthyThreshold) {}

  /**
   * A circuit breaker: it opens when, within {@code window}, {@code failures} calls failed (0: not
   * by count) or at least {@code minimumCalls} calls were made and {@code failureRatio} of them
   * failed (0: not by ratio); after {@code openFor} one trial call decides whether it closes.
   */
  public record BreakerConfig(int failures, double failureRatio, int minimumCalls, Duration window,
      Duration openFor) {}

  static UpstreamConfig read(String name, ConfigNode n) {
    n.allowOnly(Set.of("instances", "dns", "balancer", "protocol", "pool", "max-streams", "queue",
        "connect-timeout", "response-timeout", "idle-timeout", "keep-alive", "retry", "outlier", "health-check",
        "circuit-breaker", "tls"));
    List<URI> instances = new ArrayList<>();
    List<ConfigNode> given = n.list("instances");
    for (ConfigNode i : given) {
      URI uri = parseInstance(i);
      if (uri != null) {
        instances.add(uri);
      }
    }
    DnsConfig dns = null;
    ConfigNode d = n.child("dns");
    if (d.present()) {
      d.allowOnly(Set.of("name", "port", "tls", "refresh"));
      dns = new DnsConfig(d.requiredString("name"), d.integer("port", 80, 1, 65535), d.bool("tls", false),
          d.duration("refresh", Duration.ofSeconds(5)));
    }
    if (given.isEmpty() && dns == null && n.present()) { // invalid instances are reported on their own
      n.problem(null, "needs 'instances' (a list of URLs) or 'dns'");
    } else if (!given.isEmpty() && dns != null) {
      n.problem(null, "has both 'instances' and 'dns'; choose one");
    }
    Balancer balancer = Balancer.ROUND_ROBIN;
    String b = n.string("balancer", "round-robin");
    switch (b.toLowerCase(Locale.ROOT)) {
      case "round-robin" -> balancer = Balancer.ROUND_ROBIN;
      case "least-requests" -> balancer = Balancer.LEAST_REQUESTS;
      default -> n.problem("balancer", "must be round-robin or least-requests, was '" + b + "'");
    }
    UpstreamProtocol protocol = UpstreamProtocol.read(n, instances, dns);
    if (!protocol.http2() && n.child("max-streams").present()) {
      n.problem("max-streams", "applies to HTTP/2 only: set protocol to h2c or h2");
    }
    ConfigNode r = n.child("retry");
    r.allowOnly(Set.of("attempts", "on-status", "budget-ratio", "min-per-second"));
    Set<Integer> onStatus = new java.util.TreeSet<>();
    for (ConfigNode s : r.list("on-status")) {
      String t = s.text();
      try {
        int code = Integer.parseInt(t == null ? "" : t.trim());
        if (code < 500 || code > 599) {
          s.problem(null, "only 5xx statuses can be retried, was " + code);
        } else {
          onStatus.add(code);
        }
      } catch (NumberFormatException e) {
        s.problem(null, "must be an HTTP status, was '" + t + "'");
      }
    }
    RetryConfig retry = new RetryConfig(r.integer("attempts", 1, 0, 10), Set.copyOf(onStatus),
        r.number("budget-ratio", 0.2, 0, 1), r.integer("min-per-second", 10, 0, 100_000));
    ConfigNode o = n.child("outlier");
    o.allowOnly(Set.of("consecutive-failures", "base-ejection", "max-ejection", "max-ejected-percent"));
    OutlierConfig outlier = new OutlierConfig(o.integer("consecutive-failures", 5, 0, 1000),
        o.duration("base-ejection", Duration.ofSeconds(10)), o.duration("max-ejection", Duration.ofMinutes(5)),
        o.integer("max-ejected-percent", 50, 0, 100));
    HealthCheckConfig hc = null;
    ConfigNode h = n.child("health-check");
    if (h.present()) {
      h.allowOnly(Set.of("path", "interval", "timeout", "healthy-threshold", "unhealthy-threshold"));
      String path = h.string("path", "/health");
      if (!path.startsWith("/")) {
        h.problem("path", "must start with '/'");
      }
      hc = new HealthCheckConfig(path, h.duration("interval", Duration.ofSeconds(5)),
          h.duration("timeout", Duration.ofSeconds(1)), h.integer("healthy-threshold", 1, 1, 100),
          h.integer("unhealthy-threshold", 2, 1, 100));
    }
    int pool = n.integer("pool", protocol.http2() ? UpstreamProtocol.DEFAULT_HTTP2_POOL
        : UpstreamProtocol.DEFAULT_HTTP1_POOL, 1, 10_000);
    int maxStreams = n.integer("max-streams", UpstreamProtocol.DEFAULT_MAX_STREAMS, 1, 10_000);
    return new UpstreamConfig(name, List.copyOf(instances), dns, balancer, protocol, pool, maxStreams,
        n.integer("queue", 1024, 0, 1_000_000),
        n.duration("connect-timeout", Duration.ofSeconds(2)), n.duration("response-timeout", Duration.ofSeconds(15)),
        n.duration("idle-timeout", Duration.ofSeconds(30)), n.duration("keep-alive", Duration.ofSeconds(30)),
        retry, outlier, hc, readBreaker(n.child("circuit-breaker")), readTls(n, instances, dns));
  }

  private static UpstreamTlsConfig readTls(ConfigNode n, List<URI> instances, DnsConfig dns) {
    UpstreamTlsConfig tls = UpstreamTlsConfig.read(n.child("tls"));
    boolean anyTls = dns != null ? dns.ssl() : instances.stream().anyMatch(u -> "https".equals(u.getScheme()));
    if (tls != null && !anyTls && (dns != null || !instances.isEmpty())) {
      n.problem("tls", "is used only for https:// instances (or dns.tls: true), and this upstream has none");
    }
    return tls;
  }

  private static BreakerConfig readBreaker(ConfigNode b) {
    if (!b.present()) {
      return null;
    }
    if (!b.isObject()) {
      b.problem(null, "must be a mapping (failures, failure-ratio, minimum-calls, window, open-for)");
      return null;
    }
    b.allowOnly(Set.of("failures", "failure-ratio", "minimum-calls", "window", "open-for"));
    // by ratio unless only a count is given
    double ratioDefault = b.child("failures").present() ? 0 : 0.5;
    BreakerConfig c = new BreakerConfig(b.integer("failures", 0, 0, 1_000_000),
        b.number("failure-ratio", ratioDefault, 0, 1),
        b.integer("minimum-calls", 20, 1, 1_000_000), b.duration("window", Duration.ofSeconds(10)),
        b.duration("open-for", Duration.ofSeconds(5)));
    if (c.failures() == 0 && c.failureRatio() == 0) {
      b.problem(null, "opens on nothing: set failures or failure-ratio above 0");
    }
    if (c.window().toMillis() < 100) {
      b.problem("window", "must be at least 100ms");
    }
    if (c.openFor().toMillis() < 1) {
      b.problem("open-for", "must be at least 1ms");
    }
    return c;
  }

  private static URI parseInstance(ConfigNode i) {
    String t = i.text();
    if (t == null) {
      return null;
    }
    try {
      URI u = new URI(t.trim());
      if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
        i.problem(null, "must be an http:// or https:// URL, was '" + t + "'");
        return null;
      }
      if (u.getHost() == null) {
        i.problem(null, "has no host: '" + t + "'");
        return null;
      }
      if (u.getRawPath() != null && !u.getRawPath().isEmpty() && !"/".equals(u.getRawPath())) {
        i.problem(null, "must not have a path (use the route's rewrite): '" + t + "'");
        return null;
      }
      return u;
    } catch (java.net.URISyntaxException e) {
      i.problem(null, "is not a valid URL: '" + t + "'");
      return null;
    }
  }
}
