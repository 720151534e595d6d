package dev.bff.common.upstream;

import dev.bff.common.routing.Category;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;

/** Calls from a Java endpoint to one upstream, carrying the client request's id. */
public final class UpstreamCalls {
  private final UpstreamClient client;
  private final String requestId;
  private final Future<Void> cancel;

  /** Wraps this event loop's pool for an upstream. */
  public UpstreamCalls(UpstreamClient client) {
    this(client, null);
  }

  private UpstreamCalls(UpstreamClient client, String requestId) {
    this(client, requestId, null);
  }

  private UpstreamCalls(UpstreamClient client, String requestId, Future<Void> cancel) {
    this.client = client;
    this.requestId = requestId;
    this.cancel = cancel;
  }

  /** The same calls, reset (their connections closed) when {@code signal} completes before they end. */
  public UpstreamCalls withCancel(Future<Void> signal) {
    return new UpstreamCalls(client, requestId, signal);
  }

  /** The same calls, sending {@code X-Request-Id: id}. */
  public UpstreamCalls withRequestId(String id) {
    return new UpstreamCalls(client, id);
  }

  /** The upstream's name. */
  public String name() {
    return client.group().name();
  }

  /** Sends a request and returns the whole response, whatever its status. */
  public Future<UpstreamResponse> send(HttpMethod method, String uri, MultiMap headers, Buffer body) {
    MultiMap h = headers == null ? HttpHeaders.headers() : headers;
    if (requestId != null) {
      h.set("x-request-id", requestId);
    }
    if (method != HttpMethod.GET || body != null) {
      return client.call(method, uri, h, body, cancel);
    }
    return client.group().shared().join(key(uri, h), cancel, c -> client.call(method, uri, h, body, c));
  }

  /** Identical GETs: same URI and the same headers, the per-request id aside. */
  private static String key(String uri, MultiMap headers) {
    if (headers.isEmpty() || (headers.size() == 1 && headers.contains("x-request-id"))) {
      return uri;
    }
    java.util.TreeMap<String, String> sorted = new java.util.TreeMap<>();
    for (java.util.Map.Entry<String, String> e : headers) {
      String name = e.getKey().toLowerCase(java.util.Locale.ROOT);
      if (!name.equals("x-request-id")) {
        sorted.merge(name, e.getValue(), (a, b) -> a + "," + b);
      }
    }
    return uri + "\n" + sorted;
  }

  /** GETs {@code uri} and returns the whole response, whatever its status. */
  public Future<UpstreamResponse> get(String uri) {
    return send(HttpMethod.GET, uri, null, null);
  }

  /**
   * GETs {@code uri} and parses a JSON object; a 404 fails with category NOT_FOUND, any other
   * non-2xx status or a body that is not a JSON object with ERROR.
   */
  public Future<JsonObject> getJson(String uri) {
    return get(uri).compose(r -> {
      if (r.status() == 404) {
        return Future.failedFuture(new UpstreamException(name(), Category.NOT_FOUND, 404));
      }
      if (!r.ok()) {
        return Future.failedFuture(new UpstreamException(name(), Category.ERROR, r.status()));
      }
      try {
        return Future.succeededFuture(r.json());
      } catch (RuntimeException e) {
        return Future.failedFuture(new UpstreamException(name(), Category.ERROR, r.status()));
      }
    });
  }
}
