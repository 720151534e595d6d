package dev.bff.common.ratelimit;

import dev.bff.common.config.Cidr;
import dev.bff.common.config.RateLimitConfig;
import dev.bff.common.config.RateLimitPolicy;
import dev.bff.common.proxy.Forwarding;
import dev.bff.common.routing.Target;
import dev.bff.common.store.SharedRedis;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The rate limits of one BFF, shared by its event loops: the compiled policies, the limiter over
 * the configured store, and their counters. Wraps route and endpoint targets in a
 * {@link RateLimitGuard}.
 */
public final class RateLimits {
  private final RateLimitConfig config;
  private final Map<String, Policy> policies = new LinkedHashMap<>();
  private final RateLimiter limiter;
  private final MemoryStore memory;

  /**
   * Compiles {@code config}.
   *
   * @param redis          the shared Redis (needed for {@code store: redis}), or null
   * @param trustedProxies peers whose {@code X-Forwarded-For} names the client address (for ip keys)
   * @param clock          the wall clock in nanoseconds since the epoch, for the in-memory buckets
   */
  public RateLimits(RateLimitConfig config, SharedRedis redis, List<Cidr> trustedProxies, LongSupplier clock) {
    this(config, redis, trustedProxies, clock, null);
  }

  /**
   * Compiles {@code config} as a reload does: the in-memory buckets of {@code previous} (when it has
   * the same bound on keys) carry over, so a changed policy does not hand every client a fresh
   * allowance; the Redis store keeps its state by itself.
   */
  public RateLimits(RateLimitConfig config, SharedRedis redis, List<Cidr> trustedProxies, LongSupplier clock,
      RateLimits previous) {
    this.config = config;
    Forwarding forwarding = new Forwarding(trustedProxies);
    int replicas = config.store() == RateLimitConfig.Store.REDIS ? config.replicas() : 1;
    for (RateLimitPolicy p : config.policies().values()) {
      policies.put(p.name(), new Policy(p, forwarding, replicas));
    }
    this.memory = previous != null && previous.config.memoryMaxKeys() == config.memoryMaxKeys() ? previous.memory
        : new MemoryStore(config.memoryMaxKeys(), clock);
    this.limiter = config.store() == RateLimitConfig.Store.REDIS
        ? RateLimiter.shared(new RedisStore(redis, config.redisPrefix()), memory, config.onStoreError(), replicas)
        : RateLimiter.inMemory(memory);
  }

  /** Whether any policy is configured. */
  public boolean enabled() {
    return config.enabled();
  }

  /** {@code next} under the named policies, or {@code next} itself when there are none. */
  public Target guard(Target next, String route, List<String> names) {
    if (names.isEmpty()) {
      return next;
    }
    List<Policy> applied = new ArrayList<>(names.size());
    for (String n : names) {
      applied.add(policies.get(n));
    }
    return new RateLimitGuard(next, route, applied, limiter, config.headers());
  }

  /** Each policy's counters, by policy name (read by the metrics at scrape time). */
  public Map<String, PolicyCounters> counters() {
    Map<String, PolicyCounters> out = new LinkedHashMap<>();
    policies.forEach((name, p) -> out.put(name, p.counters));
    return out;
  }

  /** The limiter (for tests and the admin listener). */
  public RateLimiter limiter() {
    return limiter;
  }

  /** The store, its state and what each policy decided, for {@code GET /admin/rate-limits}. */
  public JsonObject toJson() {
    JsonObject per = new JsonObject();
    policies.forEach((name, p) -> per.put(name, p.counters.toJson().put("config", p.toString())));
    return new JsonObject()
        .put("store", config.store().name().toLowerCase())
        .put("onStoreError", config.onStoreError() == RateLimitConfig.OnStoreError.FAIL_OPEN ? "fail-open" : "fail-closed")
        .put("replicas", config.replicas())
        .put("storeAvailable", limiter.storeAvailable())
        .put("storeOutages", limiter.outages())
        .put("policies", per);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(config.toString()).append(" in ").append(limiter);
    policies.values().forEach(p -> sb.append("\n    policy ").append(p));
    return sb.toString();
  }
}
