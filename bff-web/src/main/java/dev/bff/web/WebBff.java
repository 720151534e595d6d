package dev.bff.web;

import static dev.bff.common.shape.Transform.limit;
import static dev.bff.common.shape.Transform.pick;
import static dev.bff.common.shape.Transform.select;

import dev.bff.common.aggregate.Composition;
import dev.bff.common.aggregate.Part;
import dev.bff.common.aggregate.Parts;
import dev.bff.common.aggregate.Shape;
import dev.bff.common.routing.BffModule;
import dev.bff.common.routing.Endpoints;
import dev.bff.common.server.Bff;
import dev.bff.common.shape.Images;
import dev.bff.common.shape.Paths;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The web shop's BFF: pass-through routes to the shop's services (YAML), the product page composed
 * in Java ({@code /api/product-details/:id}), the home page and the signed-in user's page composed
 * in YAML ({@code /api/home}, {@code /api/me}), and the user's orders ({@link Orders}).
 */
public final class WebBff implements BffModule {
  /** How many recommendations the product page shows. */
  static final int RECOMMENDATIONS = 8;
  /** How many reviews the product page shows (latest first). */
  static final int REVIEWS = 20;

  /** Starts bff-web. */
  public static void main(String[] args) {
    Bff.launch(new WebBff(), args);
  }

  @Override
  public String name() {
    return "bff-web";
  }

  @Override
  public int defaultPort() {
    return 8081;
  }

  @Override
  public int defaultAdminPort() {
    return 9081;
  }

  @Override
  public void endpoints(Endpoints e) {
    e.get("product-details", "/api/product-details/:id", productDetails());
    e.get("product-summary", "/api/product-summary/:id", productSummary());
    e.get("order", "/api/orders/:id", Orders::one);
    e.post("place-order", "/api/orders", Orders::place);
  }

  /**
   * The product page: product (required), the latest reviews and the rating, stock (over gRPC), a shipping
   * estimate and recommendations, each with name, price and thumbnail (a fan-out over the
   * recommended ids once they are known). Optional parts degrade the page, never fail it; their
   * timeouts are set in bff-web.yaml ({@code part-timeouts}).
   */
  static Composition productDetails() {
    return Composition.of(
        Part.required("product", "catalog", (u, c) -> u.getJson("/products/" + Paths.segment(c.param("id")))),
        Part.optional("reviews", "reviews",
                (u, c) -> u.getJson("/reviews?productId=" + Paths.query(c.param("id")) + "&limit=" + REVIEWS))
            .fallback(new JsonObject().put("items", new JsonArray()).put("total", 0)),
        Part.optional("rating", "reviews",
                (u, c) -> u.getJson("/reviews/summary?productId=" + Paths.query(c.param("id"))))
            .fallbackToLastGood(),
        // over gRPC: demo.inventory.v1.Inventory/GetStock, mapped by the descriptor set (grpc.descriptor-sets)
        Part.optional("inventory", "inventory-grpc", (u, c) -> u.grpc("demo.inventory.v1.Inventory/GetStock",
                new JsonObject().put("productId", c.param("id"))))
            .fallbackToLastGood(),
        Part.optional("shipping", "shipping",
                (u, c) -> u.getJson("/shipping/estimate?productId=" + Paths.query(c.param("id")))),
        Part.optional("recommendations", "recommendations", (u, c) -> u.getJson(
                "/recommendations?productId=" + Paths.query(c.param("id")) + "&limit=" + RECOMMENDATIONS)),
        Part.optional("related", "catalog", (u, c) -> u.getJsonEach(productUris(c.json("recommendations")), null))
            .needs("recommendations"))
        .shape(Shape.of(
            Shape.merge("product", select("id", "name", "description", "brand", "category", "price", "currency",
                "images")),
            Shape.put("rating", "rating", select("average", "count")),
            Shape.put("reviews", "reviews", pick("/items"), limit(REVIEWS),
                select("id", "author", "rating", "title", "text", "createdAt")),
            Shape.put("inventory", "inventory", select("quantity", "warehouse", "shipsInDays")),
            Shape.compute("inStock", WebBff::inStock),
            Shape.put("shipping", "shipping", select("country", "days", "cost", "currency")),
            Shape.put("recommendations", "related", p -> card((JsonArray) p))));
  }

  /** Product, stock and rating in parallel, shaped for the product tile. */
  static Composition productSummary() {
    return Composition.of(
        Part.required("product", "catalog", (u, c) -> u.getJson("/products/" + Paths.segment(c.param("id")))),
        Part.optional("inventory", "inventory", (u, c) -> u.getJson("/inventory/" + Paths.segment(c.param("id"))))
            .fallbackToLastGood(),
        Part.optional("rating", "reviews",
            (u, c) -> u.getJson("/reviews/summary?productId=" + Paths.query(c.param("id")))))
        .shape(Shape.of(
            Shape.merge("product", select("id", "name", "price", "currency")),
            Shape.put("thumbnail", "product", pick("/images/thumbnail/url")),
            Shape.compute("inStock", WebBff::inStock),
            Shape.put("quantity", "inventory", pick("/quantity")),
            Shape.put("shipsInDays", "inventory", pick("/shipsInDays")),
            Shape.put("rating", "rating", select("average", "count"))));
  }

  /** {@code inventory.quantity > 0}, or null (left out) when the stock is unknown. */
  static Object inStock(Parts p) {
    JsonObject inv = p.json("inventory");
    return inv == null ? null : inv.getInteger("quantity", 0) > 0;
  }

  private static List<String> productUris(JsonObject recommendations) {
    JsonArray ids = recommendations.getJsonArray("items", new JsonArray());
    List<String> uris = new ArrayList<>(ids.size());
    for (int i = 0; i < ids.size() && i < RECOMMENDATIONS; i++) {
      uris.add("/products/" + Paths.segment(String.valueOf(ids.getValue(i))));
    }
    return uris;
  }

  private static JsonArray card(JsonArray products) {
    JsonArray out = new JsonArray();
    for (int i = 0; i < products.size(); i++) {
      JsonObject p = products.getJsonObject(i);
      out.add(new JsonObject().put("id", p.getValue("id")).put("name", p.getString("name"))
          .put("price", p.getValue("price")).put("currency", p.getString("currency"))
          .put("thumbnail", Images.url(p, "thumbnail")));
    }
    return out;
  }
}
