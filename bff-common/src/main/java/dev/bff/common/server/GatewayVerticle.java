package dev.bff.common.server;

import dev.bff.common.auth.Guard;
import dev.bff.common.auth.IpGuard;
import dev.bff.common.config.AuthConfig;
import dev.bff.common.config.BffConfig;
import dev.bff.common.config.EndpointConfig;
import dev.bff.common.config.RouteConfig;
import dev.bff.common.config.ServerConfig;
import dev.bff.common.files.StaticTarget;
import dev.bff.common.config.WebSocketConfig;
import dev.bff.common.proxy.BodyCheck;
import dev.bff.common.proxy.Forwarding;
import dev.bff.common.proxy.ProxyTarget;
import dev.bff.common.routing.EndpointHandler;
import dev.bff.common.routing.EndpointTarget;
import dev.bff.common.routing.Endpoints;
import dev.bff.common.routing.PathPattern;
import dev.bff.common.routing.RedirectTarget;
import dev.bff.common.routing.Route;
import dev.bff.common.routing.RouteTable;
import dev.bff.common.routing.Stage;
import dev.bff.common.routing.Target;
import dev.bff.common.shape.FieldSelection;
import dev.bff.common.upstream.UpstreamCalls;
import dev.bff.common.upstream.UpstreamClient;
import dev.bff.common.upstream.UpstreamGroup;
import dev.bff.common.websocket.WebSocketGate;
import dev.bff.common.websocket.WebSocketTarget;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One event loop of the gateway: its own upstream pools and compiled route table over the shared
 * {@link Gateway}, and its own listener on the shared port (and, with {@code server.mtls}, its own
 * mTLS listener on that shared port), both served by one {@link Front}. A reload swaps the front
 * (route table, pools) on this event loop between two requests: {@link #prepare} builds the next
 * one, {@link #commit} swaps it in; requests already running keep the front they started with.
 */
public final class GatewayVerticle extends VerticleBase {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(GatewayVerticle.class);
  /** How often pools a reload replaced are checked for requests still using them. */
  private static final long RETIRE_CHECK_MILLIS = 1000;

  private final Gateway initial;
  /** The largest WebSocket frame the listeners and upstream clients decode, fixed at start as the listeners are. */
  private final int webSocketFrames;
  /** The pools of the current generation, by group (kept across reloads for unchanged groups). */
  private Map<UpstreamGroup, UpstreamClient> clients = new IdentityHashMap<>();
  /** Pools a reload replaced, closed once no request uses them. */
  private final List<UpstreamClient> retiring = new ArrayList<>();
  private volatile RouteTable table;
  private Front front;
  private Next next;
  private HttpServer server;
  private HttpServer mtlsServer;

  /** A generation built for this event loop, not serving yet. */
  private record Next(Gateway gateway, RouteTable table, Front front, Map<UpstreamGroup, UpstreamClient> clients,
      List<UpstreamClient> created) {}

  /** Creates the verticle over the shared gateway state. */
  public GatewayVerticle(Gateway gateway) {
    this.initial = gateway;
    this.webSocketFrames = gateway.webSocketFrames();
  }

  /** The compiled routes this event loop serves. */
  public RouteTable table() {
    return table;
  }

  @Override
  public Future<?> start() {
    Next n = build(initial);
    install(n);
    ServerConfig sc = initial.config().server();
    HttpServerOptions options = serverOptions(sc, webSocketFrames);
    server = vertx.createHttpServer(initial.tls() == null ? options : initial.tls().configure(options));
    // the front is read per request: a reload replaces it on this event loop between two requests
    server.requestHandler(req -> front.handle(req)).invalidRequestHandler(req -> front.invalid(req))
        .connectionHandler(c -> StrictDecoder.install(c, options));
    initial.addServer(server);
    Future<HttpServer> main = server.listen(initial.bindPort(), sc.host());
    if (initial.tls() != null) {
      initial.tls().register(server);
    }
    if (sc.mtls() == null) {
      return main;
    }
    HttpServerOptions mtlsOptions = initial.mtls().configure(serverOptions(sc, webSocketFrames));
    mtlsServer = vertx.createHttpServer(mtlsOptions);
    mtlsServer.requestHandler(req -> front.handle(req)).invalidRequestHandler(req -> front.invalid(req))
        .connectionHandler(c -> StrictDecoder.install(c, mtlsOptions));
    initial.addServer(mtlsServer);
    initial.mtls().register(mtlsServer);
    return Future.all(main, mtlsServer.listen(initial.mtlsBindPort(), sc.mtls().host()));
  }

  /**
   * Builds {@code g}'s route table and front on this event loop, with new pools for its new groups
   * and this loop's pools of the groups it kept; serving goes on with the current one until
   * {@link #commit}. Fails (leaving nothing behind) when something does not build.
   */
  Future<Void> prepare(Gateway g) {
    return onLoop(() -> {
      abortNow();
      next = build(g);
    });
  }

  /** Serves the prepared generation from the next request on; the pools it does not use retire. */
  Future<Void> commit() {
    return onLoop(() -> {
      if (next == null) {
        throw new IllegalStateException("nothing prepared");
      }
      Map<UpstreamGroup, UpstreamClient> old = clients;
      install(next);
      next = null;
      for (Map.Entry<UpstreamGroup, UpstreamClient> e : old.entrySet()) {
        if (!clients.containsKey(e.getKey())) {
          retiring.add(e.getValue());
          retireWhenIdle(e.getValue(), System.nanoTime());
        }
      }
    });
  }

  /** Drops a prepared generation (another event loop could not build it): closes the pools it opened. */
  Future<Void> abort() {
    return onLoop(this::abortNow);
  }

  private void abortNow() {
    if (next != null) {
      next.created().forEach(UpstreamClient::close);
      next = null;
    }
  }

  private void install(Next n) {
    this.table = n.table();
    this.front = n.front();
    this.clients = n.clients();
  }

  /**
   * Closes a replaced pool once its group has had no request in flight at two checks in a row (a
   * request of the old generation may still start a retry or a later part), or after the drain
   * timeout at the latest, as a shutdown would.
   */
  private void retireWhenIdle(UpstreamClient c, long since) {
    long limit = Math.max(initial.config().server().drainTimeout().toNanos(), 5_000_000_000L);
    int[] idle = {0};
    vertx.setPeriodic(RETIRE_CHECK_MILLIS, id -> {
      int inFlight = 0;
      for (dev.bff.common.upstream.Instance i : c.group().instances()) {
        inFlight += i.inFlight();
      }
      idle[0] = inFlight == 0 ? idle[0] + 1 : 0;
      if (idle[0] >= 2 || System.nanoTime() - since > limit || !retiring.contains(c)) {
        vertx.cancelTimer(id);
        if (retiring.remove(c)) {
          if (inFlight > 0) {
            LOG.warn("closing the replaced pool of upstream '{}' with {} requests still in flight", c.group().name(),
                inFlight);
          }
          c.close();
        }
      }
    });
  }

  private Future<Void> onLoop(Runnable r) {
    io.vertx.core.Promise<Void> p = io.vertx.core.Promise.promise();
    context.runOnContext(v -> {
      try {
        r.run();
        p.complete();
      } catch (RuntimeException e) {
        p.fail(e);
      }
    });
    return p.future();
  }

  /** {@code gateway}'s route table and front on this event loop, reusing this loop's pools of kept groups. */
  private Next build(Gateway gateway) {
    BffConfig cfg = gateway.config();
    ServerConfig sc = cfg.server();
    Map<UpstreamGroup, UpstreamClient> byGroup = new IdentityHashMap<>();
    List<UpstreamClient> created = new ArrayList<>();
    Map<String, UpstreamClient> pools = new HashMap<>();
    Map<String, UpstreamCalls> calls = new HashMap<>();
    try {
      gateway.groups().forEach((name, g) -> {
        UpstreamClient c = clients.get(g);
        if (c == null) {
          c = new UpstreamClient(vertx, g);
          created.add(c);
        }
        byGroup.put(g, c);
        pools.put(name, c);
        calls.put(name, new UpstreamCalls(c, gateway.grpc()));
      });
      Forwarding forwarding = new Forwarding(sc.trustedProxies());
      List<Route> routes = new ArrayList<>();
      int order = 0;
      for (RouteConfig r : cfg.routes()) {
        Target t = r.grpc() != null ? grpcRoute(gateway, r, calls) : target(gateway, r, pools, forwarding);
        t = guarded(gateway, limited(gateway, r.bodyCheck() == null ? t : new BodyCheck(t, r.bodyCheck()), r.id(),
            r.rateLimit()), r.auth());
        if (r.websocket() != null) { // outside authentication: a handshake must stay unread while it decides
          t = new WebSocketGate(t);
        }
        if (!r.ipFilter().isEmpty()) { // the address first: a token from a denied network is not even looked at
          t = new IpGuard(t, r.ipFilter(), forwarding);
        }
        routes.add(new Route(r.id(), PathPattern.compile(r.path()), r.methods(), r.host(), r.headers(), t, order++));
      }
      Endpoints eps = gateway.endpoints();
      for (Endpoints.Spec s : eps.specs()) {
        List<Stage> stages = new ArrayList<>(eps.stages());
        stages.addAll(s.stages());
        EndpointConfig ec = cfg.endpoint(s.name());
        if (ec.cache() != null) { // outside field selection: a hit is written as stored, never re-encoded
          stages.add(gateway.caches().endpoint(s.name(), ec.cache()));
        }
        if (ec.fieldsParam() != null) {
          stages.add(new FieldSelection(ec.fieldsParam()));
        }
        EndpointHandler h = Stage.chain(stages, s.handler());
        String chain = (stages.isEmpty() ? "" : "stages " + stages.stream().map(GatewayVerticle::describe).toList()
            + " -> ") + describe(s.handler());
        Target t = new EndpointTarget(s.name(), h, ec, calls::get, sc.limits().maxBodySize(), sc.compression(),
            chain, gateway.identity());
        t = guarded(gateway, limited(gateway, ec.bodyCheck() == null ? t : new BodyCheck(t, ec.bodyCheck()), s.name(),
            ec.rateLimit()), ec.auth());
        Set<String> methods = s.method() == HttpMethod.GET ? Set.of("GET", "HEAD") : Set.of(s.method().name());
        routes.add(new Route(s.name(), PathPattern.compile(s.path()), methods, null, Map.of(), t, order++));
      }
      RouteTable t = new RouteTable(routes);
      return new Next(gateway, t, new Front(gateway, t, forwarding), byGroup, created);
    } catch (RuntimeException e) {
      created.forEach(UpstreamClient::close);
      throw e;
    }
  }

  /** What a route does: proxy (through its cache, if any), serve files, or redirect. */
  private Target target(Gateway gateway, RouteConfig r, Map<String, UpstreamClient> pools, Forwarding forwarding) {
    ServerConfig sc = gateway.config().server();
    if (r.staticContent() != null) {
      return new StaticTarget(r, gateway.staticFiles(r.id()), sc.compression());
    }
    if (r.redirect() != null) {
      return new RedirectTarget(r);
    }
    UpstreamClient canary = r.canary() == null ? null : pools.get(r.canary().upstream());
    ProxyTarget proxy = new ProxyTarget(vertx, r, pools.get(r.upstream()), canary, forwarding, sc);
    Target t = r.cache() == null ? proxy : gateway.caches().route(proxy, r.cache(), sc.compression());
    if (r.mirror() != null && r.mirror().percent() > 0) { // outside the cache: a hit is copied too
      t = new dev.bff.common.proxy.MirrorTarget(t, proxy, pools.get(r.mirror().upstream()), r.mirror().percent(),
          gateway.metrics().mirror(r.id()));
    }
    if (r.websocket() != null) { // handshakes tunnel to the upstream; other requests go on to t
      t = new WebSocketTarget(vertx, t, proxy, pools.get(r.upstream()), canary, forwarding,
          gateway.metrics().webSocket(r.id()), webSocketFrames);
    }
    return t;
  }

  /** The port the main listener is bound to. */
  int port() {
    return server.actualPort();
  }

  /** The port the mTLS listener is bound to, or -1 without one. */
  int mtlsPort() {
    return mtlsServer == null ? -1 : mtlsServer.actualPort();
  }

  /**
   * A route answered by a gRPC call: an endpoint (body read within the size limit, a deadline of the
   * route's timeout or the upstream's response timeout, compression) around the call.
   */
  private static Target grpcRoute(Gateway gateway, RouteConfig r, Map<String, UpstreamCalls> calls) {
    ServerConfig sc = gateway.config().server();
    java.time.Duration deadline = r.timeout() != null ? r.timeout()
        : gateway.config().upstreams().get(r.upstream()).responseTimeout();
    EndpointConfig ec = new EndpointConfig(r.id(), deadline, false, null, null, Map.of(), r.auth(), r.bodyCheck(),
        r.rateLimit(), null);
    dev.bff.common.grpc.GrpcRouteHandler h = new dev.bff.common.grpc.GrpcRouteHandler(r.upstream(),
        gateway.grpc().method(r.grpc().method()), r.grpc());
    return new EndpointTarget(r.id(), h, ec, calls::get, sc.limits().maxBodySize(), sc.compression(), h.toString(),
        gateway.identity());
  }

  /** The target behind an authentication guard unless the rule is public. */
  private static Target guarded(Gateway gateway, Target t, AuthConfig.AuthRule rule) {
    return rule.isPublic() ? t : new Guard(t, rule, gateway.auth(), gateway.identity());
  }

  /** The target under its rate-limit policies (after authentication, before the upstream), if any. */
  private static Target limited(Gateway gateway, Target t, String id, List<String> policies) {
    return gateway.rateLimits().guard(t, id, policies);
  }

  /** A handler or stage as the start-up log shows it: its own description, or "java" for a lambda. */
  private static String describe(Object h) {
    String s = h.toString();
    return s.contains("$$Lambda") ? "java" : s;
  }

  /** The client listeners' options without TLS, for a gateway without WebSocket routes. */
  static HttpServerOptions serverOptions(ServerConfig sc) {
    return serverOptions(sc, WebSocketConfig.decoderLimit(List.of()));
  }

  /**
   * The client listeners' options without TLS: limits, timeouts, h2c, compression, and the largest
   * WebSocket frame decoded ({@code webSocketFrames}; the relay checks each route's own limits).
   */
  static HttpServerOptions serverOptions(ServerConfig sc, int webSocketFrames) {
    HttpServerOptions o = new HttpServerOptions()
        .setMaxInitialLineLength(sc.limits().maxRequestLine())
        .setMaxHeaderSize(sc.limits().maxHeaderSize())
        .setIdleTimeout((int) Math.max(1, sc.idleTimeout().toSeconds()))
        .setHandle100ContinueAutomatically(true)
        .setHttp2ClearTextEnabled(sc.h2c())
        .setTcpNoDelay(true)
        // tunnels relay frames as they come: no extension (compression) is negotiated with clients
        .setPerFrameWebSocketCompressionSupported(false)
        .setPerMessageWebSocketCompressionSupported(false)
        .setMaxWebSocketFrameSize(webSocketFrames)
        .setMaxWebSocketMessageSize(webSocketFrames)
        .setCompressionSupported(sc.compression().enabled())
        .setCompressionLevel(sc.compression().level())
        .setCompressionContentSizeThreshold(sc.compression().minSize())
        // new Http2Settings() would advertise unlimited streams (2^32-1): keep Vert.x's server default of 100
        .setInitialSettings(new Http2Settings().setMaxHeaderListSize(sc.limits().maxHeaderSize())
            .setMaxConcurrentStreams(HttpServerOptions.DEFAULT_INITIAL_SETTINGS_MAX_CONCURRENT_STREAMS));
    return o;
  }

  /** Stops taking new requests and lets in-flight ones finish for up to {@code drainMillis}. */
  Future<Void> drain(long drainMillis) {
    Future<Void> main = server.shutdown(drainMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
    return mtlsServer == null ? main
        : Future.join(main, mtlsServer.shutdown(drainMillis, java.util.concurrent.TimeUnit.MILLISECONDS)).mapEmpty();
  }

  @Override
  public Future<?> stop() {
    List<Future<Void>> closes = new ArrayList<>();
    closes.add(server.close());
    if (mtlsServer != null) {
      closes.add(mtlsServer.close());
    }
    clients.values().forEach(c -> closes.add(c.close()));
    retiring.forEach(c -> closes.add(c.close()));
    retiring.clear();
    abortNow();
    return Future.join(closes);
  }
}
