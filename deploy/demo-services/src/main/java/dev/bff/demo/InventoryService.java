package dev.bff.demo;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The inventory service (default port 7103); about one product in eight is out of stock.
 *
 * <pre>
 * GET /inventory/:productId → {productId, quantity, warehouse, shipsInDays}, or 404
 * GET /inventory/:productId/stream (WebSocket) → {productId, quantity, at} now, then one per change
 *     (?intervalMs=1000 between changes, ?updates=N closes with 1000 after N changes), or 404 / 426
 * </pre>
 */
public final class InventoryService implements ServiceRoutes {

  private final Vertx vertx;
  private final ProductData data;

  /** Serves the stock levels of {@code data}; {@code vertx} times the streams' changes. */
  public InventoryService(Vertx vertx, ProductData data) {
    this.vertx = vertx;
    this.data = data;
  }

  @Override
  public void mount(Router router) {
    router.get("/inventory/:productId").handler(this::stock);
    router.get("/inventory/:productId/stream").handler(this::stream);
  }

  private void stock(RoutingContext ctx) {
    Replies.json(ctx, 200, find(ctx).toJson());
  }

  private void stream(RoutingContext ctx) {
    Stock stock = find(ctx);
    long interval = QueryParams.number(ctx, "intervalMs", 1000, 10, 60_000);
    int updates = QueryParams.integer(ctx, "updates", 0, 0, 1_000_000);
    String upgrade = ctx.request().getHeader(HttpHeaders.UPGRADE);
    if (upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
      ctx.response().putHeader(HttpHeaders.UPGRADE, "websocket");
      Replies.error(ctx, 426, "upgrade_required", "the stock stream is a WebSocket: send Upgrade: websocket");
      return;
    }
    ctx.request().toWebSocket()
      .onSuccess(ws -> new StockStream(vertx, ws, stock, interval, updates, () -> RequestStats.upgradeEnded(ctx))
        .start())
      .onFailure(ctx::fail);
  }

  private Stock find(RoutingContext ctx) {
    String id = ctx.pathParam("productId");
    return data.stock(id).orElseThrow(() -> Problem.notFound("product " + id + " not found"));
  }
}
