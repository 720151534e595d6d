package dev.bff.common.observability;

import dev.bff.common.config.MetricsConfig;
import dev.bff.common.ratelimit.PolicyCounters;
import dev.bff.common.ratelimit.RateLimits;
import dev.bff.common.resilience.Breaker;
import dev.bff.common.upstream.Instance;
import dev.bff.common.upstream.UpstreamGroup;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * The meters of one BFF in one Prometheus registry, scraped at the admin listener's {@code /metrics}.
 * Meters are resolved once per route, endpoint part and upstream (at start-up, or on first use of a
 * status class or outcome) and then recorded into without look-ups; counters other components
 * keep anyway (retries, ejections, circuit transitions, rate-limit decisions) are read at scrape
 * time. Every label value is a name from the configuration or the code, a status class or an
 * outcome word: never a path, an id, a key or a user. When {@code metrics.enabled} is false every
 * factory hands out meters that record nothing and there is no registry.
 */
public final class Metrics implements AutoCloseable {
  private static final Metrics OFF = new Metrics(null, MetricsConfig.DEFAULT);

  private final PrometheusMeterRegistry registry;
  private final Duration[] buckets;
  private final ConcurrentHashMap<String, RouteMeters> routes = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, WebSocketMeters> webSockets = new ConcurrentHashMap<>();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  /** Meters reading a component's own counters, by the component: removed when a reload retires it. */
  private final java.util.Map<Object, List<Meter>> owned = new java.util.IdentityHashMap<>();

  private Metrics(PrometheusMeterRegistry registry, MetricsConfig config) {
    this.registry = registry;
    this.buckets = config.buckets().toArray(new Duration[0]);
  }

  /** Metrics that measure nothing ({@code metrics.enabled: false}). */
  public static Metrics off() {
    return OFF;
  }

  /**
   * Metrics per {@code config} in {@code registry} (one shared with Vert.x's own metrics, see
   * {@link #vertxOptions()}), or in a registry of their own when it is null.
   */
  public static Metrics of(MetricsConfig config, PrometheusMeterRegistry registry) {
    if (!config.enabled()) {
      return OFF;
    }
    Metrics m = new Metrics(registry != null ? registry : newRegistry(), config);
    if (config.jvm()) {
      JvmGcMetrics gc = new JvmGcMetrics(); // listens to GC notifications until closed
      m.closeables.add(gc);
      for (MeterBinder b : List.of(new JvmMemoryMetrics(), gc, new JvmThreadMetrics(), new ClassLoaderMetrics(),
          new JvmInfoMetrics(), new ProcessorMetrics(), new UptimeMetrics(), new FileDescriptorMetrics())) {
        b.bindTo(m.registry);
      }
    }
    return m;
  }

  /** A new Prometheus registry (for {@code Bff.launch}, which shares it with Vert.x). */
  public static PrometheusMeterRegistry newRegistry() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  /**
   * Vert.x's own metrics for a registry given to {@code MicrometerMetricsFactory}: worker pools, the
   * upstream HTTP clients' connections and wait queues per instance address, and Netty's event
   * loops and buffer pools. Vert.x's HTTP server metrics are left out (the gateway measures every
   * request per route itself, without a per-request meter look-up), and so are JVM metrics (bound
   * here, per {@code metrics.jvm}).
   */
  public static MicrometerMetricsOptions vertxOptions() {
    MicrometerMetricsOptions o = new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(false)
        .setNettyMetricsEnabled(true)
        .setLabels(EnumSet.of(Label.REMOTE, Label.POOL_TYPE, Label.POOL_NAME));
    for (MetricsDomain d : List.of(MetricsDomain.HTTP_SERVER, MetricsDomain.NET_SERVER, MetricsDomain.NET_CLIENT,
        MetricsDomain.DATAGRAM_SOCKET, MetricsDomain.EVENT_BUS, MetricsDomain.VERTICLES)) {
      o.addDisabledMetricsCategory(d);
    }
    return o;
  }

  /** Whether anything is measured. */
  public boolean enabled() {
    return registry != null;
  }

  /**
   * The registry, for meters this class does not define; null when metrics are off. Register
   * meters once (at start-up) and keep them: a look-up per request is what this class avoids.
   */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The meters of a route or endpoint (by its id), shared by all event loops. */
  public RouteMeters route(String id) {
    if (registry == null) {
      return RouteMeters.NONE;
    }
    RouteMeters m = routes.get(id);
    return m != null ? m : routes.computeIfAbsent(id, k -> new RouteMeters(this, k));
  }

