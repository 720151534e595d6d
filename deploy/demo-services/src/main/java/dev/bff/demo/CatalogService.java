package dev.bff.demo;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The catalog service (default port 7101).
 *
 * <pre>
 * GET  /products?page=1&amp;size=20&amp;category=X&amp;featured=true → {items, page, size, total}
 * GET  /products/:id                                   → the product, or 404
 * GET  /categories                                     → [{id, name, productCount}]
 * GET  /v2/products?...                                → the same pages with v2 products
 * GET  /v2/products/:id                                → the v2 product, or 404
 * POST /v2/quotes {lines: [{productId, quantity}]}     → the lines priced (see {@link Quotes})
 * </pre>
 * {@code category} matches a category id or name, ignoring case. A v2 product carries
 * {@code unitPrice: {amount, currency}} where v1 has {@code price} and {@code currency}.
 */
public final class CatalogService implements ServiceRoutes {

  /** Largest accepted page size. */
  public static final int MAX_PAGE_SIZE = 200;

  private final ProductData data;
  private final Map<String, JsonObject> json;
  private final Map<String, JsonObject> jsonV2;
  private final Quotes quotes;
  private final JsonArray categories = new JsonArray();

  /** Serves the products of {@code data}. */
  public CatalogService(ProductData data) {
    this.data = data;
    // Products never change: encode their JSON form once.
    this.json = data.products().stream().collect(Collectors.toMap(Product::id, Product::toJson));
    this.jsonV2 = data.products().stream().collect(Collectors.toMap(Product::id, Product::toJsonV2));
    this.quotes = new Quotes(data);
    Map<String, Long> counts = data.products().stream()
      .collect(Collectors.groupingBy(p -> p.category().id(), Collectors.counting()));
    data.categories().forEach(c -> categories.add(c.toJson().put("productCount", counts.getOrDefault(c.id(), 0L))));
  }

  @Override
  public void mount(Router router) {
    router.get("/products").handler(ctx -> list(ctx, json));
    router.get("/products/:id").handler(ctx -> one(ctx, json));
    router.get("/categories").handler(ctx -> Replies.json(ctx, 200, categories));
    router.get("/v2/products").handler(ctx -> list(ctx, jsonV2));
    router.get("/v2/products/:id").handler(ctx -> one(ctx, jsonV2));
    router.post("/v2/quotes").handler(BodyHandler.create(false).setBodyLimit(Quotes.MAX_BODY_BYTES))
      .handler(quotes::quote);
  }

  private void list(RoutingContext ctx, Map<String, JsonObject> json) {
    int page = QueryParams.integer(ctx, "page", 1, 1, Integer.MAX_VALUE);
    int size = QueryParams.integer(ctx, "size", 20, 1, MAX_PAGE_SIZE);
    String category = QueryParams.string(ctx, "category", null);
    String featured = QueryParams.string(ctx, "featured", null);
    List<Product> matching = data.products().stream()
      .filter(p -> category == null || p.category().id().equalsIgnoreCase(category)
        || p.category().name().equalsIgnoreCase(category))
      .filter(p -> featured == null || p.featured() == Boolean.parseBoolean(featured))
      .toList();
    JsonArray items = new JsonArray();
    long from = (long) (page - 1) * size;
    for (long i = from; i < Math.min(matching.size(), from + size); i++) {
      items.add(json.get(matching.get((int) i).id()));
    }
    Replies.json(ctx, 200, new JsonObject()
      .put("items", items)
      .put("page", page)
      .put("size", size)
      .put("total", matching.size()));
  }

  private void one(RoutingContext ctx, Map<String, JsonObject> json) {
    String id = ctx.pathParam("id");
    JsonObject product = json.get(id);
    if (product == null) {
      throw Problem.notFound("product " + id + " not found");
    }
    Replies.json(ctx, 200, product);
  }
}
