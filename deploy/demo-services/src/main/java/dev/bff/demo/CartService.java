package dev.bff.demo;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cart service (default port 7107); carts live in memory, every user starts with an empty one.
 *
 * <pre>
 * GET    /cart/:userId                       → cart
 * POST   /cart/:userId/items  {productId, quantity?} → 201 cart (quantity adds up, default 1)
 * DELETE /cart/:userId/items/:productId      → 200 cart, or 404 when the item is not in the cart
 * cart = {userId, items: [{productId, name, quantity, unitPrice, lineTotal}], itemCount, total, currency}
 * </pre>
 */
public final class CartService implements ServiceRoutes {

  private final ProductData data;
  /** userId → productId → quantity, in insertion order; only touched on the server's event loop. */
  private final Map<String, Map<String, Integer>> carts = new ConcurrentHashMap<>();

  /** Prices carts with the products of {@code data}. */
  public CartService(ProductData data) {
    this.data = data;
  }

  @Override
  public void mount(Router router) {
    router.get("/cart/:userId").handler(ctx -> Replies.json(ctx, 200, cart(ctx.pathParam("userId"))));
    router.post("/cart/:userId/items").handler(BodyHandler.create(false).setBodyLimit(64 * 1024)).handler(this::add);
    router.delete("/cart/:userId/items/:productId").handler(this::remove);
  }

  private void add(RoutingContext ctx) {
    String userId = ctx.pathParam("userId");
    String productId;
    int quantity;
    try {
      JsonObject body = ctx.body().asJsonObject();
      productId = body == null ? null : body.getString("productId");
      quantity = body == null ? 1 : body.getInteger("quantity", 1);
    } catch (DecodeException | ClassCastException e) {
      throw Problem.badRequest("body must be {\"productId\": \"1\", \"quantity\": 1}");
    }
    if (data.product(productId).isEmpty() || quantity < 1) {
      throw Problem.badRequest("a known productId and quantity >= 1 are required");
    }
    carts.computeIfAbsent(userId, u -> new LinkedHashMap<>()).merge(productId, quantity, Integer::sum);
    Replies.json(ctx, 201, cart(userId));
  }

  private void remove(RoutingContext ctx) {
    String userId = ctx.pathParam("userId");
    String productId = ctx.pathParam("productId");
    Map<String, Integer> items = carts.get(userId);
    if (items == null || items.remove(productId) == null) {
      throw Problem.notFound("product " + productId + " is not in the cart of " + userId);
    }
    Replies.json(ctx, 200, cart(userId));
  }

  private JsonObject cart(String userId) {
    JsonArray items = new JsonArray();
    BigDecimal total = BigDecimal.ZERO.setScale(2);
    int count = 0;
    for (Map.Entry<String, Integer> item : carts.getOrDefault(userId, Map.of()).entrySet()) {
      Product product = data.product(item.getKey()).orElseThrow();
      BigDecimal line = product.price().multiply(BigDecimal.valueOf(item.getValue()));
      items.add(new JsonObject()
        .put("productId", product.id())
        .put("name", product.name())
        .put("quantity", item.getValue())
        .put("unitPrice", product.price())
        .put("lineTotal", line));
      total = total.add(line);
      count += item.getValue();
    }
    return new JsonObject()
      .put("userId", userId)
      .put("items", items)
      .put("itemCount", count)
      .put("total", total)
      .put("currency", Product.CURRENCY);
  }
}
