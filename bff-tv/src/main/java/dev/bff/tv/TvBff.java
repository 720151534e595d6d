package dev.bff.tv;

import dev.bff.common.routing.BffModule;
import dev.bff.common.routing.BffRequest;
import dev.bff.common.routing.Category;
import dev.bff.common.routing.Endpoints;
import dev.bff.common.routing.Reply;
import dev.bff.common.server.Bff;
import dev.bff.common.shape.Images;
import dev.bff.common.shape.Paths;
import dev.bff.common.upstream.UpstreamCalls;
import dev.bff.common.upstream.UpstreamException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** The smart-TV apps' BFF: browse rails with large artwork and no long text. */
public final class TvBff implements BffModule {
  static final int RAIL_SIZE = 10;

  /** Starts bff-tv. */
  public static void main(String[] args) {
    Bff.launch(new TvBff(), args);
  }

  @Override
  public String name() {
    return "bff-tv";
  }

  @Override
  public int defaultPort() {
    return 8083;
  }

  @Override
  public int defaultAdminPort() {
    return 9083;
  }

  @Override
  public void endpoints(Endpoints e) {
    e.get("rails", "/tv/rails", TvBff::rails);
  }

  /** One rail per category (fetched after the category list, all rails in parallel). */
  static Future<Reply> rails(BffRequest r) {
    UpstreamCalls catalog = r.upstream("catalog");
    return catalog.get("/categories").compose(resp -> {
      if (!resp.ok()) {
        return Future.failedFuture(new UpstreamException(catalog.name(), Category.ERROR, resp.status()));
      }
      JsonArray categories = resp.body().toJsonArray();
      List<Future<JsonObject>> rails = new ArrayList<>();
      for (int i = 0; i < categories.size(); i++) {
        JsonObject c = categories.getJsonObject(i);
        String uri = "/products?size=" + RAIL_SIZE + "&category=" + Paths.query(String.valueOf(c.getValue("id")));
        rails.add(catalog.getJson(uri).map(page -> rail(c, page.getJsonArray("items", new JsonArray()))));
      }
      return Future.all(rails).map(all -> {
        JsonArray out = new JsonArray();
        rails.forEach(f -> out.add(f.result()));
        return Reply.json(new JsonObject().put("rails", out));
      });
    });
  }

  static JsonObject rail(JsonObject category, JsonArray products) {
    JsonArray items = new JsonArray();
    for (int i = 0; i < products.size(); i++) {
      JsonObject p = products.getJsonObject(i);
      items.add(new JsonObject().put("id", p.getValue("id")).put("title", p.getString("name"))
          .put("artwork", Images.url(p, "xlarge")));
    }
    return new JsonObject().put("id", category.getValue("id")).put("title", category.getString("name"))
        .put("items", items);
  }
}
