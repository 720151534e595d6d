package dev.bff.demo;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;

/**
 * The shipping service (default port 7109).
 *
 * <pre>
 * GET /shipping/estimate?productId=1&amp;country=DE → {productId, country, days, cost, currency}
 * </pre>
 * Days are the country's transit time plus the warehouse delay when the product is out of stock;
 * shipping within Germany is free from {@link #FREE_SHIPPING_DE} EUR. {@code country} defaults to DE.
 */
public final class ShippingService implements ServiceRoutes {

  /** Order value from which shipping within Germany is free. */
  public static final BigDecimal FREE_SHIPPING_DE = new BigDecimal("50.00");

  private record Rate(int days, BigDecimal cost) {
  }

  private static final Rate OTHER = new Rate(10, new BigDecimal("29.90"));
  private static final Map<String, Rate> RATES = Map.of(
    "DE", new Rate(2, new BigDecimal("4.90")),
    "AT", new Rate(3, new BigDecimal("6.90")),
    "NL", new Rate(3, new BigDecimal("6.90")),
    "BE", new Rate(3, new BigDecimal("6.90")),
    "FR", new Rate(4, new BigDecimal("8.90")),
    "IT", new Rate(4, new BigDecimal("8.90")),
    "ES", new Rate(5, new BigDecimal("9.90")),
    "CH", new Rate(5, new BigDecimal("14.90")),
    "GB", new Rate(5, new BigDecimal("12.90")),
    "US", new Rate(7, new BigDecimal("24.90")));

  private final ProductData data;

  /** Estimates shipping for the products of {@code data}. */
  public ShippingService(ProductData data) {
    this.data = data;
  }

  @Override
  public void mount(Router router) {
    router.get("/shipping/estimate").handler(this::estimate);
  }

  private void estimate(RoutingContext ctx) {
    String id = QueryParams.required(ctx, "productId");
    String country = QueryParams.string(ctx, "country", "DE").toUpperCase(Locale.ROOT);
    if (!country.matches("[A-Z]{2}")) {
      throw Problem.badRequest("country must be a two-letter ISO code");
    }
    Product product = data.product(id).orElseThrow(() -> Problem.notFound("product " + id + " not found"));
    Stock stock = data.stock(id).orElseThrow();
    Rate rate = RATES.getOrDefault(country, OTHER);
    BigDecimal cost = country.equals("DE") && product.price().compareTo(FREE_SHIPPING_DE) >= 0
      ? BigDecimal.ZERO.setScale(2) : rate.cost();
    Replies.json(ctx, 200, new JsonObject()
      .put("productId", id)
      .put("country", country)
      .put("days", rate.days() + (stock.inStock() ? 0 : stock.shipsInDays()))
      .put("cost", cost)
      .put("currency", Product.CURRENCY));
  }
}
