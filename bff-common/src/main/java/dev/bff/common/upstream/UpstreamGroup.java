package dev.bff.common.upstream;

import dev.bff.common.config.UpstreamConfig;
import dev.bff.common.observability.UpstreamMeters;
import dev.bff.common.resilience.Breaker;
import io.vertx.core.Vertx;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared state of one named upstream across all event loops: its instances, balancer, retry
 * budget, and the passive outlier ejection that takes failing instances out for a while.
 */
public final class UpstreamGroup {
  private static final Logger LOG = LoggerFactory.getLogger(UpstreamGroup.class);

  private final UpstreamConfig config;
  private final Balancer balancer;
  private final RetryBudget retryBudget;
  private final SharedCalls shared = new SharedCalls();
  private final LongSupplier clock;
  private final Breaker breaker;
  private final UpstreamTls tls;
  private final UpstreamMeters meters;
  private final java.util.concurrent.atomic.LongAdder ejections = new java.util.concurrent.atomic.LongAdder();
  private volatile Instance[] instances;

  /** Creates the group without a circuit breaker (for tests of balancing and ejection). */
  public UpstreamGroup(UpstreamConfig config, LongSupplier nanoClock) {
    this(config, nanoClock, null);
  }

  /**
   * Creates the group with the configured static instances (none yet for DNS upstreams) and its
   * circuit breaker when one is configured.
   *
   * @param vertx runs the circuit breaker's timer (null: no breaker)
   */
  public UpstreamGroup(UpstreamConfig config, LongSupplier nanoClock, Vertx vertx) {
    this(config, nanoClock, vertx, null);
  }

  /**
   * Creates the group like {@link #UpstreamGroup(UpstreamConfig, LongSupplier, Vertx)}, talking
   * TLS to its {@code https://} instances with {@code tls} (null: the JVM's defaults).
   */
  public UpstreamGroup(UpstreamConfig config, LongSupplier nanoClock, Vertx vertx, UpstreamTls tls) {
    this(config, nanoClock, vertx, tls, UpstreamMeters.NONE);
  }

  /**
   * Creates the group like {@link #UpstreamGroup(UpstreamConfig, LongSupplier, Vertx, UpstreamTls)},
   * its calls recording into {@code meters}.
   */
  public UpstreamGroup(UpstreamConfig config, LongSupplier nanoClock, Vertx vertx, UpstreamTls tls,
      UpstreamMeters meters) {
    this.config = config;
    this.meters = meters;
    this.tls = tls;
    this.clock = nanoClock;
    this.breaker = vertx == null || config.circuitBreaker() == null ? null
        : new Breaker(vertx, config.name(), config.circuitBreaker(), nanoClock);
    this.balancer = Balancer.of(config.balancer());
    this.retryBudget = new RetryBudget(config.retry().budgetRatio(), config.retry().minPerSecond(), nanoClock);
    List<Instance> list = new ArrayList<>();
    for (URI u : config.instances()) {
      boolean ssl = "https".equals(u.getScheme());
      list.add(new Instance(u.getHost().replace("[", "").replace("]", ""),
          u.getPort() > 0 ? u.getPort() : ssl ? 443 : 80, ssl));
    }
    this.instances = list.toArray(new Instance[0]);
  }

  /** The upstream's name. */
  public String name() {
    return config.name();
  }

  /** The upstream's configuration. */
  public UpstreamConfig config() {
    return config;
  }

  /** TLS towards the instances (trust, client certificate, server name), or null for the JVM's defaults. */
  public UpstreamTls tls() {
    return tls;
  }

  /** The meters its calls record into (attempts, latency, errors by kind). */
  public UpstreamMeters meters() {
    return meters;
  }

  /** How many times an instance was ejected. */
  public long ejections() {
    return ejections.sum();
  }

  /** The circuit breaker, or null when none is configured. */
  public Breaker breaker() {
    return breaker;
  }

  /** In-flight de-duplication of identical calls, shared by all event loops. */
  public SharedCalls shared() {
    return shared;
  }

  /** The retry budget shared by all event loops. */
  public RetryBudget retryBudget() {
    return retryBudget;
  }

  /** The current instances. */
  public List<Instance> instances() {
    return List.of(instances);
  }

  /**
   * Replaces the instance list (DNS discovery), keeping the state of instances that stay.
   */
  public void replaceInstances(List<Instance> fresh) {
    Map<String, Instance> old = new HashMap<>();
    for (Instance i : instances) {
      old.put(i.authority(), i);
    }
    Instance[] next = new Instance[fresh.size()];
    for (int k = 0; k < next.length; k++) {
      Instance f = fresh.get(k);
      next[k] = old.getOrDefault(f.authority(), f);
    }
    instances = next;
  }

  /** Picks an available instance for a first attempt; null when none is available. */
  public Instance pick() {
    return pick(null, 0);
  }

