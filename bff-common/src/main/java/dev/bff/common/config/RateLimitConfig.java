package dev.bff.common.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rate limits (the top-level {@code rate-limits} block): named policies, the ones applied to routes
 * and endpoints that name none, where the counts are kept and what happens when that store fails.
 *
 * @param store         where the counts are kept: this process's memory, or the shared Redis
 * @param onStoreError  what a request gets while Redis cannot be asked (only with the Redis store)
 * @param replicas      how many replicas share the Redis limits; a replica failing open limits at limit/replicas
 * @param headers       which rate-limit headers answers carry
 * @param defaults      policies of routes and endpoints without a {@code rate-limit} key
 * @param policies      the policies by name, in file order
 * @param memoryMaxKeys the most keys the in-memory store (and the local fallback) keeps; idle keys expire sooner
 * @param redisPrefix   prefix of every key in Redis
 */
public record RateLimitConfig(Store store, OnStoreError onStoreError, int replicas, HeaderStyle headers,
    List<String> defaults, Map<String, RateLimitPolicy> policies, int memoryMaxKeys, String redisPrefix) {

  /** No policies: nothing is limited. */
  public static final RateLimitConfig NONE = new RateLimitConfig(Store.MEMORY, OnStoreError.FAIL_OPEN, 1,
      HeaderStyle.IETF, List.of(), Map.of(), 100_000, "bff:rl:");

  /** Where the counts are kept. */
  public enum Store {
    /** In this process: each replica limits on its own. */
    MEMORY,
    /** In the top-level {@code redis}: all replicas enforce one limit. */
    REDIS
  }

  /** What a request gets while the Redis store cannot be asked. */
  public enum OnStoreError {
    /** Decided by a local limiter at limit/replicas (logged and counted). */
    FAIL_OPEN,
    /** 503 problem+json with {@code Retry-After} (logged and counted). */
    FAIL_CLOSED
  }

  /** Which rate-limit headers answers carry. */
  public enum HeaderStyle {
    /** {@code RateLimit-Policy} and {@code RateLimit} (draft-ietf-httpapi-ratelimit-headers). */
    IETF,
    /** Those and {@code X-RateLimit-Limit}, {@code -Remaining}, {@code -Reset}. */
    IETF_LEGACY,
    /** None (a 429 still carries {@code Retry-After}). */
    NONE
  }

  /** Whether any route can be limited. */
  public boolean enabled() {
    return !policies.isEmpty();
  }

  static RateLimitConfig read(ConfigNode n, RedisConfig redis) {
    if (!n.present()) {
      return NONE;
    }
    n.allowOnly(Set.of("store", "on-store-error", "replicas", "headers", "default", "policies", "memory-max-keys",
        "redis-prefix"));
    Store store = switch (n.string("store", "memory")) {
      case "memory" -> Store.MEMORY;
      case "redis" -> Store.REDIS;
      default -> {
        n.problem("store", "must be memory or redis, was '" + n.string("store", "") + "'");
        yield Store.MEMORY;
      }
    };
    if (store == Store.REDIS && redis == null) {
      n.problem("store", "redis needs the top-level redis block (url) to know which Redis");
    }
    OnStoreError onError = switch (n.string("on-store-error", "fail-open")) {
      case "fail-open" -> OnStoreError.FAIL_OPEN;
      case "fail-closed" -> OnStoreError.FAIL_CLOSED;
      default -> {
        n.problem("on-store-error", "must be fail-open or fail-closed, was '" + n.string("on-store-error", "") + "'");
        yield OnStoreError.FAIL_OPEN;
      }
    };
    // on-store-error, replicas and redis-prefix are read but unused with the memory store, so one
    // file can switch stores with an environment variable (store: ${BFF_RATE_LIMIT_STORE:memory})
    HeaderStyle headers = switch (n.string("headers", "ietf")) {
      case "ietf" -> HeaderStyle.IETF;
      case "ietf+legacy" -> HeaderStyle.IETF_LEGACY;
      case "none" -> HeaderStyle.NONE;
      default -> {
        n.problem("headers", "must be ietf, ietf+legacy or none, was '" + n.string("headers", "") + "'");
        yield HeaderStyle.IETF;
      }
    };
    Map<String, RateLimitPolicy> policies = new LinkedHashMap<>();
    n.entries("policies").forEach((name, pn) -> {
      RateLimitPolicy p = RateLimitPolicy.read(name, pn);
      if (p != null) {
        policies.put(name, p);
      }
    });
    RateLimitConfig partial = new RateLimitConfig(store, onError, 1, headers, List.of(),
        java.util.Collections.unmodifiableMap(policies), 0, "");
    List<String> defaults = partial.names(n.child("default"));
    return new RateLimitConfig(store, onError, n.integer("replicas", 1, 1, 1000), headers, defaults,
        partial.policies(), n.integer("memory-max-keys", 100_000, 100, 100_000_000),
        n.string("redis-prefix", "bff:rl:"));
  }

  /**
   * The policies a route or endpoint applies: its {@code rate-limit} list, none for {@code rate-limit: none},
   * or the defaults when the key is absent. Unknown names are problems at their path.
   */
  List<String> rule(ConfigNode n) {
    return n.present() ? names(n) : defaults;
  }

  private List<String> names(ConfigNode n) {
    if (!n.present()) {
      return List.of();
    }
    if (n.isObject()) {
      n.problem(null, "must be a list of policy names, or none");
      return List.of();
    }
    if (!n.isList() && "none".equals(n.text())) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (ConfigNode x : n.list(null)) {
      String name = x.text();
      if (name == null) {
        continue;
      }
      if (!policies.containsKey(name)) {
        x.problem(null, "unknown rate-limit policy '" + name + "' (known: " + policies.keySet() + ")");
      } else if (out.contains(name)) {
        x.problem(null, "policy '" + name + "' is listed twice");
      } else {
        out.add(name);
      }
    }
    return List.copyOf(out);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("rate-limits(store ").append(store.name().toLowerCase());
    if (store == Store.REDIS) {
      sb.append(", on-store-error ").append(onStoreError == OnStoreError.FAIL_OPEN ? "fail-open" : "fail-closed")
          .append(", replicas ").append(replicas);
    }
    sb.append(", headers ").append(headers.name().toLowerCase().replace("_", "+"))
        .append(", default ").append(defaults).append(")");
    return sb.toString();
  }
}
