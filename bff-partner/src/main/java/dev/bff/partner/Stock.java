package dev.bff.partner;

import io.vertx.core.json.JsonObject;

/**
 * What partners see of an inventory answer: {@code {quantity, inStock}}; the warehouse and
 * shipping days are internal.
 */
final class Stock {
  private Stock() {}

  /** The partner view of an inventory answer, or null when there is none (or no quantity in it). */
  static JsonObject view(JsonObject inventory) {
    if (inventory == null || !(inventory.getValue("quantity") instanceof Number q)) {
      return null;
    }
    return new JsonObject().put("quantity", q).put("inStock", q.longValue() > 0);
  }
}
