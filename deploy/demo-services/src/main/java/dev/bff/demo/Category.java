package dev.bff.demo;

import io.vertx.core.json.JsonObject;

/**
 * A product category of the demo catalog.
 *
 * @param id   stable lower-case identifier, e.g. {@code "electronics"}
 * @param name display name, e.g. {@code "Electronics"}
 */
public record Category(String id, String name) {

  /** Returns {@code {id, name}}. */
  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("name", name);
  }
}
