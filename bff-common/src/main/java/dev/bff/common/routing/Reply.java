package dev.bff.common.routing;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.Json;

/**
 * What a Java endpoint answers: status, headers and a whole body.
 *
 * @param status  HTTP status
 * @param headers response headers
 * @param body    body, possibly empty
 */
public record Reply(int status, MultiMap headers, Buffer body) {
  /** A 200 JSON reply of {@code value} (a JsonObject, JsonArray, record, map or list). */
  public static Reply json(Object value) {
    return json(200, value);
  }

  /** A JSON reply with the given status. */
  public static Reply json(int status, Object value) {
    MultiMap h = HttpHeaders.headers().set(HttpHeaders.CONTENT_TYPE, "application/json");
    return new Reply(status, h, Json.encodeToBuffer(value));
  }

  /** A reply with no body. */
  public static Reply status(int status) {
    return new Reply(status, HttpHeaders.headers(), Buffer.buffer());
  }

  /** A problem+json reply of a category; {@code detail} must not carry internal addresses. */
  public static Reply problem(Category category, String detail) {
    MultiMap h = HttpHeaders.headers().set(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
        .set(HttpHeaders.CACHE_CONTROL, "no-store");
    return new Reply(category.status(), h, Problem.body(category, detail, null, null));
  }

  /** This reply with one more header set. */
  public Reply header(String name, String value) {
    headers.set(name, value);
    return this;
  }
}
