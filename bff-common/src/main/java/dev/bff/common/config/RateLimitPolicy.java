package dev.bff.common.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A named rate-limit policy ({@code rate-limits.policies.NAME}): what a request is counted by (its
 * key) and how much it may do, either one limit or one per partner plan.
 *
 * @param name      the policy's name (in routes' {@code rate-limit} lists and in the RateLimit headers)
 * @param key       what the requests are counted by
 * @param algorithm how the rate is enforced
 * @param scope     whether a route's requests share the policy's buckets with other routes
 * @param limit     the limit, or null when the policy has plans
 * @param plans     the limit per plan ({@code Principal.plan()}); empty when the policy has one limit
 */
public record RateLimitPolicy(String name, Key key, Algorithm algorithm, Scope scope, Limit limit,
    Map<String, Limit> plans) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  private static final Pattern RATE = Pattern.compile("(\\d{1,10})\\s*/\\s*([a-z]+)");
  /** The fastest rate: an emission interval under a microsecond cannot be kept in Redis' clock. */
  private static final long MAX_PER_SECOND = 1_000_000;
  private static final double MAX_REFILL_SECONDS = 366 * 86400.0;

  /** What requests are counted by. */
  public enum KeyKind {
    /** The client address (after the trusted proxies' {@code X-Forwarded-For}). */
    IP("ip"),
    /** The JWT subject; requests without one are not limited by the policy. */
    USER("user"),
    /** The JWT subject, else the client address. */
    USER_OR_IP("user-or-ip"),
    /** The partner of an API key or client certificate; requests without one are not limited by the policy. */
    PARTNER("partner"),
    /** The identity of a verified client certificate; requests without one are not limited by the policy. */
    CLIENT_CERT("client-cert"),
    /** A request header's value; requests without it share one bucket. */
    HEADER("header:"),
    /** Nothing: all requests to the route (or endpoint) share one bucket. */
    ROUTE("route");

    private final String yaml;

    KeyKind(String yaml) {
      this.yaml = yaml;
    }
  }

  /** A key: its kind and, for {@code header:NAME}, the header. */
  public record Key(KeyKind kind, String header) {
    @Override
    public String toString() {
      return kind == KeyKind.HEADER ? "header:" + header : kind.yaml;
    }
  }

  /** How a rate is enforced. */
  public enum Algorithm {
    /** The generic cell rate algorithm: a token bucket of {@code burst} refilled at {@code rate}. */
    GCRA("gcra"),
    /**
     * A sliding window of {@code burst / rate} (the rate's period when burst is the rate's count) admitting
     * {@code burst} requests, approximated from the counts of the current and the previous fixed window
     * (the previous one weighted by how much of it still overlaps the sliding window).
     */
    SLIDING_WINDOW("sliding-window");

    private final String yaml;

    Algorithm(String yaml) {
      this.yaml = yaml;
    }

    @Override
    public String toString() {
      return yaml;
    }
  }

  /** Whether routes applying the policy share its buckets. */
  public enum Scope {
    /** One bucket per key for all routes and endpoints applying the policy (a client's 10/s is across them). */
    SHARED,
    /** One bucket per key and route (or endpoint). */
    ROUTE
  }

  /** {@code count} requests per {@code period}, e.g. {@code 10/s}. */
  public record Rate(long count, Duration period) {
    /** The time between two requests at this rate, in nanoseconds. */
    public long intervalNanos() {
      return period.toNanos() / count;
    }

    @Override
    public String toString() {
      long s = period.toSeconds();
      String unit = s == 86400 ? "day" : s == 3600 ? "h" : s == 60 ? "m" : "s";
      return count + "/" + unit;
    }
  }

  /**
   * How much a key may do.
   *
   * @param rate  the sustained rate, or null when only a quota applies
   * @param burst requests admitted at once after a quiet period (defaults to the rate's count)
   * @param quota a fixed budget per UTC day (or hour, minute, second), or null
   */
  public record Limit(Rate rate, long burst, Rate quota) {
    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder();
      if (rate != null) {
        sb.append(rate).append(" burst ").append(burst);
      }
      if (quota != null) {
        sb.append(sb.isEmpty() ? "" : " ").append("quota ").append(quota);
      }
      return sb.toString();
    }
  }

  /** The limit for a partner's {@code plan}: its own, else the {@code default} plan's; null when neither exists. */
  public Limit limitFor(String plan) {
    if (limit != null) {
      return limit;
    }
    Limit l = plan == null ? null : plans.get(plan);
    return l != null ? l : plans.get("default");
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(name).append(": key ").append(key);
    if (scope == Scope.ROUTE && key.kind() != KeyKind.ROUTE) {
      sb.append(" per route");
    }
    sb.append(' ').append(algorithm).append(' ');
    if (limit != null) {
      sb.append(limit);
    } else {
      sb.append("plans ").append(plans);
    }
    return sb.toString();
  }

  static RateLimitPolicy read(String name, ConfigNode n) {
    if (!NAME.matcher(name).matches() || name.equals("none")) {
      n.problem(null, "a policy name must be 1-64 letters, digits, '_', '.' or '-' (and not none)");
    }
    if (!n.isObject()) {
      n.problem(null, "must be a mapping with key and rate (or quota, or plans)");
      return null;
    }
    n.allowOnly(Set.of("key", "rate", "burst", "quota", "algorithm", "scope", "plans"));
    Key key = key(n);
    Algorithm algorithm = switch (n.string("algorithm", "gcra")) {
      case "gcra" -> Algorithm.GCRA;
      case "sliding-window" -> Algorithm.SLIDING_WINDOW;
      default -> {
        n.problem("algorithm", "must be gcra or sliding-window, was '" + n.string("algorithm", "") + "'");
        yield Algorithm.GCRA;
      }
    };
    Scope scope = switch (n.string("scope", "shared")) {
      case "shared" -> Scope.SHARED;
      case "route" -> Scope.ROUTE;
      default -> {
        n.problem("scope", "must be shared or route, was '" + n.string("scope", "") + "'");
        yield Scope.SHARED;
      }
    };
    if (key != null && key.kind() == KeyKind.ROUTE) {
      scope = Scope.ROUTE;
    }
    Map<String, Limit> plans = new LinkedHashMap<>();
    Limit limit = null;
    if (n.child("plans").present()) {
      for (String k : Set.of("rate", "burst", "quota")) {
        if (n.child(k).present()) {
          n.problem(k, "cannot be combined with plans (give each plan its " + k + ")");
        }
      }
      if (key != null && key.kind() != KeyKind.PARTNER && key.kind() != KeyKind.CLIENT_CERT) {
        n.problem("plans", "plans are chosen by the partner's plan: they need key partner or client-cert");
      }
      Map<String, ConfigNode> planNodes = n.entries("plans");
      planNodes.forEach((plan, pn) -> {
        if (!pn.isObject()) {
          pn.problem(null, "must be a mapping with rate (and burst) or quota");
          return;
        }
        pn.allowOnly(Set.of("rate", "burst", "quota"));
        Limit l = limit(pn);
        if (l != null) {
          plans.put(plan, l);
        }
      });
      if (planNodes.isEmpty() && n.child("plans").isObject()) {
        n.problem("plans", "must name at least one plan");
      }
    } else {
      limit = limit(n);
    }
    return new RateLimitPolicy(name, key, algorithm, scope, limit, java.util.Collections.unmodifiableMap(plans));
  }

  private static Key key(ConfigNode n) {
    String k = n.requiredString("key");
    if (k == null) {
      return null;
    }
    if (k.startsWith("header:")) {
      String h = k.substring("header:".length()).trim();
      if (!HeaderNames.isToken(h)) {
        n.problem("key", "header:NAME needs a valid header name, was '" + k + "'");
        return null;
      }
      return new Key(KeyKind.HEADER, h);
    }
    for (KeyKind kind : KeyKind.values()) {
      if (kind != KeyKind.HEADER && kind.yaml.equals(k)) {
        return new Key(kind, null);
      }
    }
    n.problem("key", "must be ip, user, user-or-ip, partner, client-cert, route or header:NAME, was '" + k + "'");
    return null;
  }

  /** The rate, burst and quota of {@code n}; null (with problems) when they are wrong. */
  private static Limit limit(ConfigNode n) {
    Rate rate = rate(n, "rate");
    Rate quota = rate(n, "quota");
    if (rate == null && quota == null && !n.child("rate").present() && !n.child("quota").present()) {
      n.problem(null, "needs rate (e.g. 10/s) or quota (e.g. 10000/day)");
      return null;
    }
    if (rate != null && rate.count() / (double) rate.period().toSeconds() > MAX_PER_SECOND) {
      n.problem("rate", "must be at most " + MAX_PER_SECOND + " per second");
      return null;
    }
    if (quota != null && quota.period().toSeconds() < 1) {
      n.problem("quota", "needs a period of a second or more");
    }
    long burst = rate == null ? 0 : rate.count();
    if (n.child("burst").present()) {
      if (rate == null) {
        n.problem("burst", "needs a rate");
      } else {
        burst = n.integer("burst", (int) Math.min(Integer.MAX_VALUE, rate.count()), 1, 1_000_000_000);
      }
    }
    if (rate != null && burst * (double) rate.period().toSeconds() / rate.count() > MAX_REFILL_SECONDS) {
      n.problem("burst", "takes more than 366 days to refill at " + rate + "; lower it or raise the rate");
      return null;
    }
    return rate == null && quota == null ? null : new Limit(rate, burst, quota);
  }

  /** A rate like {@code 10/s}, {@code 600/m}, {@code 1000/h} or {@code 10000/day}; null when absent or wrong. */
  private static Rate rate(ConfigNode n, String key) {
    String v = n.child(key).text();
    if (v == null) {
      return null;
    }
    Matcher m = RATE.matcher(v.trim().toLowerCase(Locale.ROOT));
    Duration period = m.matches() ? switch (m.group(2)) {
      case "s", "sec", "second" -> Duration.ofSeconds(1);
      case "m", "min", "minute" -> Duration.ofMinutes(1);
      case "h", "hour" -> Duration.ofHours(1);
      case "d", "day" -> Duration.ofDays(1);
      default -> null;
    } : null;
    long count = period == null ? 0 : Long.parseLong(m.group(1));
    if (period == null || count < 1) {
      n.problem(key, "must be a count per period like 10/s, 600/m, 1000/h or 10000/day, was '" + v + "'");
      return null;
    }
    return new Rate(count, period);
  }
}
