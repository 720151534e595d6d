package dev.bff.demo;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every demo service shares, built once per service: the admin endpoints, request statistics,
 * fault injection, {@code GET /health} and JSON error answers, wrapped around the service's routes.
 *
 * <p>Route order: {@code /_admin/*} (not counted, never faulted), then the guard that counts the
 * request and applies the matching fault rule, then {@code /health} (not counted; faulted only by a
 * rule for exactly {@code "/health"}), then the service's own routes. A service's own routes under
 * {@code /_admin/} (the identity service's {@code /_admin/keys}) pass the guard like the shared
 * ones: not counted, never faulted.
 */
public final class ServiceKit {

  private static final Logger LOG = LoggerFactory.getLogger(ServiceKit.class);
  private static final String HEALTH = "/health";
  private static final JsonObject UP = new JsonObject().put("status", "UP");

  private final String name;
  private final RequestStats stats = new RequestStats();
  private final RequestStats all;
  private final FaultInjector faults;

  /** Creates the shared parts for the service called {@code name}. */
  public ServiceKit(Vertx vertx, String name) {
    this(vertx, name, null);
  }

  /**
   * Creates the shared parts for the service called {@code name}; its requests are also counted in
   * {@code all} (the statistics of every service started together), when not null.
   */
  public ServiceKit(Vertx vertx, String name, RequestStats all) {
    this.name = name;
    this.all = all;
    this.faults = new FaultInjector(vertx, name);
  }

  /** The service's request statistics. */
  public RequestStats stats() {
    return stats;
  }

  /** The service's fault rules. */
  public FaultInjector faults() {
    return faults;
  }

  /** Builds the service's router: the shared routes around {@code routes}. */
  public Router router(Vertx vertx, ServiceRoutes routes) {
    Router router = Router.router(vertx);
    new AdminRoutes(faults, stats, all).mount(router);
    router.route().handler(this::guard);
    router.get(HEALTH).handler(ctx -> Replies.json(ctx, 200, UP));
    routes.mount(router);
    router.route().failureHandler(this::failure);
    router.errorHandler(404, ctx -> Replies.error(ctx, 404, "not_found", "no route for " + ctx.request().path()));
    router.errorHandler(405, ctx -> Replies.error(ctx, 405, "method_not_allowed",
      ctx.request().method() + " is not allowed on " + ctx.request().path()));
    return router;
  }

  private void guard(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    if (path.startsWith(AdminRoutes.PREFIX)) {
      ctx.next();
      return;
    }
    boolean health = path.equals(HEALTH);
    if (!health) {
      stats.track(ctx, path);
      if (all != null) {
        all.track(ctx, "/" + name + path);
      }
    }
    FaultRule rule = faults.match(path, ctx.request().method(), health);
    if (rule == null) {
      ctx.next();
    } else {
      faults.apply(ctx, rule);
    }
  }

  private void failure(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof Problem problem) {
      Replies.error(ctx, problem.status(), problem.code(), problem.getMessage());
    } else if (failure == null && ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      Replies.error(ctx, ctx.statusCode(), "bad_request", "request rejected with " + ctx.statusCode());
    } else {
      LOG.error("{}: {} {} failed", name, ctx.request().method(), ctx.request().path(), failure);
      Replies.error(ctx, 500, "internal_error", String.valueOf(failure));
    }
  }
}
