package dev.bff.common.shape;

import io.vertx.core.json.JsonObject;

/** Picks image URLs of a given size out of a catalog product. */
public final class Images {
  private Images() {}

  /**
   * The URL of {@code size} in the product's {@code images} object, whether the size is given as
   * a URL string or as an object with a {@code url}; null when absent.
   */
  public static String url(JsonObject product, String size) {
    JsonObject images = product.getJsonObject("images");
    if (images == null) {
      return null;
    }
    Object v = images.getValue(size);
    if (v instanceof JsonObject o) {
      return o.getString("url");
    }
    return v instanceof String s ? s : null;
  }
}
