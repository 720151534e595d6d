package dev.bff.demo;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The recommendations service (default port 7104).
 *
 * <pre>
 * GET /recommendations?productId=1&amp;limit=8 → {productId, items: ["17", "42", ...]}
 * </pre>
 * Related ids: products of the same category closest in price first, then featured products, then
 * the rest by id; never the product itself. Unknown products answer 404.
 */
public final class RecommendationsService implements ServiceRoutes {

  /** Largest accepted {@code limit}. */
  public static final int MAX_LIMIT = 50;

  private final ProductData data;
  /** Product id → every other product id, most related first; ranked once at start-up. */
  private final Map<String, List<String>> ranked = new HashMap<>();

  /** Recommends among the products of {@code data}. */
  public RecommendationsService(ProductData data) {
    this.data = data;
    for (Product product : data.products()) {
      ranked.put(product.id(), related(product).map(Product::id).toList());
    }
  }

  @Override
  public void mount(Router router) {
    router.get("/recommendations").handler(this::recommend);
  }

  private void recommend(RoutingContext ctx) {
    String id = QueryParams.required(ctx, "productId");
    int limit = QueryParams.integer(ctx, "limit", 8, 1, MAX_LIMIT);
    List<String> related = ranked.get(id);
    if (related == null) {
      throw Problem.notFound("product " + id + " not found");
    }
    JsonArray items = new JsonArray(new ArrayList<>(related.subList(0, Math.min(limit, related.size()))));
    Replies.json(ctx, 200, new JsonObject().put("productId", id).put("items", items));
  }

  private Stream<Product> related(Product product) {
    List<Product> others = data.products().stream().filter(p -> !p.id().equals(product.id())).toList();
    Comparator<Product> byPriceDistance =
      Comparator.comparing(p -> p.price().subtract(product.price()).abs());
    Stream<Product> sameCategory = others.stream()
      .filter(p -> p.category().equals(product.category()))
      .sorted(byPriceDistance.thenComparing(p -> Integer.parseInt(p.id())));
    Stream<Product> rest = others.stream()
      .filter(p -> !p.category().equals(product.category()))
      .sorted(Comparator.comparing((Product p) -> !p.featured()).thenComparing(p -> Integer.parseInt(p.id())));
    return Stream.concat(sameCategory, rest);
  }
}
