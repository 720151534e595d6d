package dev.bff.common.routing;

import dev.bff.common.upstream.UpstreamCalls;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * A request as a Java endpoint sees it: method, path parameters, query, headers, the whole body,
 * the request id, who made it, and calls to the BFF's upstreams (carrying the request id and the
 * caller's identity headers).
 */
public final class BffRequest {
  private final Exchange exchange;
  private final Buffer body;
  private final Function<String, UpstreamCalls> upstreams;
  private final long deadlineNanos;
  private final MultiMap identity;
  private MultiMap query;

  BffRequest(Exchange exchange, Buffer body, Function<String, UpstreamCalls> upstreams, long deadlineNanos,
      dev.bff.common.auth.IdentityHeaders identityHeaders) {
    this.exchange = exchange;
    this.body = body;
    this.upstreams = upstreams;
    this.deadlineNanos = deadlineNanos;
    if (exchange.principal() != null && !identityHeaders.isEmpty()) {
      this.identity = io.vertx.core.http.HttpHeaders.headers();
      identityHeaders.copy(exchange.request().headers(), identity);
    } else {
      this.identity = null;
    }
  }

  /** Who made the request (from a verified token), or null on a public endpoint. */
  public dev.bff.common.auth.Principal principal() {
    return exchange.principal();
  }

  /** When the endpoint's deadline passes, on the {@link System#nanoTime()} clock. */
  public long deadlineNanos() {
    return deadlineNanos;
  }

  /** The HTTP method. */
  public HttpMethod method() {
    return exchange.request().method();
  }

  /** The raw request URI (path and query). */
  public String uri() {
    return exchange.request().uri();
  }

  /** The raw path. */
  public String path() {
    return exchange.path();
  }

  /** A path parameter, percent-decoded, or null. */
  public String param(String name) {
    String raw = exchange.match() == null ? null : exchange.match().param(name);
    return raw == null ? null : URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** A query parameter (first value), decoded, or null. */
  public String query(String name) {
    if (query == null) {
      query = exchange.request().params();
    }
    return query.get(name);
  }

  /** A request header (first value), or null. */
  public String header(String name) {
    return exchange.request().getHeader(name);
  }

  /** All request headers. */
  public MultiMap headers() {
    return exchange.request().headers();
  }

  /** The whole request body (empty when none). */
  public Buffer body() {
    return body;
  }

  /** The request's trace (its id; spans when they are exported), or null when tracing is off. */
  public dev.bff.common.observability.RequestTrace trace() {
    return exchange.trace();
  }

  /** The meters of this endpoint (its parts' outcomes), or null when metrics are off. */
  public dev.bff.common.observability.RouteMeters meters() {
    return exchange.meters();
  }

  /** The request id, propagated to upstream calls. */
  public String requestId() {
    return exchange.requestId();
  }

  /**
   * Calls to the named upstream from this event loop's pool.
   *
   * @throws IllegalArgumentException when the BFF has no such upstream (a bug caught at start-up
   *     by the configuration cross-check in normal use)
   */
  public UpstreamCalls upstream(String name) {
    UpstreamCalls u = upstreams.apply(name);
    if (u == null) {
      throw new IllegalArgumentException("no upstream named '" + name + "'");
    }
    return u.withRequestId(exchange.requestId()).withIdentity(identity).withTrace(exchange.trace())
        .withDeadline(deadlineNanos);
  }
}