  /** The meters of a route's WebSocket tunnels (by the route's id), shared by all event loops. */
  public WebSocketMeters webSocket(String route) {
    if (registry == null) {
      return WebSocketMeters.NONE;
    }
    WebSocketMeters m = webSockets.get(route);
    return m != null ? m : webSockets.computeIfAbsent(route, k -> new WebSocketMeters(this, k));
  }

  /** The meters of requests no route matched (rejected before routing, or 404/405). */
  public RouteMeters unmatched() {
    return route(RouteMeters.UNMATCHED);
  }

  /** The meters an upstream's calls record into (requests, latency, errors by kind). */
  public UpstreamMeters upstream(String name) {
    return registry == null ? UpstreamMeters.NONE : new UpstreamMeters(this, name);
  }

  /**
   * Registers what an upstream group keeps itself, read at scrape time: retries and retries the
   * budget refused, outlier ejections, instances by state, requests in flight against the pools'
   * size, and its circuit breaker's state (0 closed, 1 half-open, 2 open) and transitions.
   *
   * @param eventLoops how many event loops each have a pool to every instance
   */
  public void bind(UpstreamGroup g, int eventLoops) {
    List<Meter> m = own(g);
    if (m == null) {
      return;
    }
    Tags t = Tags.of("upstream", g.name());
    m.add(FunctionCounter.builder("bff.upstream.retries", g, x -> x.retryBudget().retried())
        .description("Retries sent to another instance or a fresh connection").tags(t).register(registry));
    m.add(FunctionCounter.builder("bff.upstream.retries.refused", g, x -> x.retryBudget().refused())
        .description("Retries not sent because the retry budget was spent").tags(t).register(registry));
    m.add(FunctionCounter.builder("bff.upstream.ejections", g, UpstreamGroup::ejections)
        .description("Outlier ejections of an instance").tags(t).register(registry));
    for (String state : List.of("available", "ejected", "unhealthy")) {
      m.add(Gauge.builder("bff.upstream.instances", g, x -> instances(x, state))
          .description("Instances by state (an ejected and unhealthy one counts as unhealthy)")
          .tags(t.and("state", state)).register(registry));
    }
    m.add(Gauge.builder("bff.upstream.in.flight.requests", g, x -> {
      long n = 0;
      for (Instance i : x.instances()) {
        n += i.inFlight();
      }
      return n;
    }).description("Requests in flight to the upstream, each holding a pooled connection (HTTP/1.1) or a stream (HTTP/2)")
        .tags(t).register(registry));
    m.add(Gauge.builder("bff.upstream.pool.connections.max", g, x -> (double) x.config().pool() * eventLoops
            * x.instances().size())
        .description("Connections the pools may open: pool per instance and event loop").tags(t).register(registry));
    Breaker b = g.breaker();
    if (b != null) {
      m.add(Gauge.builder("bff.circuit.state", b, x -> switch (x.state()) {
        case "open" -> 2;
        case "half_open" -> 1;
        default -> 0;
      }).description("Circuit breaker state: 0 closed, 1 half-open, 2 open").tags(t).register(registry));
      m.add(FunctionCounter.builder("bff.circuit.transitions", b, Breaker::timesOpened)
          .description("Circuit breaker state changes").tags(t.and("to", "open")).register(registry));
      m.add(FunctionCounter.builder("bff.circuit.transitions", b, Breaker::timesHalfOpened)
          .description("Circuit breaker state changes").tags(t.and("to", "half_open")).register(registry));
      m.add(FunctionCounter.builder("bff.circuit.transitions", b, Breaker::timesClosed)
          .description("Circuit breaker state changes").tags(t.and("to", "closed")).register(registry));
    }
  }

  /**
   * A new list to hold {@code owner}'s meters, or null when metrics are off or it is bound already
   * (a reload keeps the unchanged components, and with them their meters).
   */
  private List<Meter> own(Object owner) {
    if (registry == null) {
      return null;
    }
    synchronized (owned) {
      if (owned.containsKey(owner)) {
        return null;
      }
      List<Meter> m = new ArrayList<>();
      owned.put(owner, m);
      return m;
    }
  }

  /**
   * Removes the meters bound to {@code owner} (an upstream group, rate limits, a cache store) that
   * a reload replaced, so the new one's meters of the same names and labels read the new one.
   */
  public void release(Object owner) {
    List<Meter> m;
    synchronized (owned) {
      m = owned.remove(owner);
    }
    if (m != null) {
      m.forEach(registry::remove);
    }
  }

  private static double instances(UpstreamGroup g, String state) {
    long now = System.nanoTime();
    int n = 0;
    for (Instance i : g.instances()) {
      String s = !i.healthy() ? "unhealthy" : i.ejected(now) ? "ejected" : "available";
      if (s.equals(state)) {
        n++;
      }
    }
    return n;
  }

