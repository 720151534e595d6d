package dev.bff.common.routing;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One client request in flight: the request and response, its id, the route it matched, and what
 * the access log reports when it completes.
 */
public final class Exchange {
  private final HttpServerRequest request;
  private final HttpServerResponse response;
  private final String requestId;
  private final String path;
  private final long startNanos;
  private Route route;
  private PathMatch match;
  private Set<HttpMethod> allowed = Set.of();
  private String upstream;
  private Category category;
  private dev.bff.common.auth.Principal principal;
  private boolean completed;
  private io.vertx.core.Handler<Void> clientCloseListener;
  private io.vertx.core.buffer.Buffer body;
  private dev.bff.common.observability.RequestTrace trace;
  private dev.bff.common.observability.RouteMeters meters;
  private String rateLimit;
  private final Consumer<Exchange> onComplete;

  /** Starts an exchange; {@code onComplete} runs once when the response ends or the connection closes. */
  public Exchange(HttpServerRequest request, String requestId, String path, Consumer<Exchange> onComplete) {
    this.request = request;
    this.response = request.response();
    this.requestId = requestId;
    this.path = path;
    this.startNanos = System.nanoTime();
    this.onComplete = onComplete;
    if (onComplete != null) {
      response.endHandler(v -> complete(onComplete));
    }
    response.closeHandler(v -> {
      if (clientCloseListener != null) {
        clientCloseListener.handle(null);
      }
      if (onComplete != null) {
        complete(onComplete);
      }
    });
  }

  /** Runs {@code listener} if the client connection closes before the response ends. */
  public void onClientClose(io.vertx.core.Handler<Void> listener) {
    this.clientCloseListener = listener;
  }

  /**
   * The request became a WebSocket (101 sent): the exchange completes now, its connection living on
   * as a tunnel that neither ends nor closes the response.
   */
  public void upgraded() {
    if (onComplete != null) {
      complete(onComplete);
    }
  }

  private void complete(Consumer<Exchange> onComplete) {
    if (!completed) {
      completed = true;
      onComplete.accept(this);
    }
  }

  /** The client request. */
  public HttpServerRequest request() {
    return request;
  }

  /** The client response. */
  public HttpServerResponse response() {
    return response;
  }

  /** The request id (from {@code X-Request-Id} or generated). */
  public String requestId() {
    return requestId;
  }

  /** The raw request path. */
  public String path() {
    return path;
  }

  /** {@link System#nanoTime()} when the request arrived. */
  public long startNanos() {
    return startNanos;
  }

  /** The matched route, or null. */
  public Route route() {
    return route;
  }

  /** What the route's path pattern captured, or null. */
  public PathMatch match() {
    return match;
  }

  void match(Route r, PathMatch m) {
    this.route = r;
    this.match = m;
  }

  /** Methods the path allows when the method did not match (for 405). */
  public Set<HttpMethod> allowedMethods() {
    return allowed;
  }

  void allowedMethods(Set<HttpMethod> m) {
    this.allowed = m;
  }

  /** The upstream that served the request, or null. */
  public String upstream() {
    return upstream;
  }

  /** Records which upstream serves the request. */
  public void upstream(String name) {
    this.upstream = name;
  }

  /**
   * The request body when it was read before the target served (a route or endpoint with
   * {@code body-check}), or null when it is still to be read from the request.
   */
  public io.vertx.core.buffer.Buffer body() {
    return body;
  }

  /** Records the request body read ahead of the target. */
  public void body(io.vertx.core.buffer.Buffer b) {
    this.body = b;
  }

  /** Who made the request (from a verified token), or null on a public route. */
  public dev.bff.common.auth.Principal principal() {
    return principal;
  }

  /** Records who made the request. */
  public void principal(dev.bff.common.auth.Principal p) {
    this.principal = p;
  }

  /** The request's trace (ids, and spans when they are exported), or null when tracing is off. */
  public dev.bff.common.observability.RequestTrace trace() {
    return trace;
  }

  /** Records the request's trace. */
  public void trace(dev.bff.common.observability.RequestTrace t) {
    this.trace = t;
  }

  /** The meters of the matched route, or null (metrics off, or no route matched). */
  public dev.bff.common.observability.RouteMeters meters() {
    return meters;
  }

  /** Records the matched route's meters. */
  public void meters(dev.bff.common.observability.RouteMeters m) {
    this.meters = m;
  }

  /** What the rate limits decided ({@code allowed}, {@code limited}, {@code unavailable}), or null when none applied. */
  public String rateLimit() {
    return rateLimit;
  }

  /** Records what the rate limits decided (for the access log). */
  public void rateLimit(String outcome) {
    this.rateLimit = outcome;
  }

  /** The category of a gateway-made error, or null when the upstream (or endpoint) answered. */
  public Category category() {
    return category;
  }

  /** Records the category of a gateway-made answer written by an endpoint (for the access log). */
  public void category(Category c) {
    if (category == null) {
      category = c;
    }
  }

  /** Whether the client connection closed before the response ended. */
  public boolean aborted() {
    return !response.ended();
  }

  /** Answers with a problem+json of the given category (or cuts the response if it has begun). */
  public io.vertx.core.Future<Void> fail(Category c, String detail) {
    if (category == null) {
      category = c;
    }
    return Problem.send(response, c, detail, path, requestId);
  }

  /**
   * Answers a problem before the request body was read: an HTTP/1.x body the client is still
   * sending makes the connection unusable, so it is closed after the answer.
   */
  public io.vertx.core.Future<Void> refuse(Category c, String detail) {
    boolean unread = request.version() != io.vertx.core.http.HttpVersion.HTTP_2 && !request.isEnded()
        && dev.bff.common.proxy.Bodies.hasBody(request);
    if (unread) {
      response.putHeader(io.vertx.core.http.HttpHeaders.CONNECTION, "close");
    }
    io.vertx.core.Future<Void> sent = fail(c, detail);
    if (unread) {
      sent.onComplete(v -> request.connection().close());
    }
    return sent;
  }

  /**
   * Before an answer the gateway gives without reading the request body (a static file, a
   * redirect): when an HTTP/1.x body is still to come, the answer says {@code Connection: close}
   * and the connection is closed once it is written, since what follows on it could not be told
   * apart from the body.
   *
   * @return whether the connection will be closed
   */
  public boolean closeIfBodyUnread() {
    boolean unread = request.version() != io.vertx.core.http.HttpVersion.HTTP_2 && !request.isEnded()
        && dev.bff.common.proxy.Bodies.hasBody(request);
    if (unread) {
      response.putHeader(io.vertx.core.http.HttpHeaders.CONNECTION, "close");
      response.bodyEndHandler(v -> request.connection().close());
    }
    return unread;
  }

  /**
   * Hands {@code f} to {@code then} on this request's event loop: at once when it is complete, else
   * when it completes (a body arriving meanwhile is paused; the target that reads it resumes it).
   */
  public <T> void whenDone(io.vertx.core.Future<T> f, Consumer<io.vertx.core.Future<T>> then) {
    if (f.isComplete()) {
      then.accept(f);
      return;
    }
    if (dev.bff.common.proxy.Bodies.hasBody(request)) {
      request.pause();
    }
    io.vertx.core.Context ctx = io.vertx.core.Vertx.currentContext();
    f.onComplete(ar -> {
      if (io.vertx.core.Vertx.currentContext() == ctx) {
        then.accept(f);
      } else {
        ctx.runOnContext(v -> then.accept(f));
      }
    });
  }
}
