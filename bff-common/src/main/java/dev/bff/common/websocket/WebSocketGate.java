package dev.bff.common.websocket;

import dev.bff.common.routing.Category;
import dev.bff.common.routing.Exchange;
import dev.bff.common.routing.Target;
import io.vertx.core.http.HttpServerRequest;

/**
 * The outside of a WebSocket route, before its authentication and rate limits: a request asking
 * for a WebSocket must be a valid handshake (else 400 problem+json, with
 * {@code Sec-WebSocket-Version: 13} when the version is the fault), and is paused so that its end
 * stays queued while those checks and the upstream's handshake run: Vert.x accepts an upgrade only
 * from a request not yet read to its end. Other requests pass untouched.
 */
public final class WebSocketGate implements Target {
  private final Target next;

  /** Guards {@code next}, the route's chain (authentication, rate limits, then its {@link WebSocketTarget}). */
  public WebSocketGate(Target next) {
    this.next = next;
  }

  @Override
  public void serve(Exchange ex) {
    HttpServerRequest req = ex.request();
    if (Handshake.requested(req)) {
      String bad = Handshake.problem(req);
      if (bad != null) {
        if (Handshake.unsupportedVersion(req)) { // RFC 6455 4.4: name the version the server speaks
          ex.response().putHeader(Handshake.VERSION_HEADER, Handshake.VERSION);
        }
        ex.refuse(Category.BAD_REQUEST, bad);
        return;
      }
      req.pause();
    }
    next.serve(ex);
  }

  @Override
  public String describe() {
    return next.describe();
  }
}