  /**
   * Registers the rate limiter's counters per policy: decisions (allowed, limited, unavailable when
   * failing closed), decisions made without the shared store, store errors, and whether the store
   * answers.
   */
  public void bind(RateLimits limits) {
    if (!limits.enabled()) {
      return;
    }
    List<Meter> m = own(limits);
    if (m == null) {
      return;
    }
    limits.counters().forEach((policy, c) -> {
      Tags t = Tags.of("policy", policy);
      String d = "Rate-limit decisions per policy";
      m.add(FunctionCounter.builder("bff.rate.limit.decisions", c, PolicyCounters::allowed).description(d)
          .tags(t.and("decision", "allowed")).register(registry));
      m.add(FunctionCounter.builder("bff.rate.limit.decisions", c, PolicyCounters::limited).description(d)
          .tags(t.and("decision", "limited")).register(registry));
      m.add(FunctionCounter.builder("bff.rate.limit.decisions", c, PolicyCounters::unavailable).description(d)
          .tags(t.and("decision", "unavailable")).register(registry));
      m.add(FunctionCounter.builder("bff.rate.limit.fallback.decisions", c, PolicyCounters::fallbackDecisions)
          .description("Decisions made by this replica alone while the shared store failed (fail-open)")
          .tags(t).register(registry));
      m.add(FunctionCounter.builder("bff.rate.limit.store.errors", c, PolicyCounters::storeErrors)
          .description("Failed or timed-out calls to the shared rate-limit store").tags(t).register(registry));
    });
    m.add(Gauge.builder("bff.rate.limit.store.up", limits, l -> l.limiter().storeAvailable() ? 1 : 0)
        .description("1 while the rate-limit store answers (always 1 in memory)").register(registry));
  }

  /**
   * The response cache's counters of one cached route or endpoint (the hook for the cache:
   * resolve once per route at start-up, then call {@link CacheMeters#hit()} and its siblings).
   */
  public CacheMeters cache(String route) {
    return registry == null ? CacheMeters.NONE : new CacheMeters(this, route);
  }

  /** The counters of a mirrored route's copies to its shadow upstream (resolve once per route). */
  public MirrorMeters mirror(String route) {
    return registry == null ? MirrorMeters.NONE : new MirrorMeters(this, route);
  }

  /**
   * Registers a cache store's own numbers, read at scrape time: entries, bytes held and evictions.
   */
  public <T> void cacheStore(T store, ToDoubleFunction<T> entries, ToDoubleFunction<T> bytes,
      ToDoubleFunction<T> evictions) {
    List<Meter> m = own(store);
    if (m == null) {
      return;
    }
    m.add(Gauge.builder("bff.cache.entries", store, entries).description("Entries in the response cache")
        .register(registry));
    m.add(Gauge.builder("bff.cache.size", store, bytes).baseUnit("bytes").description("Bytes held by the response cache")
        .register(registry));
    m.add(FunctionCounter.builder("bff.cache.evictions", store, evictions)
        .description("Entries evicted from the response cache to make room").register(registry));
  }

  /**
   * Registers whether the response cache's store answers (a gauge, always 1 in memory) and how
   * many calls to it failed, read at scrape time.
   */
  public <T> void cacheStoreHealth(T store, ToDoubleFunction<T> up, ToDoubleFunction<T> errors) {
    List<Meter> m = own(store);
    if (m == null) {
      return;
    }
    m.add(Gauge.builder("bff.cache.store.up", store, up).description("1 while the response cache's store answers")
        .register(registry));
    m.add(FunctionCounter.builder("bff.cache.store.errors", store, errors)
        .description("Failed or timed-out calls to the response cache's store").register(registry));
  }

  /** The registry in the Prometheus text format (or OpenMetrics when {@code accept} asks for it). */
  public String scrape(String accept) {
    if (registry == null) {
      return "";
    }
    return accept != null && accept.contains("application/openmetrics-text")
        ? registry.scrape("application/openmetrics-text; version=1.0.0; charset=utf-8") : registry.scrape();
  }

  /** A latency histogram with the configured buckets. */
  Timer timer(String name, String description, Tags tags) {
    return Timer.builder(name).description(description).tags(tags).serviceLevelObjectives(buckets).register(registry);
  }

  /** A counter. */
  Counter counter(String name, String description, Tags tags) {
    return Counter.builder(name).description(description).tags(tags).register(registry);
  }

  /** Stops the JVM binders that listen for events (the GC's); the registry stays readable. */
  @Override
  public void close() {
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception e) {
        // a listener that cannot be removed is left to the collector
      }
    }
    closeables.clear();
  }
}
