package dev.bff.tv;

import static dev.bff.common.shape.Transform.limit;
import static dev.bff.common.shape.Transform.object;
import static dev.bff.common.shape.Transform.pick;

import dev.bff.common.aggregate.Composition;
import dev.bff.common.aggregate.Part;
import dev.bff.common.aggregate.PartContext;
import dev.bff.common.aggregate.Parts;
import dev.bff.common.shape.Paths;
import dev.bff.common.shape.Transform;
import dev.bff.common.upstream.UpstreamCalls;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The TV home screen ({@code GET /tv/browse}): a featured rail, then one rail per catalog category,
 * each item a title and its extra-large artwork. The category list and the category rails are
 * required; the featured rail is optional: when it fails its last good value is served (stale), or
 * the rail is left out.
 */
final class Browse {
  /** Items per rail. */
  static final int RAIL_SIZE = 10;
  /** The featured rail is decoration: it may not hold the screen up for long. */
  static final Duration FEATURED_TIMEOUT = Duration.ofMillis(250);

  /** A catalog page's items as rail items: {@code {id, title, artwork}}, at most {@link #RAIL_SIZE}. */
  private static final Transform ITEMS = Transform.chain(pick("/items"), limit(RAIL_SIZE), object(itemFields()));

  private Browse() {}

  /** The composition, built once at start-up. */
  static Composition composition() {
    return Composition.of(
        Part.required("categories", "catalog", (u, c) -> u.getJsonValue("/categories", null)),
        Part.required("rails", "catalog", Browse::categoryPages).needs("categories"),
        Part.optional("featured", "catalog", (u, c) -> u.getJson("/products?featured=true&size=" + RAIL_SIZE))
            .timeout(FEATURED_TIMEOUT).fallbackToLastGood())
        .shape(Browse::shape);
  }

  /** One catalog page per category, all in parallel, in the order of the categories. */
  private static Future<JsonArray> categoryPages(UpstreamCalls catalog, PartContext c) {
    JsonArray categories = c.value("categories") instanceof JsonArray a ? a : new JsonArray();
    List<Future<JsonObject>> pages = new ArrayList<>(categories.size());
    for (int i = 0; i < categories.size(); i++) {
      String id = String.valueOf(categories.getJsonObject(i).getValue("id"));
      pages.add(catalog.getJson("/products?size=" + RAIL_SIZE + "&category=" + Paths.query(id)));
    }
    return Future.all(pages).map(all -> {
      JsonArray out = new JsonArray();
      pages.forEach(p -> out.add(p.result()));
      return out;
    });
  }

  /** {@code {rails: [featured (when it has a value), then one per category]}}. */
  static JsonObject shape(Parts p) {
    JsonArray rails = new JsonArray();
    JsonObject featured = p.json("featured");
    if (featured != null) {
      rails.add(rail("featured", "Featured", featured));
    }
    JsonArray categories = p.array("categories");
    JsonArray pages = p.array("rails");
    for (int i = 0; i < categories.size(); i++) {
      JsonObject c = categories.getJsonObject(i);
      rails.add(rail(c.getValue("id"), c.getString("name"), pages.getJsonObject(i)));
    }
    return new JsonObject().put("rails", rails);
  }

  private static JsonObject rail(Object id, String title, JsonObject page) {
    Object items = ITEMS.apply(page);
    return new JsonObject().put("id", id).put("title", title)
        .put("items", items instanceof JsonArray a ? a : new JsonArray());
  }

  private static Map<String, String> itemFields() {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("id", "/id");
    f.put("title", "/name");
    f.put("artwork", "/images/xlarge/url");
    return f;
  }
}
