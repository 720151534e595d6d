package dev.bff.common.server;

import dev.bff.common.cache.CacheAdmin;
import dev.bff.common.observability.LiveStats;
import dev.bff.common.observability.MetricsRoute;
import dev.bff.common.routing.Category;
import dev.bff.common.routing.Problem;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin listener, separate from client traffic: {@code /health/live} (the process runs),
 * {@code /health/ready} (routes are up and the BFF is not draining), {@code /admin/upstreams}
 * (instances, their health and ejections, and circuit breaker states), {@code /admin/rate-limits}
 * (the store's state and, per policy, requests allowed, limited, decided without the store, store errors),
 * {@code /admin/cache} (the response cache's numbers; {@code POST /admin/cache/purge}),
 * {@code /admin/routes} (the effective routes and endpoints), {@code /admin/config} (the effective
 * configuration, secrets redacted), {@code /metrics} (Prometheus), and the live dashboard
 * ({@code /dashboard}, fed by {@code /admin/dashboard}). With {@code server.admin-token}
 * every path but {@code /health/*} and the dashboard's static page needs the token ({@link AdminAuth}).
 */
final class AdminServer {
  private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

  private final Vertx vertx;
  private final Reloader reloader;
  private HttpServer server;
  private long sampler = -1;

  AdminServer(Vertx vertx, Reloader reloader) {
    this.vertx = vertx;
    this.reloader = reloader;
  }

  /** The generation serving now: every admin answer reads it afresh, as a reload may have replaced it. */
  private Gateway gateway() {
    return reloader.current();
  }

  Future<HttpServer> start(String host, int port) {
    Router router = Router.router(vertx);
    AdminAuth auth = AdminAuth.of(gateway().config().server().adminToken()); // server.* takes a restart
    if (auth != null) {
      router.route().handler(auth);
    } else if (!loopback(host)) {
      LOG.warn("the admin listener binds {} without server.admin-token: anyone who reaches port {} can read "
          + "/admin/config and /metrics and purge the cache; bind admin-host to 127.0.0.1 or set admin-token", host,
          port);
    }
    router.get("/health/live").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(ctx -> {
      if (gateway().ready()) {
        ctx.json(new JsonObject().put("status", "READY"));
      } else {
        ctx.response().setStatusCode(503).putHeader("content-type", Problem.MEDIA_TYPE)
            .end(Problem.body(Category.SHUTTING_DOWN.status(), "not-ready", "Not ready",
                "the gateway is starting or draining", "/health/ready", null));
      }
    });
    router.get("/admin/upstreams").handler(ctx -> {
      JsonObject out = new JsonObject();
      gateway().groups().forEach((name, g) -> out.put(name, g.toJson()));
      ctx.json(out);
    });
    router.get("/admin/rate-limits").handler(ctx -> ctx.json(gateway().rateLimits().toJson()));
    router.get("/admin/routes").handler(ctx -> ctx.response().putHeader("content-type", "application/json")
        .end(RouteListing.of(gateway().config(), gateway().endpoints()).encodePrettily()));
    router.get("/admin/config").handler(ctx -> ctx.response().putHeader("content-type", "application/json")
        .end(effectiveConfig(gateway()).encodePrettily()));
    router.post("/admin/reload").handler(ctx -> reloader.reload("admin").onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.json(ar.result());
      } else {
        Gateway g = gateway();
        JsonObject problem = new JsonObject(Problem.body(422, "config-not-reloaded", "Configuration not reloaded",
            "the new configuration was refused; version " + g.version() + " keeps serving", "/admin/reload", null))
            .put("version", g.version()).put("problems", Reloader.problems(ar.cause()));
        ctx.response().setStatusCode(422).putHeader("content-type", Problem.MEDIA_TYPE).end(problem.encode());
      }
    }));
    CacheAdmin.mount(router, () -> gateway().caches());
    mountDashboard(router);
    MetricsRoute.mount(router, vertx, gateway().metrics()); // one registry for the process
    server = vertx.createHttpServer();
    return server.requestHandler(router).listen(port, host);
  }

  /**
   * {@code GET /dashboard}: the live dashboard, one static page whose script polls
   * {@code GET /admin/dashboard} every second: per route the rolling window's numbers and the parts
   * to blame ({@link LiveStats}), upstreams and circuits, the cache, rate limits, and the recent slow
   * or degraded composed requests ({@link dev.bff.common.aggregate.SlowCompositions}).
   */
  private void mountDashboard(Router router) {
    LiveStats live = new LiveStats(gateway().metrics(), ids(gateway()));
    live.sample();
    sampler = vertx.setPeriodic(1000, id -> live.sample());
    String page = resource("/dashboard/index.html");
    router.get("/dashboard").handler(ctx -> ctx.response().putHeader("content-type", "text/html; charset=utf-8")
        .putHeader("cache-control", "no-store").end(page));
    router.get("/admin/dashboard").handler(ctx -> {
      Gateway gateway = gateway();
      live.names(ids(gateway));
      JsonObject upstreams = new JsonObject();
      gateway.groups().forEach((name, g) -> upstreams.put(name, g.toJson()));
      var slow = gateway.slowCompositions();
      ctx.response().putHeader("cache-control", "no-store");
      ctx.json(live.toJson().put("bff", gateway.module().name()).put("upstreams", upstreams)
          .put("cache", gateway.caches().stats()).put("rateLimits", gateway.rateLimits().toJson())
          .put("slow", slow == null ? null : slow.toJson()));
    });
  }

  private static String resource(String name) {
    try (InputStream in = AdminServer.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("no classpath resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The route and endpoint ids of {@code g}, in order. */
  private static List<String> ids(Gateway g) {
    List<String> ids = new ArrayList<>();
    g.config().routes().forEach(r -> ids.add(r.id()));
    g.endpoints().specs().forEach(e -> ids.add(e.name()));
    return ids;
  }

  /**
   * The configuration as JSON with its version, where it came from and when the gateway took it,
   * and the last reload's outcome; secrets redacted.
   */
  private JsonObject effectiveConfig(Gateway g) {
    JsonObject sections = ConfigJson.object(g.config());
    sections.remove("source");
    return new JsonObject().put("bff", g.module().name()).put("version", g.version())
        .put("source", g.config().source()).put("loaded-at", g.loadedAt().toString())
        .put("reload-from", reloader.source().toString()).put("last-reload", reloader.lastOutcome())
        .put("config", sections);
  }

  /** Whether {@code host} is a loopback address as written (no name is resolved). */
  static boolean loopback(String host) {
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    return h.equalsIgnoreCase("localhost") || h.startsWith("127.") || h.equals("::1")
        || h.equals("0:0:0:0:0:0:0:1");
  }

  Future<Void> close() {
    if (sampler >= 0) {
      vertx.cancelTimer(sampler);
      sampler = -1;
    }
    return server == null ? Future.succeededFuture() : server.close();
  }
}
