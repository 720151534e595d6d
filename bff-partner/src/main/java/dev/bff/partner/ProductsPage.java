package dev.bff.partner;

import static dev.bff.common.shape.Transform.select;

import dev.bff.common.aggregate.Composition;
import dev.bff.common.aggregate.Part;
import dev.bff.common.aggregate.PartContext;
import dev.bff.common.aggregate.Parts;
import dev.bff.common.aggregate.Shape;
import dev.bff.common.shape.Paths;
import dev.bff.common.shape.Transform;
import dev.bff.common.upstream.UpstreamCalls;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A page of products for partners ({@code GET /partner/v1/products?page=&size=}): the catalog page
 * (required) and the stock of each of its products (optional, all in parallel). When the stock
 * part fails, items have no {@code stock} and the answer says it is degraded; a product the
 * inventory does not know has no {@code stock} either.
 */
final class ProductsPage {
  /** The product fields partners get, in this order ({@code product-v1} in YAML selects the same). */
  static final String[] ITEM_FIELDS = {"id", "name", "description", "brand", "category", "images", "price",
      "currency"};
  /** Stock is a nice-to-have on a list: it may not hold the page up for long. */
  static final Duration STOCK_TIMEOUT = Duration.ofMillis(300);

  private static final Transform ITEM = select(ITEM_FIELDS);

  private ProductsPage() {}

  /** The composition, built once at start-up; run it behind {@link Paging#CHECK}. */
  static Composition composition() {
    return Composition.of(
        Part.required("page", "catalog", (u, c) -> {
          Paging p = Paging.of(c.request());
          return u.getJson("/products?page=" + p.page() + "&size=" + p.size());
        }),
        Part.optional("stock", "inventory", ProductsPage::stockOfEach).needs("page").timeout(STOCK_TIMEOUT))
        .shape(Shape.of(
            Shape.compute("items", ProductsPage::items),
            Shape.merge("page", select("page", "size", "total"))));
  }

  /** The inventory answers for the page's products, in parallel; those it does not know are left out. */
  private static Future<JsonArray> stockOfEach(UpstreamCalls inventory, PartContext c) {
    JsonArray items = c.json("page").getJsonArray("items", new JsonArray());
    List<String> uris = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      uris.add("/inventory/" + Paths.segment(String.valueOf(items.getJsonObject(i).getValue("id"))));
    }
    return inventory.getJsonEach(uris, null);
  }

  private static JsonArray items(Parts p) {
    Map<String, JsonObject> stock = new HashMap<>();
    JsonArray answers = p.array("stock");
    if (answers != null) {
      for (int i = 0; i < answers.size(); i++) {
        JsonObject s = answers.getJsonObject(i);
        stock.put(String.valueOf(s.getValue("productId")), s);
      }
    }
    JsonArray products = p.json("page").getJsonArray("items", new JsonArray());
    JsonArray out = new JsonArray();
    for (int i = 0; i < products.size(); i++) {
      JsonObject product = products.getJsonObject(i);
      JsonObject item = (JsonObject) ITEM.apply(product);
      JsonObject view = Stock.view(stock.get(String.valueOf(product.getValue("id"))));
      if (view != null) {
        item.put("stock", view);
      }
      out.add(item);
    }
    return out;
  }
}
