package dev.bff.common.proxy;

import dev.bff.common.config.HeaderOps;
import dev.bff.common.config.RouteConfig;
import dev.bff.common.config.ServerConfig;
import dev.bff.common.routing.Exchange;
import dev.bff.common.routing.PathMatch;
import dev.bff.common.routing.Target;
import dev.bff.common.upstream.UpstreamClient;
import dev.bff.common.upstream.UpstreamResponse;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.HostAndPort;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

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
        route.requestHeaders(), route.responseHeaders(), BodyTransform.of(route.transform()));
    this.deadlines = new Deadlines(vertx, timeout);
  }

  @Override
  public void serve(Exchange ex) {
    serve(ex, null, null);
  }

  /**
   * Serves the exchange with {@code tap} watching the response (the response cache), or none when
   * null; when {@code conditional} is not null it replaces the client's {@code If-None-Match} and
   * {@code If-Modified-Since} (empty: the cache wants a whole response). With request edits
   * ({@code transform.request}) a JSON body is read and edited first.
   */
  public void serve(Exchange ex, ResponseTap tap, MultiMap conditional) {
    if (settings.transform() == null) {
      new ProxyCall(ex, pick(), uri(ex), forwarding, settings, deadlines, tap, conditional).start();
      return;
    }
    RequestEdit.run(ex, settings.transform(), settings.server().limits().maxBodySize(),
        () -> new ProxyCall(ex, pick(), uri(ex), forwarding, settings, deadlines, tap, conditional).start(),
        () -> {
          if (tap != null) {
            tap.abort();
          }
        });
  }

  /**
   * The exchange's request, to be sent upstream again later on the cache's behalf, reading the whole
   * answer (a background refresh: the client has its answer already). The request's headers are read
   * now; each call of the supplier sends it. The upstream's own balancing, breaker, response timeout
   * and retries apply; the answer's headers are as the upstream sent them, unless the route edits
   * answers: then the answer is edited as a client's would be (a body that cannot be is a failure).
   */
  public Supplier<Future<UpstreamResponse>> refresher(Exchange ex, MultiMap conditional) {
    HttpServerRequest req = ex.request();
    HostAndPort authority = req.authority();
    MultiMap headers = HttpHeaders.headers().addAll(forwarding.upstreamHeaders(req, ex.requestId()));
    if (settings.preserveHost() && authority != null) {
      headers.set(HttpHeaders.HOST, authority.toString());
    }
    HeaderEdits.apply(settings.requestOps(), headers);
    BodyTransform transform = settings.transform();
    if (transform != null) {
      transform.prepare(headers);
    }
    headers.remove(HttpHeaders.IF_NONE_MATCH).remove(HttpHeaders.IF_MODIFIED_SINCE).remove(HttpHeaders.CONTENT_LENGTH)
        .remove(HttpHeaders.TRANSFER_ENCODING);
    if (conditional != null) {
      headers.addAll(conditional);
    }
    String uri = uri(ex);
    if (transform == null || !transform.editsAnswers()) {
      return () -> primary.call(HttpMethod.GET, uri, headers, null);
    }
    return () -> primary.call(HttpMethod.GET, uri, headers, null).compose(r -> {
      try {
        return Future.succeededFuture(transform.editAnswer(r, HttpMethod.GET));
      } catch (BodyTransform.NotJson e) {
        WholeResponse.log(route.id(), route.upstream(), ex.requestId(), e);
        return Future.failedFuture(e);
      }
    });
  }

  /**
   * Sends a copy of the exchange's request to {@code shadow} (traffic mirroring): the same method,
   * upstream path and headers as the real request, {@code body} (null: none), and
   * {@code X-Shadow-Request: true}; the whole answer is read (the caller drops it). The shadow's own
   * balancing, breaker, response timeout and retries apply.
   */
  public Future<UpstreamResponse> shadow(Exchange ex, UpstreamClient shadow, io.vertx.core.buffer.Buffer body) {
    HttpServerRequest req = ex.request();
    HostAndPort authority = req.authority();
    MultiMap headers = HttpHeaders.headers().addAll(forwarding.upstreamHeaders(req, ex.requestId()));
    if (settings.preserveHost() && authority != null) {
      headers.set(HttpHeaders.HOST, authority.toString());
    }
    HeaderEdits.apply(settings.requestOps(), headers);
    headers.remove(HttpHeaders.CONTENT_LENGTH).remove(HttpHeaders.TRANSFER_ENCODING).set("x-shadow-request", "true");
    return shadow.call(req.method(), uri(ex), headers, body);
  }

  /**
   * The headers of an upstream response as a client of this route gets them (hop-by-hop removed, edits
   * applied); an answer of a route with response edits comes here already edited.
   */
  public MultiMap clientHeaders(MultiMap upstream, HttpVersion version) {
    MultiMap out = HttpHeaders.headers();
    ResponseHead.filter(upstream, out, version, settings);
    return out;
  }

  /** The route's configuration. */
  public RouteConfig route() {
    return route;
  }

  private UpstreamClient pick() {
    if (canary != null && ThreadLocalRandom.current().nextDouble(100.0) < canaryWeight) {
      return canary;
    }
    return primary;
  }

  private String uri(Exchange ex) {
    PathMatch m = ex.match();
    return rewrite.apply(ex.path(), m, ex.request().query(), ex.principal());
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
    if (settings.transform() != null) {
      sb.append(' ').append(settings.transform());
    }
    return sb.toString();
  }

  /** Per-route settings a {@link ProxyCall} needs, computed once; {@code transform} is null without body edits. */
  record ProxySettings(ServerConfig server, boolean preserveHost, long responseTimeoutMs,
      HeaderOps requestOps, HeaderOps responseOps, BodyTransform transform) {}
}