  /**
   * Picks an available instance other than the first {@code triedCount} of {@code tried} (those
   * that already failed this request) when there is one; else, for a retry, one of the tried
   * instances that is still available.
   *
   * @return null when no instance is available
   */
  public Instance pick(Instance[] tried, int triedCount) {
    Instance[] all = instances;
    long now = clock.getAsLong();
    int available = 0;
    for (Instance i : all) {
      if (i.available(now) && !contains(tried, triedCount, i)) {
        available++;
      }
    }
    if (available == all.length) {
      return all.length == 0 ? null : balancer.pick(all, all.length);
    }
    if (available == 0) {
      for (int k = triedCount - 1; k >= 0; k--) {
        if (tried[k].available(now)) {
          return tried[k];
        }
      }
      return null;
    }
    Instance[] c = new Instance[available];
    int k = 0;
    for (Instance i : all) {
      if (i.available(now) && !contains(tried, triedCount, i)) {
        c[k++] = i;
      }
    }
    return balancer.pick(c, available);
  }

  private static boolean contains(Instance[] a, int n, Instance i) {
    for (int k = 0; k < n; k++) {
      if (a[k] == i) {
        return true;
      }
    }
    return false;
  }

  /** Records a successful exchange with {@code i}. */
  public void onSuccess(Instance i) {
    if (i.consecutiveFailures.get() != 0) {
      i.consecutiveFailures.set(0);
    }
  }

  /** Records a failure (connect error, reset, timeout, 5xx); may eject the instance. */
  public void onFailure(Instance i) {
    int threshold = config.outlier().consecutiveFailures();
    if (threshold <= 0 || i.ejected(clock.getAsLong())) {
      return; // failures of requests sent before the ejection must not count towards the next one
    }
    if (i.consecutiveFailures.incrementAndGet() < threshold) {
      return;
    }
    synchronized (this) {
      long now = clock.getAsLong();
      if (i.ejected(now) || i.consecutiveFailures.get() < threshold) {
        return;
      }
      Instance[] all = instances;
      int ejected = 0;
      for (Instance x : all) {
        if (x.ejected(now)) {
          ejected++;
        }
      }
      if ((ejected + 1) * 100 > config.outlier().maxEjectedPercent() * all.length) {
        return;
      }
      long max = config.outlier().maxEjection().toNanos();
      if (i.ejections > 0 && now - i.lastEjectionEndNanos > max) {
        i.ejections = 0; // well behaved for longer than the longest ejection: start again at the base time
      }
      long base = config.outlier().baseEjection().toNanos();
      int shift = Math.min(Math.min(20, i.ejections), Long.numberOfLeadingZeros(base) - 1); // never overflows
      long time = Math.min(max, base << shift);
      i.ejections++;
      i.ejectedUntilNanos = (now + time) == 0 ? 1 : now + time;
      i.lastEjectionEndNanos = now + time;
      i.consecutiveFailures.set(0);
      ejections.increment();
      LOG.warn("upstream {} instance {} ejected for {} ms after {} consecutive failures", name(), i, time / 1_000_000,
          threshold);
    }
  }

  /** Marks an instance healthy or not after an active health check. */
  void health(Instance i, boolean ok) {
    HealthChecker.record(this, i, ok);
  }

  /** Clears an ejection early (an active health check passed). */
  void readmit(Instance i) {
    if (i.ejected(clock.getAsLong())) {
      i.ejectedUntilNanos = 0;
      i.lastEjectionEndNanos = clock.getAsLong();
      LOG.info("upstream {} instance {} re-admitted by health check", name(), i);
    }
  }

  /** The group's state for the admin listener: instances (health, ejection, in flight) and circuit. */
  public io.vertx.core.json.JsonObject toJson() {
    long now = clock.getAsLong();
    io.vertx.core.json.JsonArray list = new io.vertx.core.json.JsonArray();
    for (Instance i : instances) {
      list.add(new io.vertx.core.json.JsonObject().put("url", i.toString()).put("healthy", i.healthy())
          .put("ejected", i.ejected(now)).put("inFlight", i.inFlight()));
    }
    return new io.vertx.core.json.JsonObject().put("name", name()).put("instances", list)
        .put("circuitBreaker", breaker == null ? null : breaker.toJson());
  }

  @Override
  public String toString() {
    UpstreamConfig c = config;
    return c.name() + " " + (c.dns() != null ? "dns=" + c.dns().name() + ":" + c.dns().port() : List.of(instances))
        + " balancer=" + c.balancer().name().toLowerCase().replace('_', '-')
        + (c.protocol().http2() ? " protocol=" + c.protocol().yamlName() + " streams=" + c.maxStreams() : "")
        + " pool=" + c.pool()
        + " connect=" + c.connectTimeout().toMillis() + "ms response=" + c.responseTimeout().toMillis() + "ms"
        + " retries=" + c.retry().attempts() + (breaker == null ? "" : " " + breaker) + (tls == null ? "" : " " + tls);
  }
}
