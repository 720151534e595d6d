package dev.bff.demo;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The inventory service (default port 7103); about one product in eight is out of stock.
 *
 * <pre>
 * GET /inventory/:productId → {productId, quantity, warehouse, shipsInDays}, or 404
 * </pre>
 */
public final class InventoryService implements ServiceRoutes {

  private final ProductData data;

  /** Serves the stock levels of {@code data}. */
  public InventoryService(ProductData data) {
    this.data = data;
  }

  @Override
  public void mount(Router router) {
    router.get("/inventory/:productId").handler(this::stock);
  }

  private void stock(RoutingContext ctx) {
    String id = ctx.pathParam("productId");
    Stock stock = data.stock(id).orElseThrow(() -> Problem.notFound("product " + id + " not found"));
    Replies.json(ctx, 200, stock.toJson());
  }
}
