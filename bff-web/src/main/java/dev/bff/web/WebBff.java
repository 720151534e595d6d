package dev.bff.web;

import dev.bff.common.routing.BffModule;
import dev.bff.common.routing.BffRequest;
import dev.bff.common.routing.Endpoints;
import dev.bff.common.routing.Reply;
import dev.bff.common.server.Bff;
import dev.bff.common.shape.Images;
import dev.bff.common.shape.Paths;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** The web shop's BFF: pass-through routes to the shop's services (YAML) plus composed endpoints. */
public final class WebBff implements BffModule {
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
    e.get("product-summary", "/api/product-summary/:id", WebBff::productSummary);
  }

  /** Product and stock fetched in parallel, shaped for the product tile of the web shop. */
  static Future<Reply> productSummary(BffRequest r) {
    String id = r.param("id");
    Future<JsonObject> product = r.upstream("catalog").getJson("/products/" + Paths.segment(id));
    Future<JsonObject> stock = r.upstream("inventory").getJson("/inventory/" + Paths.segment(id));
    return Future.all(product, stock).map(all -> {
      JsonObject p = product.result();
      JsonObject s = stock.result();
      int quantity = s.getInteger("quantity", 0);
      return Reply.json(new JsonObject()
          .put("id", p.getValue("id"))
          .put("name", p.getString("name"))
          .put("price", p.getValue("price"))
          .put("currency", p.getString("currency"))
          .put("thumbnail", Images.url(p, "thumbnail"))
          .put("inStock", quantity > 0)
          .put("quantity", quantity)
          .put("shipsInDays", s.getValue("shipsInDays")));
    });
  }
}
