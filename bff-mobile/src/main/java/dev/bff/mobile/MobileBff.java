package dev.bff.mobile;

import dev.bff.common.aggregate.Parts;
import dev.bff.common.routing.BffModule;
import dev.bff.common.routing.BffRequest;
import dev.bff.common.routing.Endpoints;
import dev.bff.common.routing.Reply;
import dev.bff.common.server.Bff;
import dev.bff.common.shape.Images;
import dev.bff.common.shape.Paths;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * The mobile apps' BFF: small payloads, one round trip per screen. The product screen
 * ({@code /m/product-details/:id}) is composed in YAML; the product card is a plain Java endpoint.
 */
public final class MobileBff implements BffModule {
  /** Starts bff-mobile. */
  public static void main(String[] args) {
    Bff.launch(new MobileBff(), args);
  }

  @Override
  public String name() {
    return "bff-mobile";
  }

  @Override
  public int defaultPort() {
    return 8082;
  }

  @Override
  public int defaultAdminPort() {
    return 9082;
  }

  @Override
  public void endpoints(Endpoints e) {
    e.get("product-card", "/m/product-card/:id", MobileBff::productCard);
    // product-details is declared in bff-mobile.yaml; its shape computes inStock here
    e.compute("in-stock", MobileBff::inStock);
  }

  /** {@code stock.quantity > 0}, or null (left out) when the stock is unknown. */
  static Object inStock(Parts p) {
    JsonObject stock = p.json("stock");
    return stock == null ? null : stock.getInteger("quantity", 0) > 0;
  }

  /** The few fields a product card in the app shows: name, price, one small image, rating. */
  static Future<Reply> productCard(BffRequest r) {
    String id = Paths.segment(r.param("id"));
    Future<JsonObject> product = r.upstream("catalog").getJson("/products/" + id);
    Future<JsonObject> rating = r.upstream("reviews").getJson("/reviews/summary?productId=" + id);
    return Future.all(product, rating).map(all -> {
      JsonObject p = product.result();
      JsonObject s = rating.result();
      return Reply.json(new JsonObject()
          .put("id", p.getValue("id"))
          .put("name", p.getString("name"))
          .put("price", p.getValue("price"))
          .put("currency", p.getString("currency"))
          .put("image", Images.url(p, "small"))
          .put("rating", new JsonObject().put("average", s.getValue("average")).put("count", s.getValue("count"))));
    });
  }
}
