package dev.bff.common.cache;

import dev.bff.common.routing.Category;
import dev.bff.common.routing.Problem;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The cache's admin routes: {@code GET /admin/cache} (entries, bytes and counters) and
 * {@code POST /admin/cache/purge} with {@code {"key": ...}}, {@code {"prefix": ...}} or
 * {@code {"tag": ...}}, answering {@code {"purged": n}}.
 */
public final class CacheAdmin {
  private CacheAdmin() {}

  /** Adds the routes to the admin router, over the cache {@code caches} gives (a reload may replace it). */
  public static void mount(Router router, java.util.function.Supplier<Caches> caches) {
    router.get("/admin/cache").handler(ctx -> ctx.json(caches.get().stats()));
    router.post("/admin/cache/purge").handler(BodyHandler.create().setBodyLimit(64 * 1024))
        .handler(ctx -> purge(ctx, caches.get()));
  }

  private static void purge(RoutingContext ctx, Caches caches) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
      if (body == null) {
        throw new IllegalArgumentException("the body must be a JSON object: {\"key\"|\"prefix\"|\"tag\": ...}");
      }
      caches.purge(body)
          .onSuccess(n -> ctx.json(new JsonObject().put("purged", n)))
          .onFailure(t -> problem(ctx, Category.UNAVAILABLE, "the cache store did not answer: " + t.getMessage()));
    } catch (DecodeException | ClassCastException e) {
      problem(ctx, Category.BAD_REQUEST, "the body must be a JSON object: {\"key\"|\"prefix\"|\"tag\": ...}");
    } catch (IllegalArgumentException e) {
      problem(ctx, Category.BAD_REQUEST, e.getMessage());
    }
  }

  private static void problem(RoutingContext ctx, Category c, String detail) {
    Problem.send(ctx.response(), c, detail, ctx.request().path(), null);
  }
}
