package dev.bff.common.server;

import dev.bff.common.aggregate.Composition;
import dev.bff.common.auth.Authenticators;
import dev.bff.common.auth.IdentityHeaders;
import dev.bff.common.cache.Caches;
import dev.bff.common.store.SharedRedis;
import dev.bff.common.auth.JwtAuthenticator;
import dev.bff.common.aggregate.Part;
import dev.bff.common.aggregate.YamlComposition;
import dev.bff.common.config.AuthConfig;
import dev.bff.common.config.BffConfig;
import dev.bff.common.config.EndpointConfig;
import dev.bff.common.config.RouteConfig;
import dev.bff.common.config.ServerConfig;
import dev.bff.common.files.StaticFiles;
import dev.bff.common.config.ConfigException;
import dev.bff.common.config.ConfigProblem;
import dev.bff.common.config.UpstreamConfig;
import dev.bff.common.observability.Metrics;
import dev.bff.common.observability.Telemetry;
import dev.bff.common.observability.Tracing;
import dev.bff.common.ratelimit.MemoryStore;
import dev.bff.common.ratelimit.RateLimits;
import dev.bff.common.routing.BffModule;
import dev.bff.common.routing.Endpoints;
import dev.bff.common.tls.ServerTls;
import dev.bff.common.upstream.DnsDiscovery;
import dev.bff.common.upstream.HealthChecker;
import dev.bff.common.upstream.UpstreamGroup;
import dev.bff.common.upstream.UpstreamTls;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One generation of a BFF's configuration, shared by all its event loops: the configuration, the
 * module's endpoints, the upstream groups with their discovery and health checks, credentials,
 * rate limits and caches. A reload builds the next generation from this one
 * ({@link #reloaded(Vertx, BffConfig)}), keeping what did not change (upstream groups with their
 * breakers and pools, credentials, limits and caches) and what the process holds once (listeners,
 * TLS, Redis, metrics, tracing, readiness).
 */
public final class Gateway {
  private final BffModule module;
  private final BffConfig config;
  private final int version;
  private final Endpoints endpoints = new Endpoints();
  private final Map<String, UpstreamGroup> groups = new LinkedHashMap<>();
  /** The groups this generation created (the others it took over from the previous one). */
  private final Set<UpstreamGroup> freshGroups = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
  private final Map<UpstreamGroup, HealthChecker> checkers = new IdentityHashMap<>();
  private final Map<UpstreamGroup, DnsDiscovery> discoveries = new IdentityHashMap<>();
  private final List<HttpServer> servers;
  private static final java.util.concurrent.atomic.AtomicInteger RANDOM_PORT_GROUPS =
      new java.util.concurrent.atomic.AtomicInteger();
  private final int bindPort;
  private final int mtlsBindPort;
  private final int eventLoops;
  private final ServerTls tls;
  private final ServerTls mtls;
  private final JwtAuthenticator jwt;
  private final Authenticators auth;
  private final boolean freshAuth;
  private final SharedRedis redis;
  private final IdentityHeaders identity;
  private final RateLimits rateLimits;
  private final Caches caches;
  private final dev.bff.common.observability.AuditLog audit;
  /** The directories of static routes, by route id (a classpath one read into memory). */
  private final Map<String, StaticFiles> statics;
  private final java.time.Instant loadedAt = java.time.Instant.now();
  private final Metrics metrics;
  private final Tracing tracing;
  private final dev.bff.common.aggregate.SlowCompositions slow;
  private final AtomicBoolean ready;
  private final dev.bff.common.grpc.GrpcServices grpc;
  private final int webSocketFrames;

  /**
   * Builds the shared state (upstream groups with their circuit breakers, timed on {@code vertx})
   * and cross-checks the module's code against the YAML.
   *
   * @throws ConfigException when the YAML has endpoint blocks that no code declares, or a
   *     certificate or key does not load (read here, blocking, as the files were checked at parsing)
   */
  public Gateway(Vertx vertx, BffModule module, BffConfig config) {
    this(vertx, module, config, Telemetry.FROM_CONFIG);
  }

  /**
   * Builds the shared state like {@link #Gateway(Vertx, BffModule, BffConfig)}, recording metrics and
   * spans into what {@code telemetry} provides.
   */
  public Gateway(Vertx vertx, BffModule module, BffConfig config, Telemetry telemetry) {
    this(vertx, module, config, telemetry, null);
    bindMeters();
  }

  /**
   * The next generation: {@code next} validated in full against the module's code, and against this
   * one for changes only a restart makes (listeners, Redis, metrics, tracing). Nothing of it runs
   * yet and nothing of this one is touched: {@link #startBackground}, then the event loops' swap,
   * then {@link #retire} this one.
   *
   * @throws ConfigException when {@code next} is invalid or changes what only a restart changes
   */
  Gateway reloaded(Vertx vertx, BffConfig next) {
    return new Gateway(vertx, module, next, null, this);
  }

  private Gateway(Vertx vertx, BffModule module, BffConfig config, Telemetry telemetry, Gateway previous) {
    this.module = module;
    this.config = config;
    module.endpoints(endpoints);
    List<ConfigProblem> problems = new ArrayList<>();
    this.webSocketFrames = previous != null ? previous.webSocketFrames
        : dev.bff.common.config.WebSocketConfig.decoderLimit(config.routes());
    if (previous != null) {
      problems.addAll(ConfigDiff.restartOnly(previous.config, config));
      problems.addAll(ConfigDiff.webSocketFrames(webSocketFrames, config));
    }
    List<String> inCode = endpoints.specs().stream().map(Endpoints.Spec::name).toList();
    for (EndpointConfig e : config.endpoints().values()) {
      String key = "endpoints." + e.name();
      if (e.composed() != null) {
        if (inCode.contains(e.name())) {
          problems.add(new ConfigProblem(key, "endpoint '" + e.name() + "' is declared in "
              + module.getClass().getSimpleName() + " too; declare it in code or in YAML (path, parts), not both"));
          continue;
        }
        Composition c = YamlComposition.compile(e.composed(), key, endpoints.computations(), problems);
        endpoints.route(HttpMethod.valueOf(e.composed().method()), e.name(), e.composed().path(), c);
      } else if (!inCode.contains(e.name())) {
        problems.add(new ConfigProblem(key, "no endpoint named '" + e.name() + "' is declared in "
            + module.getClass().getSimpleName() + " (declared: " + inCode + "); a YAML endpoint needs path and parts"));
      }
    }
    for (Endpoints.Spec s : endpoints.specs()) { // parts written in Java must call upstreams the YAML declares
      Map<String, java.time.Duration> timeouts = config.endpoint(s.name()).partTimeouts();
      if (!timeouts.isEmpty() && !(s.handler() instanceof Composition)) {
        problems.add(new ConfigProblem("endpoints." + s.name() + ".part-timeouts", "endpoint '" + s.name()
            + "' is not a Composition: it has no parts"));
      }
      if (s.handler() instanceof Composition c) {
        timeouts.forEach((part, d) -> {
          Part p = c.parts().stream().filter(x -> x.name().equals(part)).findFirst().orElse(null);
          if (p == null) {
            problems.add(new ConfigProblem("endpoints." + s.name() + ".part-timeouts." + part, "endpoint '"
                + s.name() + "' has no part '" + part + "' (parts: "
                + c.parts().stream().map(Part::name).toList() + ")"));
          } else {
            p.timeout(d); // YAML sizes what code names
          }
        });
        for (Part p : c.parts()) {
          if (!config.upstreams().containsKey(p.upstream())) {
            problems.add(new ConfigProblem("upstreams", "endpoint '" + s.name() + "' part '" + p.name()
                + "' calls upstream '" + p.upstream() + "', which is not declared (declared: "
                + config.upstreams().keySet() + ")"));
          }
        }
      }
    }
    ServerConfig sc = config.server();
    if (previous != null) { // the listeners keep theirs (a change is refused above)
      this.tls = previous.tls;
      this.mtls = previous.mtls;
    } else {
      this.tls = sc.tls() == null ? null : ServerTls.load(vertx, "server.tls", sc.tls(), problems);
      this.mtls = sc.mtls() == null ? null : ServerTls.load(vertx, "server.mtls", sc.mtls().tls(), problems);
    }
    Map<String, UpstreamGroup> kept = new LinkedHashMap<>();
    if (previous != null) {
      for (UpstreamConfig u : config.upstreams().values()) {
        UpstreamGroup g = previous.groups.get(u.name());
        if (g != null && ConfigDiff.same(g.config(), u)) {
          kept.put(u.name(), g);
        }
      }
    }
    Map<String, UpstreamTls> upstreamTls = new LinkedHashMap<>();
    for (UpstreamConfig u : config.upstreams().values()) {
      if (u.tls() != null && !kept.containsKey(u.name())) {
        upstreamTls.put(u.name(), UpstreamTls.load(vertx, "upstreams." + u.name() + ".tls", u.tls(), problems));
      }
    }
    for (String audited : config.audit().routes()) {
      boolean known = config.routes().stream().anyMatch(r -> r.id().equals(audited))
          || endpoints.specs().stream().anyMatch(e -> e.name().equals(audited));
      if (!known) {
        problems.add(new ConfigProblem("audit.routes", "no route or endpoint is named '" + audited + "' (routes: "
            + config.routes().stream().map(dev.bff.common.config.RouteConfig::id).toList() + ", endpoints: "
            + endpoints.specs().stream().map(Endpoints.Spec::name).toList() + ")"));
      }
    }
    this.grpc = dev.bff.common.grpc.GrpcServices.load(config.grpc(), problems);
    for (EndpointConfig e : config.endpoints().values()) { // YAML parts calling gRPC methods
      if (e.composed() == null) {
        continue;
      }
      for (dev.bff.common.config.ComposedConfig.PartConfig pc : e.composed().parts()) {
        if (pc.grpc() == null) {
          continue;
        }
        String key = "endpoints." + e.name() + ".parts." + pc.name() + ".grpc";
        dev.bff.common.grpc.GrpcMethod m = grpc.method(pc.grpc().method());
        if (m == null) {
          problems.add(new ConfigProblem(key + ".method", "no unary gRPC method '" + pc.grpc().method()
              + "' in grpc.descriptor-sets (known: " + grpc.names() + ")"));
          continue;
        }
        for (String f : pc.grpc().request().keySet()) {
          if (m.input().getFields().stream().noneMatch(d -> d.getName().equals(f) || d.getJsonName().equals(f))) {
            problems.add(new ConfigProblem(key + ".request." + f, "is not a field of " + m.input().getFullName()));
          }
        }
      }
    }
    for (int i = 0; i < config.routes().size(); i++) {
      dev.bff.common.config.RouteConfig r = config.routes().get(i);
      if (r.grpc() == null) {
        continue;
      }
      dev.bff.common.grpc.GrpcMethod m = grpc.method(r.grpc().method());
      if (m == null) {
        problems.add(new ConfigProblem("routes[" + i + "].grpc.method", "no unary gRPC method '" + r.grpc().method()
            + "' in grpc.descriptor-sets (known: " + grpc.names() + ")"));
      } else {
        for (String f : dev.bff.common.grpc.GrpcRouteHandler.unknownFields(m, r.grpc())) {
          problems.add(new ConfigProblem("routes[" + i + "].grpc.request." + f, "is not a field of "
              + m.input().getFullName()));
        }
      }
    }
    this.statics = staticFiles(vertx, config, problems);
    if (!problems.isEmpty()) {
      throw new ConfigException(config.source(), problems);
    }
    this.audit = config.audit().enabled() ? new dev.bff.common.observability.AuditLog(config.audit()) : null;
    this.version = previous == null ? 1 : previous.version + 1;
    this.eventLoops = sc.instances() > 0 ? sc.instances() : Runtime.getRuntime().availableProcessors();
    if (previous != null) {
      this.servers = previous.servers;
      this.ready = previous.ready;
      this.bindPort = previous.bindPort;
      this.mtlsBindPort = previous.mtlsBindPort;
      this.metrics = previous.metrics;
      this.tracing = previous.tracing;
      this.slow = previous.slow;
      this.redis = previous.redis;
    } else {
      this.servers = new CopyOnWriteArrayList<>();
      this.ready = new AtomicBoolean();
      // port 0: Vert.x lets every listener given the same negative port -N share one random port, so
      // all event loops of this gateway (and only of this one) serve the port the first one picked
      this.bindPort = sc.port() == 0 ? -RANDOM_PORT_GROUPS.incrementAndGet() : sc.port();
      this.mtlsBindPort = sc.mtls() == null ? 0
          : sc.mtls().port() == 0 ? -RANDOM_PORT_GROUPS.incrementAndGet() : sc.mtls().port();
      this.metrics = Metrics.of(config.metrics(), telemetry.registry());
      this.tracing = Tracing.of(config.tracing(), module.name(), telemetry.openTelemetry());
      // the dashboard's waterfall is part of metrics: without them compositions take no timings
      this.slow = metrics.enabled() ? new dev.bff.common.aggregate.SlowCompositions(
          dev.bff.common.aggregate.SlowCompositions.DEFAULT_CAPACITY,
          dev.bff.common.aggregate.SlowCompositions.DEFAULT_THRESHOLD) : null;
      this.redis = config.redis() == null ? null : new SharedRedis(vertx, config.redis());
    }
    if (previous != null) { // the values a fallback or a part cache serves outlive the reload
      for (Endpoints.Spec s : endpoints.specs()) {
        if (s.handler() instanceof Composition c) {
          previous.endpoints.specs().stream().filter(p -> p.name().equals(s.name()))
              .filter(p -> p.handler() instanceof Composition).findFirst()
              .ifPresent(p -> c.carryOver((Composition) p.handler()));
        }
      }
    }
    if (slow != null) {
      for (Endpoints.Spec s : endpoints.specs()) {
        if (s.handler() instanceof Composition c) {
          c.recordSlow(slow, s.name());
        }
      }
    }
    for (UpstreamConfig u : config.upstreams().values()) {
      UpstreamGroup g = kept.get(u.name());
      if (g == null) {
        g = new UpstreamGroup(u, System::nanoTime, vertx, upstreamTls.get(u.name()), metrics.upstream(u.name()));
        freshGroups.add(g);
      } else { // its discovery and health checks go on as they were
        if (previous.checkers.containsKey(g)) {
          checkers.put(g, previous.checkers.get(g));
        }
        if (previous.discoveries.containsKey(g)) {
          discoveries.put(g, previous.discoveries.get(g));
        }
      }
      groups.put(u.name(), g);
    }
    if (previous != null && ConfigDiff.same(previous.config.auth(), config.auth())) {
      this.auth = previous.auth;
      this.freshAuth = false;
    } else {
      this.auth = Authenticators.of(vertx, config.auth(), redis);
      this.freshAuth = true;
    }
    this.jwt = auth.jwt();
    this.identity = IdentityHeaders.of(config.auth());
    if (previous != null && ConfigDiff.same(previous.config.rateLimits(), config.rateLimits())
        && ConfigDiff.same(previous.config.server().trustedProxies(), sc.trustedProxies())) {
      this.rateLimits = previous.rateLimits; // its counters go on
    } else {
      this.rateLimits = new RateLimits(config.rateLimits(), redis, sc.trustedProxies(), MemoryStore::epochNanos,
          previous == null ? null : previous.rateLimits);
    }
    this.caches = previous != null && ConfigDiff.same(previous.config.cache(), config.cache()) ? previous.caches
        : new Caches(config.cache(), redis, module.name(), metrics);
  }

  /** Opens the directory of every static route: blocking (a classpath one is read whole), as start-up is. */
  private static Map<String, StaticFiles> staticFiles(Vertx vertx, BffConfig config, List<ConfigProblem> problems) {
    Map<String, StaticFiles> out = new LinkedHashMap<>();
    for (int i = 0; i < config.routes().size(); i++) {
      RouteConfig r = config.routes().get(i);
      if (r.staticContent() != null) {
        StaticFiles f = StaticFiles.open(vertx, r.staticContent(), "routes[" + i + "].static", problems);
        if (f != null) {
          out.put(r.id(), f);
        }
      }
    }
    return Map.copyOf(out);
  }

  /** The directory the static route {@code routeId} serves. */
  public StaticFiles staticFiles(String routeId) {
    StaticFiles f = statics.get(routeId);
    if (f == null) {
      throw new IllegalArgumentException("route '" + routeId + "' is not a static route");
    }
    return f;
  }

  /** Registers the meters of the groups, limits and cache this generation serves with. */
  private void bindMeters() {
    groups.values().forEach(g -> metrics.bind(g, eventLoops));
    metrics.bind(rateLimits);
    caches.bindMeters();
  }

  /** The gRPC methods routes and parts may call ({@code grpc.descriptor-sets}). */
  public dev.bff.common.grpc.GrpcServices grpc() {
    return grpc;
  }

  /** The audit log, or null when nothing is audited. */
  public dev.bff.common.observability.AuditLog audit() {
    return audit;
  }

  /** The response cache shared by all event loops (its store, counters, and one cache per cached route). */
  public Caches caches() {
    return caches;
  }

  /**
   * The largest WebSocket frame the listeners (and the upstreams' WebSocket clients) decode: the
   * largest {@code max-message-size} of the routes at start, kept by every reload.
   */
  public int webSocketFrames() {
    return webSocketFrames;
  }

  /** The meters every event loop records into (no-ops with {@code metrics.enabled: false}). */
  public Metrics metrics() {
    return metrics;
  }

  /** The recent slow or degraded composed requests (the dashboard's waterfall), or null without metrics. */
  public dev.bff.common.aggregate.SlowCompositions slowCompositions() {
    return slow;
  }

  /** Trace propagation and spans, shared by all event loops. */
  public Tracing tracing() {
    return tracing;
  }

  /** The rate-limit policies, their store and counters, shared by all event loops. */
  public RateLimits rateLimits() {
    return rateLimits;
  }

  /** The JWT verifier shared by all event loops, or null when the BFF accepts no tokens. */
  public JwtAuthenticator jwt() {
    return jwt;
  }

  /** The Redis the replicas share, or null when none is configured. */
  public SharedRedis redis() {
    return redis;
  }

  /** The credential verifiers shared by all event loops. */
  public Authenticators auth() {
    return auth;
  }

  /** The claims passed upstream as headers (whose client copies are always removed). */
  public IdentityHeaders identity() {
    return identity;
  }

  /**
   * Starts what this generation created: DNS discovery, health checks, JWKS fetches (a reload's
   * unchanged groups and credentials go on as they were); completes when the first ones are done.
   */
  Future<Void> startBackground(Vertx vertx) {
    List<Future<Void>> firsts = new ArrayList<>();
    if (jwt != null && freshAuth) {
      firsts.add(jwt.start());
    }
    for (UpstreamGroup g : freshGroups) {
      if (g.config().dns() != null) {
        DnsDiscovery d = new DnsDiscovery(vertx, g);
        discoveries.put(g, d);
        firsts.add(d.start());
      }
      if (g.config().healthCheck() != null) {
        HealthChecker h = new HealthChecker(vertx, g);
        checkers.put(g, h);
        h.start();
      }
    }
    return Future.all(firsts).mapEmpty();
  }

  /** Stops what this generation started itself, when a reload built it but does not use it. */
  void discard() {
    if (jwt != null && freshAuth) {
      jwt.stop();
    }
    for (UpstreamGroup g : freshGroups) {
      stop(g);
    }
  }

  /**
   * Hands over to {@code next}, which now serves every event loop: stops the discovery, health
   * checks and JWKS refreshes of what {@code next} did not keep, and moves the meters of replaced
   * groups, limits and cache over to their successors. Requests that started on this generation
   * finish on it: they hold its groups and limits, which stay usable.
   */
  void retire(Gateway next) {
    java.util.Set<UpstreamGroup> keep = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    keep.addAll(next.groups.values());
    for (UpstreamGroup g : groups.values()) {
      if (!keep.contains(g)) {
        stop(g);
        metrics.release(g);
      }
    }
    if (jwt != null && next.auth != auth) {
      jwt.stop();
    }
    if (next.rateLimits != rateLimits) {
      metrics.release(rateLimits);
    }
    if (next.caches != caches) {
      caches.releaseMeters();
    }
    next.bindMeters();
  }

  private void stop(UpstreamGroup g) {
    HealthChecker h = checkers.remove(g);
    if (h != null) {
      h.stop();
    }
    DnsDiscovery d = discoveries.remove(g);
    if (d != null) {
      d.stop();
    }
  }

  /** Starts checking the listeners' certificate files; once all listeners listen, so none misses a change. */
  void watchCertificates() {
    if (tls != null) {
      tls.start();
    }
    if (mtls != null) {
      mtls.start();
    }
  }

  void stopBackground() {
    if (tls != null) {
      tls.stop();
    }
    if (mtls != null) {
      mtls.stop();
    }
    if (jwt != null) {
      jwt.stop();
    }
    checkers.values().forEach(HealthChecker::stop);
    if (redis != null) {
      redis.close();
    }
    discoveries.values().forEach(DnsDiscovery::stop);
    metrics.close();
  }

  /** The configuration's generation: 1 at start, one more with every reload that changed something. */
  public int version() {
    return version;
  }

  /** How many event loops serve this gateway. */
  int eventLoops() {
    return eventLoops;
  }

  /** When this gateway took its configuration ({@code /admin/config}'s {@code loaded-at}). */
  public java.time.Instant loadedAt() {
    return loadedAt;
  }

  /** The BFF module. */
  public BffModule module() {
    return module;
  }

  /** The configuration. */
  public BffConfig config() {
    return config;
  }

  /** The module's declared endpoints. */
  public Endpoints endpoints() {
    return endpoints;
  }

  /** The upstream groups by name. */
  public Map<String, UpstreamGroup> groups() {
    return groups;
  }

  /** Whether the BFF takes traffic ({@code /health/ready}). */
  public boolean ready() {
    return ready.get();
  }

  void ready(boolean r) {
    ready.set(r);
  }

  /** The port the event loops listen on: the configured one, or a random-port group for port 0. */
  int bindPort() {
    return bindPort;
  }

  /** The port the mTLS listeners share: as configured, or a random-port group for port 0; 0 without one. */
  int mtlsBindPort() {
    return mtlsBindPort;
  }

  /** The main listener's TLS (its current certificate, reloads), or null for plain HTTP. */
  public ServerTls tls() {
    return tls;
  }

  /** The mTLS listener's TLS, or null when there is no {@code server.mtls}. */
  public ServerTls mtls() {
    return mtls;
  }

  void addServer(HttpServer s) {
    servers.add(s);
  }

  List<HttpServer> servers() {
    return servers;
  }
}
