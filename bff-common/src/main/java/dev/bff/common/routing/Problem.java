package dev.bff.common.routing;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/**
 * Writes gateway-made errors as {@code application/problem+json} (RFC 9457). Details never carry
 * upstream addresses or stack traces.
 */
public final class Problem {
  /** The problem media type. */
  public static final String MEDIA_TYPE = "application/problem+json";
  /** Prefix of every problem type URI. */
  public static final String TYPE_BASE = "https://bff.dev/problems/";

  private Problem() {}

  /** The JSON body of a problem. */
  public static Buffer body(Category c, String detail, String instance, String requestId) {
    return body(c.status(), c.slug(), c.title(), detail, instance, requestId);
  }

  /** The JSON body of a problem with an explicit status, type slug and title. */
  public static Buffer body(int status, String slug, String title, String detail, String instance, String requestId) {
    StringBuilder sb = new StringBuilder(192);
    sb.append("{\"type\":\"").append(TYPE_BASE).append(slug).append("\",\"title\":");
    Json.quote(sb, title);
    sb.append(",\"status\":").append(status);
    if (detail != null) {
      sb.append(",\"detail\":");
      Json.quote(sb, detail);
    }
    if (instance != null) {
      sb.append(",\"instance\":");
      Json.quote(sb, instance);
    }
    if (requestId != null) {
      sb.append(",\"requestId\":");
      Json.quote(sb, requestId);
    }
    return Buffer.buffer(sb.append('}').toString());
  }

  /**
   * Sends a problem on {@code response} if nothing was sent yet; otherwise the response is cut
   * (connection closed or stream reset) so the client never takes a truncated body as whole.
   */
  public static Future<Void> send(HttpServerResponse response, Category c, String detail, String instance,
      String requestId) {
    if (response.ended() || response.closed()) {
      return Future.succeededFuture();
    }
    if (response.headWritten()) {
      return response.reset();
    }
    Buffer b = body(c, detail, instance, requestId);
    response.setStatusCode(c.status());
    response.headers()
        .set(HttpHeaders.CONTENT_TYPE, MEDIA_TYPE)
        .set(HttpHeaders.CONTENT_LENGTH, Integer.toString(b.length()))
        .set(HttpHeaders.CACHE_CONTROL, "no-store");
    return response.end(b);
  }
}
