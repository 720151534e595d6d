package dev.bff.demo;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The orders service (default port 7106). Users {@code u1}..{@code u50} start with zero to three
 * generated orders; new orders are kept in memory.
 *
 * <pre>
 * GET  /orders?userId=u1  → [order, ...] newest first
 * GET  /orders/:id        → order, or 404
 * POST /orders            {userId, items: [{productId, quantity}]} → 201 order, Location: /orders/:id
 * order = {id, userId, items: [{productId, quantity, unitPrice}], total, currency, status, createdAt}
 * </pre>
 */
public final class OrdersService implements ServiceRoutes {

  private static final Instant NEWEST = Instant.parse("2025-06-01T09:30:00Z");
  private static final String[] STATUSES = {"DELIVERED", "DELIVERED", "SHIPPED", "PROCESSING"};

  private final ProductData data;
  private final Map<String, JsonObject> orders = new ConcurrentHashMap<>();
  private final AtomicInteger nextId = new AtomicInteger(1001);

  /** Generates the initial orders from {@code data}. */
  public OrdersService(ProductData data) {
    this.data = data;
    Random random = new Random(data.seed() + 6);
    for (int user = 1; user <= UsersService.USER_COUNT; user++) {
      int count = random.nextInt(4);
      for (int i = 0; i < count; i++) {
        JsonArray items = new JsonArray();
        for (int line = 0, lines = 1 + random.nextInt(3); line < lines; line++) {
          items.add(new JsonObject()
            .put("productId", Integer.toString(1 + random.nextInt(ProductData.PRODUCT_COUNT)))
            .put("quantity", 1 + random.nextInt(3)));
        }
        Instant at = NEWEST.minus(random.nextInt(24 * 180), ChronoUnit.HOURS);
        store("u" + user, items, STATUSES[random.nextInt(STATUSES.length)], at);
      }
    }
  }

  @Override
  public void mount(Router router) {
    router.get("/orders").handler(this::list);
    router.get("/orders/:id").handler(this::one);
    router.post("/orders").handler(BodyHandler.create(false).setBodyLimit(256 * 1024)).handler(this::create);
  }

  private void list(RoutingContext ctx) {
    String userId = QueryParams.required(ctx, "userId");
    JsonArray list = new JsonArray();
    orders.values().stream()
      .filter(o -> o.getString("userId").equals(userId))
      .sorted((a, b) -> b.getString("createdAt").compareTo(a.getString("createdAt")))
      .forEach(list::add);
    Replies.json(ctx, 200, list);
  }

  private void one(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    JsonObject order = orders.get(id);
    if (order == null) {
      throw Problem.notFound("order " + id + " not found");
    }
    Replies.json(ctx, 200, order);
  }

  private void create(RoutingContext ctx) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException e) {
      throw Problem.badRequest("body must be a JSON object");
    }
    if (body == null || !(body.getValue("userId") instanceof String)) {
      throw Problem.badRequest("userId is required");
    }
    JsonArray items = body.getValue("items") instanceof JsonArray a ? a : null;
    if (items == null || items.isEmpty()) {
      throw Problem.badRequest("items must be a non-empty array");
    }
    JsonObject order = store(body.getString("userId"), lines(items), "CREATED", Instant.now());
    ctx.response().putHeader(HttpHeaders.LOCATION, "/orders/" + order.getString("id"));
    Replies.json(ctx, 201, order);
  }

  private JsonArray lines(JsonArray items) {
    JsonArray lines = new JsonArray();
    for (int i = 0; i < items.size(); i++) {
      String productId = null;
      int quantity = 0;
      try {
        JsonObject item = items.getJsonObject(i);
        productId = item.getString("productId");
        quantity = item.getInteger("quantity", 1);
      } catch (ClassCastException | NullPointerException e) {
        // reported below as a bad line
      }
      if (data.product(productId).isEmpty() || quantity < 1) {
        throw Problem.badRequest("items[" + i + "] needs a known productId and quantity >= 1");
      }
      lines.add(new JsonObject().put("productId", productId).put("quantity", quantity));
    }
    return lines;
  }

  private JsonObject store(String userId, JsonArray lines, String status, Instant createdAt) {
    BigDecimal total = BigDecimal.ZERO.setScale(2);
    JsonArray items = new JsonArray();
    for (Object line : lines) {
      JsonObject item = ((JsonObject) line).copy();
      BigDecimal unit = data.product(item.getString("productId")).orElseThrow().price();
      item.put("unitPrice", unit);
      total = total.add(unit.multiply(BigDecimal.valueOf(item.getInteger("quantity"))));
      items.add(item);
    }
    String id = "o" + nextId.getAndIncrement();
    JsonObject order = new JsonObject()
      .put("id", id)
      .put("userId", userId)
      .put("items", items)
      .put("total", total)
      .put("currency", Product.CURRENCY)
      .put("status", status)
      .put("createdAt", createdAt.truncatedTo(ChronoUnit.SECONDS).toString());
    orders.put(id, order);
    return order;
  }
}
