package dev.bff.common.upstream;

import dev.bff.common.config.UpstreamConfig;
import dev.bff.common.config.UpstreamProtocol;
import dev.bff.common.observability.CallSpan;
import dev.bff.common.resilience.Breaker;
import dev.bff.common.routing.Category;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One event loop's connection pool to an upstream, over the group's shared instances and
 * balancer. The reverse proxy streams through {@link #client()}; Java endpoints use
 * {@link #call}.
 */
public final class UpstreamClient {
  private static final Logger LOG = LoggerFactory.getLogger(UpstreamClient.class);

  private final UpstreamGroup group;
  private final HttpClient client;
  private final HttpClient fresh;
  private final Vertx vertx;
  private dev.bff.common.grpc.GrpcCaller grpc;
  private WebSocketClient webSockets;
  private final boolean http2; // h2: whether a connection agreed on HTTP/1.1 instead is worth a warning
  private boolean downgradeLogged;

  /** Creates the pool; call from the event loop (verticle) that will use it. */
  public UpstreamClient(Vertx vertx, UpstreamGroup group) {
    this.group = group;
    this.vertx = vertx;
    UpstreamConfig c = group.config();
    HttpClientOptions options = new HttpClientOptions()
        .setName("upstream-" + c.name())
        .setKeepAlive(true)
        .setKeepAliveTimeout((int) Math.max(1, c.keepAlive().toSeconds()))
        .setIdleTimeout((int) Math.max(1, c.idleTimeout().toSeconds()))
        .setConnectTimeout((int) c.connectTimeout().toMillis())
        .setTcpNoDelay(true)
        .setDecompressionSupported(false)
        .setMaxHeaderSize(ProtocolOptions.MAX_HEADER_BYTES)
        .setMaxInitialLineLength(16 * 1024);
    ProtocolOptions.configure(options, c);
    if (group.tls() != null) {
      group.tls().configure(options);
    }
    PoolOptions pool = ProtocolOptions.pool(c, c.pool(), c.queue());
    this.client = vertx.httpClientBuilder().with(options).with(pool).build();
    // retries go out on new connections: when a backend's idle timeout closed one pooled
    // connection, the others that went idle with it are likely being closed too. HTTP/2 knows no
    // Connection: close; its retry connections close once idle for a second instead
    this.fresh = vertx.httpClientBuilder().with(new HttpClientOptions(options).setKeepAlive(false)
        .setHttp2KeepAliveTimeout(1)).with(pool).build();
    this.http2 = c.protocol() == UpstreamProtocol.H2;
  }

  /** The shared group (instances, balancer, outlier state). */
  public UpstreamGroup group() {
    return group;
  }

  /** The underlying Vert.x client (this event loop's pool). */
  public HttpClient client() {
    return client;
  }

  /**
   * A client for retries, apart from the pool that just failed: HTTP/1.1 opens a new connection for
   * every request (closed after it); HTTP/2 closes its connections after a second without streams.
   */
  public HttpClient freshClient() {
    return fresh;
  }

  /** This event loop's gRPC calls to the upstream (its HTTP/2 connections open on first use). */
  public dev.bff.common.grpc.GrpcCaller grpc() {
    if (grpc == null) {
      grpc = new dev.bff.common.grpc.GrpcCaller(vertx, group);
    }
    return grpc;
  }

  /**
   * This event loop's WebSocket client to the upstream, created on first use with decoders taking
   * frames of up to {@code maxFrameSize} bytes (the same for every call: the gateway's decoder limit,
   * fixed at start). It opens one connection per tunnel, none pooled or queued, with TLS to
   * {@code https://} instances as the upstream's {@code tls} says.
   */
  public WebSocketClient webSockets(int maxFrameSize) {
    if (webSockets == null) {
      UpstreamConfig c = group.config();
      WebSocketClientOptions o = new WebSocketClientOptions()
          .setName("upstream-ws-" + c.name())
          .setConnectTimeout((int) c.connectTimeout().toMillis())
          .setTcpNoDelay(true)
          .setMaxFrameSize(maxFrameSize)
          .setMaxMessageSize(maxFrameSize)
          // a tunnel holds its connection for its whole life: one waiting for another to end makes no sense
          // (and -1, "disabled", makes Vert.x 5.0.7 queue every connection)
          .setMaxConnections(Integer.MAX_VALUE);
      if (group.tls() != null) {
        group.tls().configure(o);
      }
      webSockets = vertx.createWebSocketClient(o);
    }
    return webSockets;
  }

  /**
   * Fits a request just created by {@link #client()} or {@link #freshClient()} to the protocol its
   * connection speaks (see {@link Http2Head}); the first time an h2 upstream's ALPN chose HTTP/1.1
   * instead, a warning is logged.
   */
  public HttpClientRequest prepare(HttpClientRequest req) {
    if (req.version() == HttpVersion.HTTP_2) {
      return Http2Head.adapt(req);
    }
    if (http2 && !downgradeLogged) {
      downgradeLogged = true;
      LOG.warn("upstream {} is configured for h2 but {} agreed on {} through ALPN: speaking HTTP/1.1 to it",
          group.name(), req.connection().remoteAddress(), req.version());
    }
    return req;
  }

  /** Closes this event loop's connections. */
  public Future<Void> close() {
    return Future.join(client.close(), fresh.close(), grpc == null ? Future.succeededFuture() : grpc.close(),
        webSockets == null ? Future.succeededFuture() : webSockets.close()).mapEmpty();
  }

  /**
   * Sends a request and reads the whole response, with the upstream's balancing, response timeout,
   * outlier accounting and retries (idempotent methods only). Upstream 5xx responses are returned,
   * not failed; connection failures fail with an {@link UpstreamException}.
   */
  public Future<UpstreamResponse> call(HttpMethod method, String uri, MultiMap headers, Buffer body) {
    return call(method, uri, headers, body, null);
  }

  /**
   * Like {@link #call(HttpMethod, String, MultiMap, Buffer)}; when {@code cancel} completes first,
   * the upstream request is reset (its connection closed) and the call fails.
   */
  public Future<UpstreamResponse> call(HttpMethod method, String uri, MultiMap headers, Buffer body,
      Future<Void> cancel) {
    return call(method, uri, headers, body, cancel, null);
  }

  /**
   * Like {@link #call(HttpMethod, String, MultiMap, Buffer, Future)}, telling {@code span} (may be
   * null) about retries; the caller has put its {@code traceparent} in {@code headers}.
   */
  public Future<UpstreamResponse> call(HttpMethod method, String uri, MultiMap headers, Buffer body,
      Future<Void> cancel, CallSpan span) {
    Breaker.Ticket ticket = null;
    if (group.breaker() != null) {
      ticket = group.breaker().tryAcquire();
      if (ticket == null) {
        group.meters().rejected(Category.CIRCUIT_OPEN);
        return Future.failedFuture(new UpstreamException(group.name(), Category.CIRCUIT_OPEN, 0));
      }
    }
    Promise<UpstreamResponse> p = Promise.promise();
    group.retryBudget().onRequest();
    attempt(new Call(method, uri, headers, body, cancel, span), new Instance[group.config().retry().attempts()], 0, p);
    if (ticket != null) {
      Breaker.Ticket t = ticket;
      p.future().onComplete(ar -> report(t, ar.succeeded() ? ar.result() : null, ar.cause(), cancel));
    }
    return p.future();
  }

  /** Tells the circuit breaker how a call ended (after its retries). */
  private static void report(Breaker.Ticket t, UpstreamResponse r, Throwable failure, Future<Void> cancel) {
    if (r != null) {
      if (r.status() >= 500) {
        t.failure();
      } else {
        t.success();
      }
    } else if (cancel != null && cancel.isComplete()) {
      t.neutral(); // we gave up on it
    } else if (failure instanceof UpstreamException u && Failures.upstreamFault(u.category())) {
      t.failure();
    } else {
      t.neutral();
    }
  }

  private record Call(HttpMethod method, String uri, MultiMap headers, Buffer body, Future<Void> cancel,
      CallSpan span) {}

  private void attempt(Call call, Instance[] tried, int tries, Promise<UpstreamResponse> p) {
    HttpMethod method = call.method();
    String uri = call.uri();
    MultiMap headers = call.headers();
    Buffer body = call.body();
    if (call.cancel() != null && call.cancel().isComplete()) {
      p.fail(new UpstreamException(group.name(), Category.ERROR, 0));
      return;
    }
    Instance inst = group.pick(tried, tries);
    if (inst == null) {
      group.meters().rejected(Category.UNAVAILABLE);
      p.fail(new UpstreamException(group.name(), Category.UNAVAILABLE, 0));
      return;
    }
    inst.inFlight.incrementAndGet();
    long sent = System.nanoTime();
    UpstreamConfig c = group.config();
    RequestOptions o = new RequestOptions().setServer(inst.address()).setHost(inst.host()).setPort(inst.port())
        .setSsl(inst.ssl()).setMethod(method).setURI(uri).setIdleTimeout(c.responseTimeout().toMillis());
    if (headers != null) {
      o.setHeaders(headers);
    }
    inst.bracketHost(o);
    if (group.tls() != null) {
      group.tls().withServerName(o, inst);
    }
    (tries > 0 ? fresh : client).request(o)
        .compose(req -> {
          if (call.cancel() != null) {
            // failures reach us through the response future; without a handler, our own reset is logged as an error
            req.exceptionHandler(t -> { });
            call.cancel().onComplete(v -> req.reset()); // a no-op once the response has ended
          }
          prepare(req);
          return body == null ? req.send() : req.send(body);
        })
        .compose(resp -> resp.body().map(b -> new UpstreamResponse(resp.statusCode(), resp.headers(), b)))
        .onComplete(ar -> {
          inst.inFlight.decrementAndGet();
          boolean idempotent = Methods.idempotent(method);
          if (ar.succeeded()) {
            UpstreamResponse r = ar.result();
            group.meters().answered(r.status(), sent);
            if (r.status() >= 500) {
              group.onFailure(inst);
              if (idempotent && tries < c.retry().attempts() && c.retry().onStatus().contains(r.status())
                  && group.retryBudget().tryRetry()) {
                tried[tries] = inst;
                retried(call);
                attempt(call, tried, tries + 1, p);
                return;
              }
            } else {
              group.onSuccess(inst);
            }
            p.complete(r);
            return;
          }
          if (call.cancel() != null && call.cancel().isComplete()) { // we gave up on it: not the instance's fault
            group.meters().cancelled(sent);
            p.fail(new UpstreamException(group.name(), Category.ERROR, 0));
            return;
          }
          Category cat = Failures.classify(ar.cause());
          group.meters().failed(cat, sent);
          if (cat != Category.UNAVAILABLE) { // a full local pool says nothing about the instance
            group.onFailure(inst);
          }
          if (idempotent && Failures.retryable(cat) && tries < c.retry().attempts() && group.retryBudget().tryRetry()) {
            tried[tries] = inst;
            retried(call);
            attempt(call, tried, tries + 1, p);
            return;
          }
          p.fail(new UpstreamException(group.name(), cat, 0));
        });
  }

  private static void retried(Call call) {
    if (call.span() != null) {
      call.span().retried();
    }
  }
}
