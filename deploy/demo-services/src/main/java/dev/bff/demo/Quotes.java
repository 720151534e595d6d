package dev.bff.demo;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.math.BigDecimal;

/**
 * The catalog's v2 price quotes: a basket of products priced line by line, nothing stored.
 *
 * <pre>
 * POST /v2/quotes {lines: [{productId, quantity}]}
 *   → {lines: [{productId, quantity, unitPrice: {amount, currency}, lineTotal: {amount, currency}}],
 *      total: {amount, currency}}
 * </pre>
 * 1 to {@link #MAX_LINES} lines, each of a known product and a quantity of 1 to {@link #MAX_QUANTITY};
 * anything else is a 400.
 */
final class Quotes {

  /** Largest accepted request body. */
  static final int MAX_BODY_BYTES = 64 * 1024;
  /** Most lines in one quote. */
  static final int MAX_LINES = 100;
  /** Largest quantity of one line. */
  static final int MAX_QUANTITY = 1000;

  private final ProductData data;

  Quotes(ProductData data) {
    this.data = data;
  }

  /** Answers a quote for the basket in the request body. */
  void quote(RoutingContext ctx) {
    JsonArray lines = lines(ctx);
    JsonArray priced = new JsonArray();
    BigDecimal total = BigDecimal.ZERO.setScale(2);
    for (int i = 0; i < lines.size(); i++) {
      Object line = lines.getValue(i);
      String productId = line instanceof JsonObject o && o.getValue("productId") instanceof String s ? s : null;
      Object quantity = line instanceof JsonObject o ? o.getValue("quantity") : null;
      Product product = productId == null ? null : data.product(productId).orElse(null);
      if (product == null || !(quantity instanceof Integer q) || q < 1 || q > MAX_QUANTITY) {
        throw Problem.badRequest("lines[" + i + "] needs a known productId and a quantity of 1 to " + MAX_QUANTITY);
      }
      BigDecimal lineTotal = product.price().multiply(BigDecimal.valueOf(q));
      total = total.add(lineTotal);
      priced.add(new JsonObject().put("productId", productId).put("quantity", q)
        .put("unitPrice", Product.money(product.price())).put("lineTotal", Product.money(lineTotal)));
    }
    Replies.json(ctx, 200, new JsonObject().put("lines", priced).put("total", Product.money(total)));
  }

  private static JsonArray lines(RoutingContext ctx) {
    Object body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      throw Problem.badRequest("the body must be a JSON object {lines: [{productId, quantity}]}");
    }
    Object lines = body instanceof JsonObject o ? o.getValue("lines") : null;
    if (!(lines instanceof JsonArray a) || a.isEmpty() || a.size() > MAX_LINES) {
      throw Problem.badRequest("lines must be an array of 1 to " + MAX_LINES + " {productId, quantity}");
    }
    return a;
  }
}
