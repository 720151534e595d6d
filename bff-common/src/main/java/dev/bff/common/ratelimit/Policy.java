package dev.bff.common.ratelimit;

import dev.bff.common.config.RateLimitPolicy;
import dev.bff.common.config.RateLimitPolicy.Algorithm;
import dev.bff.common.config.RateLimitPolicy.Limit;
import dev.bff.common.proxy.Forwarding;
import dev.bff.common.routing.Exchange;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A policy compiled at start-up: where a request's key comes from and the meters of its limit (or
 * of each plan), so a request costs a key look-up and one bucket name per meter.
 */
final class Policy {
  /** Longer key values (a header, a long subject) are kept by their digest, so buckets stay small. */
  private static final int MAX_KEY_CHARS = 96;

  private final RateLimitPolicy config;
  private final KeySource source;
  private final boolean perRoute;
  private final List<Meter> meters;
  private final Map<String, List<Meter>> plans = new HashMap<>();
  private final List<Meter> defaultPlan;
  final PolicyCounters counters = new PolicyCounters();

  Policy(RateLimitPolicy config, Forwarding forwarding, int replicas) {
    this.config = config;
    this.source = KeySource.of(config.key(), forwarding);
    this.perRoute = config.scope() == RateLimitPolicy.Scope.ROUTE;
    if (config.limit() != null) {
      this.meters = meters(config.limit(), replicas);
    } else {
      this.meters = null;
      config.plans().forEach((plan, limit) -> plans.put(plan, meters(limit, replicas)));
    }
    this.defaultPlan = plans.get("default");
  }

  private List<Meter> meters(Limit l, int replicas) {
    List<Meter> out = new ArrayList<>(2);
    String name = config.name();
    if (l.rate() != null) {
      long interval = l.rate().intervalNanos();
      out.add(config.algorithm() == Algorithm.GCRA
          ? new Meter(name, name, Meter.Kind.GCRA, l.burst(), interval, counters, replicas)
          : new Meter(name, name, Meter.Kind.SLIDING, l.burst(), interval * l.burst(), counters, replicas));
    }
    if (l.quota() != null) {
      out.add(new Meter(name, name + "-quota", Meter.Kind.FIXED, l.quota().count(), l.quota().period().toNanos(),
          counters, replicas));
    }
    return List.copyOf(out);
  }

  /** The policy's name. */
  String name() {
    return config.name();
  }

  /** Adds the checks this policy makes on {@code ex} (none when its key or plan does not apply). */
  void checks(Exchange ex, String route, List<Check> out) {
    List<Meter> ms = meters;
    if (ms == null) {
      String plan = ex.principal() == null ? null : ex.principal().plan();
      ms = plan == null ? null : plans.getOrDefault(plan, defaultPlan);
      if (ms == null) {
        return;
      }
    }
    String value = source.of(ex);
    if (value == null) {
      return;
    }
    if (value.length() > MAX_KEY_CHARS) {
      value = "sha256:" + digest(value);
    }
    String bucket = perRoute ? route + ":" + value : value;
    for (Meter m : ms) {
      out.add(new Check(m, m.bucketPrefix() + bucket));
    }
  }

  private static String digest(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return config.toString();
  }
}
