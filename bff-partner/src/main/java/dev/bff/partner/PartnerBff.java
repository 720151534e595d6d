package dev.bff.partner;

import dev.bff.common.routing.BffModule;
import dev.bff.common.routing.Endpoints;
import dev.bff.common.server.Bff;
import io.vertx.core.json.JsonObject;

/**
 * The partners' BFF: a small versioned surface ({@code /partner/v1/...}) of catalog and stock
 * reads with no user data: a page of products ({@link ProductsPage}, in Java), one product
 * ({@code product-v1}, declared in {@code bff-partner.yaml}) and a product's stock ({@code stock-v1}, YAML).
 */
public final class PartnerBff implements BffModule {
  /** Starts bff-partner. */
  public static void main(String[] args) {
    Bff.launch(new PartnerBff(), args);
  }

  @Override
  public String name() {
    return "bff-partner";
  }

  @Override
  public int defaultPort() {
    return 8084;
  }

  @Override
  public int defaultAdminPort() {
    return 9084;
  }

  @Override
  public void endpoints(Endpoints e) {
    e.compute("stock", p -> Stock.view(p.json("stock")));
    e.compute("in-stock", p -> {
      JsonObject view = Stock.view(p.json("stock"));
      return view == null ? null : view.getBoolean("inStock");
    });
    e.get("products-v1", "/partner/v1/products", ProductsPage.composition()).stage(Paging.CHECK);
  }
}
