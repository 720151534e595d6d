package dev.bff.common.upstream;

import dev.bff.common.observability.CallSpan;
import dev.bff.common.observability.RequestTrace;
import dev.bff.common.routing.Category;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;

/**
 * Calls from a Java endpoint to one upstream, carrying the client request's id and trace context
 * ({@code traceparent}: a client span of their own, or the endpoint part's they are made for).
 */
public final class UpstreamCalls {
  private final UpstreamClient client;
  private final String requestId;
  private final Future<Void> cancel;
  private final MultiMap identity; // headers every call carries (the caller's identity), or null
  private final RequestTrace trace; // each call a client span of this trace; or null
  private final CallSpan span; // every call under this span (an endpoint part's); or null
  private final dev.bff.common.grpc.GrpcServices grpc;
  private final long deadline; // System.nanoTime() by which calls must end (gRPC's grpc-timeout), or 0

  /** Wraps this event loop's pool for an upstream. */
  public UpstreamCalls(UpstreamClient client) {
    this(client, dev.bff.common.grpc.GrpcServices.NONE);
  }

  /** Wraps this event loop's pool for an upstream, calling gRPC methods {@code grpc} describes. */
  public UpstreamCalls(UpstreamClient client, dev.bff.common.grpc.GrpcServices grpc) {
    this(client, null, null, null, null, null, grpc, 0);
  }

  private UpstreamCalls(UpstreamClient client, String requestId, Future<Void> cancel, MultiMap identity,
      RequestTrace trace, CallSpan span, dev.bff.common.grpc.GrpcServices grpc, long deadline) {
    this.client = client;
    this.requestId = requestId;
    this.cancel = cancel;
    this.identity = identity;
    this.trace = trace;
    this.span = span;
    this.grpc = grpc;
    this.deadline = deadline;
  }

  /** The same calls, reset (their connections closed) when {@code signal} completes before they end. */
  public UpstreamCalls withCancel(Future<Void> signal) {
    return new UpstreamCalls(client, requestId, signal, identity, trace, span, grpc, deadline);
  }

  /**
   * The same calls, which must end by {@code nanoTime} ({@link System#nanoTime()}): a gRPC call
   * tells the service so ({@code grpc-timeout}).
   */
  public UpstreamCalls withDeadline(long nanoTime) {
    return new UpstreamCalls(client, requestId, cancel, identity, trace, span, grpc, nanoTime);
  }

  /** The same calls, sending {@code X-Request-Id: id}. */
  public UpstreamCalls withRequestId(String id) {
    return new UpstreamCalls(client, id, cancel, identity, trace, span, grpc, deadline);
  }

  /** The same calls, each in a client span of {@code t} (null: no trace context is sent). */
  public UpstreamCalls withTrace(RequestTrace t) {
    return new UpstreamCalls(client, requestId, cancel, identity, t, span, grpc, deadline);
  }

  /** The same calls, all under {@code s} (an endpoint part's span, which its owner ends). */
  public UpstreamCalls withSpan(CallSpan s) {
    return new UpstreamCalls(client, requestId, cancel, identity, trace, s, grpc, deadline);
  }

  /**
   * The same calls, each carrying these headers (the caller's identity from a verified token); they
   * are part of what makes two calls identical, so calls for different users are never shared.
   */
  public UpstreamCalls withIdentity(MultiMap headers) {
    return new UpstreamCalls(client, requestId, cancel, headers == null || headers.isEmpty() ? null : headers, trace,
        span, grpc, deadline);
  }

  /**
   * Calls the unary gRPC method {@code method} ({@code package.Service/Method}, described by
   * {@code grpc.descriptor-sets}) with {@code request} as its message in proto3 JSON, and completes
   * with the response message as JSON. The call carries the request id, trace context and identity
   * like HTTP calls, and {@code grpc-timeout} with the time left before the deadline (else the
   * upstream's response timeout). Fails with a {@link dev.bff.common.grpc.GrpcCallException} for a
   * status other than OK (NOT_FOUND is a part's {@code not_found}, UNAVAILABLE {@code unavailable},
   * DEADLINE_EXCEEDED {@code timeout}), an {@link UpstreamException} when no answer came, or an
   * {@link IllegalArgumentException} for an unknown method or a request that does not fit it.
   */
  public Future<JsonObject> grpc(String method, JsonObject request) {
    dev.bff.common.grpc.GrpcMethod m = grpc.method(method);
    if (m == null) {
      return Future.failedFuture(new IllegalArgumentException("no unary gRPC method '" + method
          + "' in grpc.descriptor-sets (known: " + grpc.names() + ")"));
    }
    return grpc(m, request);
  }

