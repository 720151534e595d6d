package dev.bff.common.websocket;

import dev.bff.common.config.RouteConfig;
import dev.bff.common.config.WebSocketConfig;
import dev.bff.common.observability.WebSocketMeters;
import dev.bff.common.proxy.Forwarding;
import dev.bff.common.proxy.PathRewrite;
import dev.bff.common.proxy.ProxyTarget;
import dev.bff.common.routing.Exchange;
import dev.bff.common.routing.Target;
import dev.bff.common.upstream.UpstreamClient;
import io.vertx.core.Vertx;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A route with {@code websocket}, compiled for one event loop, inside its authentication and rate
 * limits: a WebSocket handshake opens a {@link Tunnel} to the route's upstream (or its canary, by
 * weight), at the path the route's {@code strip-prefix} or {@code rewrite} makes; any other request
 * goes to the route's plain target (its proxy, or the cache before it). {@link WebSocketGate} must
 * stand outside the chain.
 */
public final class WebSocketTarget implements Target {
  private final Target next;
  private final UpstreamClient primary;
  private final UpstreamClient canary;
  private final double canaryWeight;
  private final PathRewrite rewrite;
  private final Tunnel.Settings settings;

  /**
   * Compiles a route's tunnels.
   *
   * @param vertx        the Vert.x instance (idle timers run on the calling event loop)
   * @param next         what serves the route's other requests
   * @param proxy        the route's proxy: the upgrade's response headers are filtered as its responses'
   * @param primary      this event loop's pool for the route's upstream
   * @param canary       the pool for the canary upstream, or null
   * @param forwarding   forwarding-header policy
   * @param meters       the route's WebSocket meters
   * @param decoderLimit the largest frame the WebSocket decoders take ({@link WebSocketConfig#decoderLimit})
   */
  public WebSocketTarget(Vertx vertx, Target next, ProxyTarget proxy, UpstreamClient primary, UpstreamClient canary,
      Forwarding forwarding, WebSocketMeters meters, int decoderLimit) {
    RouteConfig route = proxy.route();
    this.next = next;
    this.primary = primary;
    this.canary = canary;
    this.canaryWeight = route.canary() == null ? 0 : route.canary().weight();
    this.rewrite = PathRewrite.of(route);
    long timeout = (route.timeout() != null ? route.timeout() : primary.group().config().responseTimeout()).toMillis();
    this.settings = new Tunnel.Settings(vertx, route.websocket(), proxy, forwarding, meters, decoderLimit, timeout);
  }

  @Override
  public void serve(Exchange ex) {
    if (!Handshake.requested(ex.request())) {
      next.serve(ex);
      return;
    }
    UpstreamClient client = canary != null && ThreadLocalRandom.current().nextDouble(100.0) < canaryWeight
        ? canary : primary;
    String uri = rewrite.apply(ex.path(), ex.match(), ex.request().query(), ex.principal());
    new Tunnel(ex, client, uri, settings).open();
  }

  @Override
  public String describe() {
    return settings.config() + " handshake-timeout=" + settings.handshakeTimeoutMs() + "ms, else " + next.describe();
  }
}
