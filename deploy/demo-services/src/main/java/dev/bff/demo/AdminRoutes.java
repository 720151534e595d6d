package dev.bff.demo;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The {@code /_admin} endpoints every demo service has: fault rules and request statistics.
 *
 * <pre>
 * POST   /_admin/faults            body: a {@link FaultRule} as JSON  → 201 the stored rule
 * GET    /_admin/faults                                              → 200 [rule, ...]
 * DELETE /_admin/faults[?path=P]   all rules, or the one for P       → 200 {"removed": n}
 * GET    /_admin/stats                                               → 200 {@link RequestStats#toJson()}
 * POST   /_admin/stats/reset                                         → 200 the zeroed stats
 * GET    /_admin/stats/all     all services started together         → 200 {@link RequestStats#toJson()}
 * POST   /_admin/stats/all/reset                                     → 200 the zeroed stats
 * </pre>
 */
final class AdminRoutes {

  /** Path prefix of the admin endpoints; never counted and never faulted. */
  static final String PREFIX = "/_admin/";

  private static final int MAX_RULE_BYTES = 64 * 1024;

  private final FaultInjector faults;
  private final RequestStats stats;
  private final RequestStats all;

  AdminRoutes(FaultInjector faults, RequestStats stats, RequestStats all) {
    this.faults = faults;
    this.stats = stats;
    this.all = all == null ? stats : all; // a service started on its own is all there is
  }

  void mount(Router router) {
    router.post("/_admin/faults").handler(BodyHandler.create(false).setBodyLimit(MAX_RULE_BYTES))
      .handler(this::addRule);
    router.get("/_admin/faults").handler(ctx -> {
      JsonArray list = new JsonArray();
      faults.rules().forEach(rule -> list.add(rule.toJson()));
      Replies.json(ctx, 200, list);
    });
    router.delete("/_admin/faults").handler(this::removeRules);
    router.get("/_admin/stats").handler(ctx -> Replies.json(ctx, 200, stats.toJson()));
    router.post("/_admin/stats/reset").handler(ctx -> {
      stats.reset();
      Replies.json(ctx, 200, stats.toJson());
    });
    router.get("/_admin/stats/all").handler(ctx -> Replies.json(ctx, 200, all.toJson()));
    router.post("/_admin/stats/all/reset").handler(ctx -> {
      all.reset();
      Replies.json(ctx, 200, all.toJson());
    });
  }

  private void addRule(RoutingContext ctx) {
    FaultRule rule;
    try {
      JsonObject body = ctx.body().asJsonObject();
      if (body == null) {
        throw new IllegalArgumentException("a JSON object body is required");
      }
      rule = FaultRule.fromJson(body);
    } catch (DecodeException | IllegalArgumentException e) {
      Replies.error(ctx, 400, "bad_request", "invalid fault rule: " + e.getMessage());
      return;
    }
    Replies.json(ctx, 201, faults.add(rule).toJson());
  }

  private void removeRules(RoutingContext ctx) {
    String path = ctx.request().getParam("path");
    int removed = path == null ? faults.clear() : faults.remove(path) ? 1 : 0;
    Replies.json(ctx, 200, new JsonObject().put("removed", removed));
  }
}
