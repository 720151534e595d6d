package dev.bff.common.proxy;

import dev.bff.common.config.HeaderOps;
import dev.bff.common.config.RouteConfig;
import dev.bff.common.config.ServerConfig;
import dev.bff.common.routing.Exchange;
import dev.bff.common.routing.PathMatch;
import dev.bff.common.routing.Target;
import dev.bff.common.upstream.UpstreamClient;
import io.vertx.core.Vertx;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A pass-through route compiled for one event loop: it rewrites the path, picks the upstream
 * (primary or canary by weight) and streams the exchange through a {@link ProxyCall}.
 */
public final class ProxyTarget implements Target {
  private final RouteConfig route;
  private final UpstreamClient primary;
  private final UpstreamClient canary;
  private final double canaryWeight;
  private final PathRewrite rewrite;
  private final Forwarding forwarding;
  private final ProxySettings settings;
  private final Deadlines deadlines;

  /**
   * Compiles a route.
   *
   * @param vertx      the Vert.x instance (timers run on the calling event loop)
   * @param route      the route's configuration
   * @param primary    this event loop's pool for the route's upstream
   * @param canary     the pool for the canary upstream, or null
   * @param forwarding forwarding-header policy
   * @param server     server settings (body limit, compression)
   */
  public ProxyTarget(Vertx vertx, RouteConfig route, UpstreamClient primary, UpstreamClient canary,
      Forwarding forwarding, ServerConfig server) {
    this.route = route;
    this.primary = primary;
    this.canary = canary;
    this.canaryWeight = route.canary() == null ? 0 : route.canary().weight();
    this.rewrite = PathRewrite.of(route);
    this.forwarding = forwarding;
    long timeout = (route.timeout() != null ? route.timeout() : primary.group().config().responseTimeout()).toMillis();
    this.settings = new ProxySettings(server, route.preserveHost(), timeout,
        route.requestHeaders(), route.responseHeaders());
    this.deadlines = new Deadlines(vertx, timeout);
  }

  @Override
  public void serve(Exchange ex) {
    UpstreamClient up = primary;
    if (canary != null && ThreadLocalRandom.current().nextDouble(100.0) < canaryWeight) {
      up = canary;
    }
    PathMatch m = ex.match();
    String uri = rewrite.apply(ex.path(), m, ex.request().query(), ex.principal());
    new ProxyCall(ex, up, uri, forwarding, settings, deadlines).start();
  }

  @Override
  public String describe() {
    StringBuilder sb = new StringBuilder("proxy upstream=").append(route.upstream());
    if (route.canary() != null) {
      sb.append(" canary=").append(route.canary().upstream()).append('@').append(route.canary().weight()).append('%');
    }
    sb.append(' ').append(rewrite);
    if (route.preserveHost()) {
      sb.append(" preserve-host");
    }
    sb.append(" timeout=").append(settings.responseTimeoutMs()).append("ms");
    if (!route.requestHeaders().isEmpty()) {
      sb.append(" request-headers{").append(route.requestHeaders()).append('}');
    }
    if (!route.responseHeaders().isEmpty()) {
      sb.append(" response-headers{").append(route.responseHeaders()).append('}');
    }
    return sb.toString();
  }

  /** Per-route settings a {@link ProxyCall} needs, computed once. */
  record ProxySettings(ServerConfig server, boolean preserveHost, long responseTimeoutMs,
      HeaderOps requestOps, HeaderOps responseOps) {}
}