  /** Calls a resolved gRPC method, like {@link #grpc(String, JsonObject)}. */
  public Future<JsonObject> grpc(dev.bff.common.grpc.GrpcMethod method, JsonObject request) {
    MultiMap h = HttpHeaders.headers();
    CallSpan s = stamp(h);
    long left = deadline == 0 ? client.group().config().responseTimeout().toMillis()
        : (deadline - System.nanoTime()) / 1_000_000;
    Future<JsonObject> f = client.grpc().call(method, request, h, left, cancel);
    if (span == null && s != null) { // its own span: ends with the call
      f.onComplete(ar -> s.end(ar.succeeded() ? "ok" : ar.cause() instanceof UpstreamException u
          ? CallSpan.outcome(u.category()) : "error", null, ar.succeeded() ? 200
          : ar.cause() instanceof UpstreamException u ? u.status() : 0));
    }
    return f;
  }

  /**
   * Puts what every call carries into {@code h} (the caller's identity, the request id, the trace
   * context) and returns the call's span: the part's, a new one of the trace, or null.
   */
  private CallSpan stamp(MultiMap h) {
    if (identity != null) {
      h.setAll(identity);
    }
    if (requestId != null) {
      h.set("x-request-id", requestId);
    }
    CallSpan s = span != null ? span : trace != null ? trace.call(name(), null) : null;
    if (s != null) {
      s.inject(h);
    }
    return s;
  }

  /** The upstream's name. */
  public String name() {
    return client.group().name();
  }

  /** Sends a request and returns the whole response, whatever its status. */
  public Future<UpstreamResponse> send(HttpMethod method, String uri, MultiMap headers, Buffer body) {
    MultiMap h = headers == null ? HttpHeaders.headers() : headers;
    CallSpan s = stamp(h);
    Future<UpstreamResponse> f;
    if (method != HttpMethod.GET || body != null) {
      f = client.call(method, uri, h, body, cancel, s);
    } else {
      f = client.group().shared().join(key(uri, h), cancel, c -> client.call(method, uri, h, body, c, s));
    }
    if (span == null && s != null) { // its own span: ends with the call
      f.onComplete(ar -> s.end(ar.succeeded() ? (ar.result().status() >= 500 ? "5xx" : "ok")
          : ar.cause() instanceof UpstreamException u ? CallSpan.outcome(u.category()) : "error", null,
          ar.succeeded() ? ar.result().status() : 0));
    }
    return f;
  }

  /** Identical GETs: same URI and the same headers, the per-request id and trace context aside. */
  private static String key(String uri, MultiMap headers) {
    int perRequest = (headers.contains("x-request-id") ? 1 : 0) + (headers.contains("traceparent") ? 1 : 0)
        + (headers.contains("tracestate") ? 1 : 0);
    if (headers.size() == perRequest) {
      return uri;
    }
    java.util.TreeMap<String, String> sorted = new java.util.TreeMap<>();
    for (java.util.Map.Entry<String, String> e : headers) {
      String name = e.getKey().toLowerCase(java.util.Locale.ROOT);
      if (!name.equals("x-request-id") && !name.equals("traceparent") && !name.equals("tracestate")) {
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
    return getJsonValue(uri, null).compose(v -> v instanceof JsonObject o ? Future.succeededFuture(o)
        : Future.failedFuture(new UpstreamException(name(), Category.ERROR, 200)));
  }

  /**
   * GETs {@code uri} with {@code headers} (may be null) and parses a JSON object or array; a 404
   * fails with category NOT_FOUND, any other non-2xx status or a body that is neither with ERROR.
   */
  public Future<Object> getJsonValue(String uri, MultiMap headers) {
    return send(HttpMethod.GET, uri, headers, null).compose(r -> {
      if (r.status() == 404) {
        return Future.failedFuture(new UpstreamException(name(), Category.NOT_FOUND, 404));
      }
      if (!r.ok()) {
        return Future.failedFuture(new UpstreamException(name(), Category.ERROR, r.status()));
      }
      try {
        Object v = io.vertx.core.json.Json.decodeValue(r.body());
        if (v instanceof JsonObject || v instanceof io.vertx.core.json.JsonArray) {
          return Future.succeededFuture(v);
        }
      } catch (RuntimeException e) {
        // not JSON: an error like any other broken answer
      }
      return Future.failedFuture(new UpstreamException(name(), Category.ERROR, r.status()));
    });
  }

  /**
   * GETs every URI in parallel (each shared with identical calls in flight) and collects the JSON
   * answers in order; URIs the upstream does not know (404) are left out, any other failure fails
   * the whole call. For dependent fan-outs such as the products of recommended ids.
   */
  public Future<io.vertx.core.json.JsonArray> getJsonEach(java.util.List<String> uris, MultiMap headers) {
    java.util.List<Future<Object>> calls = new java.util.ArrayList<>(uris.size());
    for (String uri : uris) {
      calls.add(getJsonValue(uri, headers == null ? null : HttpHeaders.headers().addAll(headers))
          .recover(t -> t instanceof UpstreamException u && u.category() == Category.NOT_FOUND
              ? Future.succeededFuture(null) : Future.failedFuture(t)));
    }
    return Future.all(calls).map(all -> {
      io.vertx.core.json.JsonArray out = new io.vertx.core.json.JsonArray();
      for (Future<Object> f : calls) {
        if (f.result() != null) {
          out.add(f.result());
        }
      }
      return out;
    });
  }
}
