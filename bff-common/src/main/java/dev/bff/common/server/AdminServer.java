package dev.bff.common.server;

import dev.bff.common.cache.CacheAdmin;
import dev.bff.common.observability.MetricsRoute;
import dev.bff.common.routing.Category;
import dev.bff.common.routing.Problem;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/**
 * The admin listener, separate from client traffic: {@code /health/live} (the process runs),
 * {@code /health/ready} (routes are up and the BFF is not draining), {@code /admin/upstreams}
 * (instances, their health and ejections, and circuit breaker states), {@code /admin/rate-limits}
 * (the store's state and, per policy, requests allowed, limited, decided without the store, store errors),
 * {@code /admin/cache} (the response cache's numbers; {@code POST /admin/cache/purge}) and
 * {@code /metrics} (Prometheus).
 */
final class AdminServer {
  private final Vertx vertx;
  private final Gateway gateway;
  private HttpServer server;

  AdminServer(Vertx vertx, Gateway gateway) {
    this.vertx = vertx;
    this.gateway = gateway;
  }

  Future<HttpServer> start(String host, int port) {
    Router router = Router.router(vertx);
    router.get("/health/live").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(ctx -> {
      if (gateway.ready()) {
        ctx.json(new JsonObject().put("status", "READY"));
      } else {
        ctx.response().setStatusCode(503).putHeader("content-type", Problem.MEDIA_TYPE)
            .end(Problem.body(Category.SHUTTING_DOWN.status(), "not-ready", "Not ready",
                "the gateway is starting or draining", "/health/ready", null));
      }
    });
    router.get("/admin/upstreams").handler(ctx -> {
      JsonObject out = new JsonObject();
      gateway.groups().forEach((name, g) -> out.put(name, g.toJson()));
      ctx.json(out);
    });
    router.get("/admin/rate-limits").handler(ctx -> ctx.json(gateway.rateLimits().toJson()));
    CacheAdmin.mount(router, gateway.caches());
    MetricsRoute.mount(router, vertx, gateway.metrics());
    server = vertx.createHttpServer();
    return server.requestHandler(router).listen(port, host);
  }

  Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
