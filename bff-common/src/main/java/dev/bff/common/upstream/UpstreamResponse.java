package dev.bff.common.upstream;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * A whole upstream response, as Java endpoints receive it.
 *
 * @param status  HTTP status
 * @param headers response headers
 * @param body    the body (empty when none)
 */
public record UpstreamResponse(int status, MultiMap headers, Buffer body) {
  /** The body as a JSON object. */
  public JsonObject json() {
    return body.toJsonObject();
  }

  /** Whether the status is 2xx. */
  public boolean ok() {
    return status >= 200 && status < 300;
  }
}
