package dev.bff.demo;

import io.vertx.core.json.JsonObject;

/**
 * Stock level of one product, as served by the inventory service.
 *
 * @param productId   the product id
 * @param quantity    units on hand; {@code 0} means out of stock
 * @param warehouse   code of the warehouse holding the stock
 * @param shipsInDays working days until the product leaves the warehouse
 */
public record Stock(String productId, int quantity, String warehouse, int shipsInDays) {

  /** Whether at least one unit is on hand. */
  public boolean inStock() {
    return quantity > 0;
  }

  /** Returns {@code {productId, quantity, warehouse, shipsInDays}}. */
  public JsonObject toJson() {
    return new JsonObject()
      .put("productId", productId)
      .put("quantity", quantity)
      .put("warehouse", warehouse)
      .put("shipsInDays", shipsInDays);
  }
}
