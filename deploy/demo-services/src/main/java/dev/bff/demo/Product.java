package dev.bff.demo;

import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;

/**
 * A product of the demo catalog.
 *
 * @param id          string id, {@code "1"} to {@code "120"}
 * @param name        display name
 * @param description a couple of sentences
 * @param price       price in {@link #CURRENCY} with two decimals
 * @param category    the category it belongs to
 * @param brand       brand name
 * @param featured    whether the product is promoted on home screens
 */
public record Product(String id, String name, String description, BigDecimal price, Category category,
                      String brand, boolean featured) {

  /** Currency of every price in the demo domain. */
  public static final String CURRENCY = "EUR";

  /** Image variants with their width; heights follow a 4:3 ratio. */
  private static final String[] IMAGE_SIZES = {"thumbnail", "small", "medium", "large", "xlarge"};
  private static final int[] IMAGE_WIDTHS = {120, 320, 640, 1280, 2560};

  /** Returns the full catalog representation, images included. */
  public JsonObject toJson() {
    JsonObject images = new JsonObject();
    for (int i = 0; i < IMAGE_SIZES.length; i++) {
      int width = IMAGE_WIDTHS[i];
      images.put(IMAGE_SIZES[i], new JsonObject()
        .put("url", "https://img.example.com/p/" + id + "/" + IMAGE_SIZES[i] + ".jpg")
        .put("width", width)
        .put("height", width * 3 / 4));
    }
    return new JsonObject()
      .put("id", id)
      .put("name", name)
      .put("description", description)
      .put("price", price)
      .put("currency", CURRENCY)
      .put("category", category.toJson())
      .put("brand", brand)
      .put("images", images)
      .put("featured", featured);
  }

  /**
   * Returns the v2 representation: the same fields in the same order, with the price as
   * {@code unitPrice: {amount, currency}} in place of {@code price} and {@code currency}.
   */
  public JsonObject toJsonV2() {
    JsonObject v2 = new JsonObject();
    for (var field : toJson()) {
      switch (field.getKey()) {
        case "price" -> v2.put("unitPrice", money(price));
        case "currency" -> { } // part of unitPrice
        default -> v2.put(field.getKey(), field.getValue());
      }
    }
    return v2;
  }

  /** {@code {amount, currency}} in {@link #CURRENCY}. */
  static JsonObject money(BigDecimal amount) {
    return new JsonObject().put("amount", amount).put("currency", CURRENCY);
  }
}
