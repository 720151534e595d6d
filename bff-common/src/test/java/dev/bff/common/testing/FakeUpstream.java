package dev.bff.common.testing;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small upstream for tests on a free port. By default it answers every request with JSON
 * describing it ({@code name}, method, uri, headers); a custom handler can be set at any time. It
 * records every request it saw, counts connections, and tracks the peak of requests in flight.
 */
public final class FakeUpstream implements AutoCloseable {
  private final String name;
  private final HttpServer server;
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger peak = new AtomicInteger();
  private volatile Handler<HttpServerRequest> handler;

  /** What the upstream received. */
  public record Seen(String method, String uri, MultiMap headers) {}

  private FakeUpstream(Vertx vertx, String name) {
    this(vertx, name, new HttpServerOptions());
  }

  private FakeUpstream(Vertx vertx, String name, HttpServerOptions options) {
    this.name = name;
    this.handler = this::describe;
    this.server = vertx.createHttpServer(options);
    server.connectionHandler(c -> connections.incrementAndGet());
    server.requestHandler(req -> {
      MultiMap copy = HttpHeaders.headers().addAll(req.headers());
      seen.add(new Seen(req.method().name(), req.uri(), copy));
      peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      req.response().endHandler(v -> inFlight.decrementAndGet());
      req.response().closeHandler(v -> {
        if (!req.response().ended()) {
          inFlight.decrementAndGet();
        }
      });
      handler.handle(req);
    });
  }

  /** Starts an upstream named {@code name} on a free loopback port. */
  public static FakeUpstream start(Vertx vertx, String name) {
    FakeUpstream u = new FakeUpstream(vertx, name);
    u.server.listen(0, "127.0.0.1").await();
    return u;
  }

  /**
   * Starts an upstream with server options (e.g. a short idle timeout) on {@code host:port}; port 0
   * picks a free one.
   */
  public static FakeUpstream start(Vertx vertx, String name, HttpServerOptions options, String host, int port) {
    FakeUpstream u = new FakeUpstream(vertx, name, options);
    u.server.listen(port, host).await();
    return u;
  }

  /** Replaces how requests are answered. */
  public FakeUpstream handler(Handler<HttpServerRequest> h) {
    this.handler = h;
    return this;
  }

  /** Answers every request with this status and a small JSON body naming the upstream. */
  public FakeUpstream status(int status) {
    return handler(req -> req.response().setStatusCode(status).putHeader("content-type", "application/json")
        .end(new JsonObject().put("name", name).put("status", status).encode()));
  }

  private void describe(HttpServerRequest req) {
    JsonObject headers = new JsonObject();
    for (Map.Entry<String, String> e : req.headers()) {
      headers.put(e.getKey().toLowerCase(), e.getValue());
    }
    req.body().onSuccess(b -> req.response().putHeader("content-type", "application/json")
        .end(new JsonObject().put("name", name).put("method", req.method().name()).put("uri", req.uri())
            .put("path", req.path()).put("bodySize", b.length()).put("headers", headers).encode()));
  }

  /** The upstream's name (part of every default answer). */
  public String name() {
    return name;
  }

  /** The bound port. */
  public int port() {
    return server.actualPort();
  }

  /** {@code http://127.0.0.1:PORT}. */
  public String url() {
    return "http://127.0.0.1:" + port();
  }

  /** Requests seen so far. */
  public List<Seen> seen() {
    return seen;
  }

  /** The number of requests seen. */
  public int count() {
    return seen.size();
  }

  /** Connections accepted so far. */
  public int connections() {
    return connections.get();
  }

  /** The largest number of requests that were in flight at once. */
  public int peakInFlight() {
    return peak.get();
  }

  /** Forgets what was seen. */
  public void reset() {
    seen.clear();
    peak.set(0);
  }

  /** Stops the server (later connections are refused). */
  @Override
  public void close() {
    server.close().await();
  }
}
