package dev.bff.demo;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The one writer of answers for all demo services. It honours a trickle fault set on the routing
 * context by {@link FaultInjector}: the real body is then written slowly in small chunks.
 */
final class Replies {

  /** Routing-context key under which {@link FaultInjector} leaves a {@link FaultRule.Trickle}. */
  static final String TRICKLE = "demo.fault.trickle";

  private static final String JSON = "application/json";

  private Replies() {
  }

  /** Answers {@code status} with a JSON object or array. */
  static Future<Void> json(RoutingContext ctx, int status, Object body) {
    Buffer bytes = body instanceof JsonObject object ? object.toBuffer() : ((JsonArray) body).toBuffer();
    return send(ctx, status, JSON, bytes);
  }

  /** Answers {@code status} with {@code {"error": code, "message": message}}. */
  static Future<Void> error(RoutingContext ctx, int status, String code, String message) {
    return json(ctx, status, new JsonObject().put("error", code).put("message", message));
  }

  /** Answers {@code status} with {@code body}, trickling it when a trickle fault applies. */
  static Future<Void> send(RoutingContext ctx, int status, String contentType, Buffer body) {
    HttpServerResponse response = ctx.response();
    if (response.closed() || response.ended()) {
      return Future.failedFuture("response already closed");
    }
    response.setStatusCode(status);
    if (status == 204 || status == 304) {
      return response.end();
    }
    response.putHeader(HttpHeaders.CONTENT_TYPE, contentType);
    FaultRule.Trickle trickle = ctx.get(TRICKLE);
    if (trickle == null) {
      return response.end(body);
    }
    response.setChunked(true);
    return ChunkedBody.write(ctx.vertx(), response, body.length(), ChunkedBody.of(body), trickle.bytes(),
      trickle.intervalMs());
  }
}
