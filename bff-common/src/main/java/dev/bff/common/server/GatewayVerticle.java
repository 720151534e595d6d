package dev.bff.common.server;

import dev.bff.common.auth.Guard;
import dev.bff.common.auth.IpGuard;
import dev.bff.common.config.AuthConfig;
import dev.bff.common.config.BffConfig;
import dev.bff.common.config.EndpointConfig;
import dev.bff.common.config.RouteConfig;
import dev.bff.common.config.ServerConfig;
import dev.bff.common.proxy.BodyCheck;
import dev.bff.common.proxy.Forwarding;
import dev.bff.common.proxy.ProxyTarget;
import dev.bff.common.routing.EndpointHandler;
import dev.bff.common.routing.EndpointTarget;
import dev.bff.common.routing.Endpoints;
import dev.bff.common.routing.PathPattern;
import dev.bff.common.routing.Route;
import dev.bff.common.routing.RouteTable;
import dev.bff.common.routing.Stage;
import dev.bff.common.routing.Target;
import dev.bff.common.shape.FieldSelection;
import dev.bff.common.upstream.UpstreamCalls;
import dev.bff.common.upstream.UpstreamClient;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One event loop of the gateway: its own upstream pools and compiled route table over the shared
 * {@link Gateway}, and its own listener on the shared port (and, with {@code server.mtls}, its own
 * mTLS listener on that shared port), both served by one {@link Front}.
 */
public final class GatewayVerticle extends VerticleBase {
  private final Gateway gateway;
  private final List<UpstreamClient> clients = new ArrayList<>();
  private RouteTable table;
  private HttpServer server;
  private HttpServer mtlsServer;

  /** Creates the verticle over the shared gateway state. */
  public GatewayVerticle(Gateway gateway) {
    this.gateway = gateway;
  }

  /** The compiled routes of this event loop. */
  public RouteTable table() {
    return table;
  }

  @Override
  public Future<?> start() {
    BffConfig cfg = gateway.config();
    ServerConfig sc = cfg.server();
    Map<String, UpstreamClient> pools = new HashMap<>();
    Map<String, UpstreamCalls> calls = new HashMap<>();
    gateway.groups().forEach((name, g) -> {
      UpstreamClient c = new UpstreamClient(vertx, g);
      clients.add(c);
      pools.put(name, c);
      calls.put(name, new UpstreamCalls(c));
    });
    Forwarding forwarding = new Forwarding(sc.trustedProxies());
    List<Route> routes = new ArrayList<>();
    int order = 0;
    for (RouteConfig r : cfg.routes()) {
      UpstreamClient canary = r.canary() == null ? null : pools.get(r.canary().upstream());
      ProxyTarget proxy = new ProxyTarget(vertx, r, pools.get(r.upstream()), canary, forwarding, sc);
      Target t = r.cache() == null ? proxy : gateway.caches().route(proxy, r.cache(), sc.compression());
      t = guarded(limited(r.bodyCheck() == null ? t : new BodyCheck(t, r.bodyCheck()), r.id(), r.rateLimit()), r.auth());
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
      t = guarded(limited(ec.bodyCheck() == null ? t : new BodyCheck(t, ec.bodyCheck()), s.name(), ec.rateLimit()),
          ec.auth());
      Set<String> methods = s.method() == HttpMethod.GET ? Set.of("GET", "HEAD") : Set.of(s.method().name());
      routes.add(new Route(s.name(), PathPattern.compile(s.path()), methods, null, Map.of(), t, order++));
    }
    table = new RouteTable(routes);
    Front front = new Front(gateway, table, forwarding);
    HttpServerOptions options = serverOptions(sc);
    server = vertx.createHttpServer(gateway.tls() == null ? options : gateway.tls().configure(options));
    server.requestHandler(front::handle).invalidRequestHandler(front::invalid)
        .connectionHandler(c -> StrictDecoder.install(c, options));
    gateway.addServer(server);
    Future<HttpServer> main = server.listen(gateway.bindPort(), sc.host());
    if (gateway.tls() != null) {
      gateway.tls().register(server);
    }
    if (sc.mtls() == null) {
      return main;
    }
    HttpServerOptions mtlsOptions = gateway.mtls().configure(serverOptions(sc));
    mtlsServer = vertx.createHttpServer(mtlsOptions);
    mtlsServer.requestHandler(front::handle).invalidRequestHandler(front::invalid)
        .connectionHandler(c -> StrictDecoder.install(c, mtlsOptions));
    gateway.addServer(mtlsServer);
    gateway.mtls().register(mtlsServer);
    return Future.all(main, mtlsServer.listen(gateway.mtlsBindPort(), sc.mtls().host()));
  }

  /** The port the main listener is bound to. */
  int port() {
    return server.actualPort();
  }

  /** The port the mTLS listener is bound to, or -1 without one. */
  int mtlsPort() {
    return mtlsServer == null ? -1 : mtlsServer.actualPort();
  }

  /** The target behind an authentication guard unless the rule is public. */
  private Target guarded(Target t, AuthConfig.AuthRule rule) {
    return rule.isPublic() ? t : new Guard(t, rule, gateway.auth(), gateway.identity());
  }

  /** The target under its rate-limit policies (after authentication, before the upstream), if any. */
  private Target limited(Target t, String id, List<String> policies) {
    return gateway.rateLimits().guard(t, id, policies);
  }

  /** A handler or stage as the start-up log shows it: its own description, or "java" for a lambda. */
  private static String describe(Object h) {
    String s = h.toString();
    return s.contains("$$Lambda") ? "java" : s;
  }

  /** The client listeners' options without TLS: limits, timeouts, h2c, compression. */
  static HttpServerOptions serverOptions(ServerConfig sc) {
    HttpServerOptions o = new HttpServerOptions()
        .setMaxInitialLineLength(sc.limits().maxRequestLine())
        .setMaxHeaderSize(sc.limits().maxHeaderSize())
        .setIdleTimeout((int) Math.max(1, sc.idleTimeout().toSeconds()))
        .setHandle100ContinueAutomatically(true)
        .setHttp2ClearTextEnabled(sc.h2c())
        .setTcpNoDelay(true)
        // the gateway serves no WebSockets (Upgrade is hop-by-hop): keep their extension handler out of every pipeline
        .setPerFrameWebSocketCompressionSupported(false)
        .setPerMessageWebSocketCompressionSupported(false)
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
    clients.forEach(c -> closes.add(c.close()));
    return Future.join(closes);
  }
}
