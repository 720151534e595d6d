package dev.bff.web;

import dev.bff.common.routing.BffRequest;
import dev.bff.common.routing.Category;
import dev.bff.common.routing.Reply;
import dev.bff.common.shape.Paths;
import dev.bff.common.upstream.UpstreamException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;

/**
 * The signed-in user's orders: one order (only their own; another user's is "not found", so ids
 * cannot be probed) and placing an order for them (the user id comes from the token, never from
 * the body). Both need a token ({@code auth} defaults to jwt in bff-web.yaml).
 */
final class Orders {
  private Orders() {}

  /** {@code GET /api/orders/:id}. */
  static Future<Reply> one(BffRequest r) {
    String id = r.param("id");
    return r.upstream("orders").getJson("/orders/" + Paths.segment(id)).map(order ->
        r.principal().subject() != null && r.principal().subject().equals(order.getString("userId"))
            ? Reply.json(order)
            : Reply.problem(Category.NOT_FOUND, "order '" + id + "' not found"));
  }

  /** {@code POST /api/orders} with {@code {items: [{productId, quantity}]}}: 201 with the order. */
  static Future<Reply> place(BffRequest r) {
    JsonObject order;
    try {
      order = r.body().length() == 0 ? null : r.body().toJsonObject();
    } catch (RuntimeException e) {
      order = null;
    }
    if (order == null || r.principal().subject() == null) {
      return Future.succeededFuture(Reply.problem(Category.BAD_REQUEST,
          "the body must be a JSON object {\"items\": [{\"productId\": \"1\", \"quantity\": 1}]}"));
    }
    order.put("userId", r.principal().subject());
    MultiMap h = HttpHeaders.headers().set(HttpHeaders.CONTENT_TYPE, "application/json");
    return r.upstream("orders").send(HttpMethod.POST, "/orders", h, order.toBuffer()).compose(resp -> {
      if (resp.status() >= 500) {
        return Future.failedFuture(new UpstreamException("orders", Category.ERROR, resp.status()));
      }
      Reply reply = new Reply(resp.status(), HttpHeaders.headers().set(HttpHeaders.CONTENT_TYPE,
          resp.headers().get(HttpHeaders.CONTENT_TYPE) == null ? "application/json"
              : resp.headers().get(HttpHeaders.CONTENT_TYPE)), resp.body());
      if (resp.status() == 201) {
        reply.header("Location", "/api/orders/" + resp.json().getString("id"));
      }
      return Future.succeededFuture(reply); // a 4xx is the service's word on the order (e.g. an unknown product)
    });
  }
}
