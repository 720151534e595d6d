package dev.bff.common.testing;

import dev.bff.common.testing.BffUnderTest.Response;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A keep-alive HTTP client for a gateway port that issues every request on one Vert.x context
 * and bounds every wait. Requests made straight from the test thread get a new context each,
 * and in Vert.x 5.0.7 a response whose end is handled on the connection's event loop before
 * {@code body()} runs on the request's context is lost (eclipse-vertx/vert.x#6038): the body
 * future never completes, about once in a few thousand requests. On one context that cannot happen.
 */
public final class TestClient implements AutoCloseable {
  /** How long {@link #send} waits for a whole response. */
  public static final Duration WAIT = Duration.ofSeconds(60);

  private final Context context;
  private final HttpClient client;
  private final int port;

  private TestClient(Vertx vertx, int port) {
    this.context = vertx.getOrCreateContext();
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true));
    this.port = port;
  }

  /** A client for {@code 127.0.0.1:port}. */
  public static TestClient of(Vertx vertx, int port) {
    return new TestClient(vertx, port);
  }

  /** Sends a request on the client's context; the future completes with the whole response. */
  public Future<Response> sendAsync(HttpMethod method, String uri, Map<String, String> headers, Buffer body) {
    Promise<Response> p = Promise.promise();
    context.runOnContext(v -> {
      RequestOptions o = new RequestOptions().setMethod(method).setURI(uri).setHost("127.0.0.1").setPort(port);
      headers.forEach(o::putHeader);
      client.request(o)
          .compose(req -> body == null ? req.send() : req.send(body))
          .compose(resp -> resp.body().map(b -> new Response(resp.statusCode(), resp.headers(), b)))
          .onComplete(p);
    });
    return p.future();
  }

  /** Sends a request and waits (on the test thread) for the whole response, at most {@link #WAIT}. */
  public Response send(HttpMethod method, String uri, Map<String, String> headers, Buffer body) {
    return await(sendAsync(method, uri, headers, body), method + " " + uri);
  }

  /** GETs {@code uri}. */
  public Response get(String uri) {
    return send(HttpMethod.GET, uri, Map.of(), null);
  }

  /** GETs {@code uri} with headers. */
  public Response get(String uri, Map<String, String> headers) {
    return send(HttpMethod.GET, uri, headers, null);
  }

  /** Waits on the test thread for {@code f}, at most {@link #WAIT}, failing the test when it takes longer. */
  public static <T> T await(Future<T> f, String what) {
    try {
      return f.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no answer within " + WAIT.toSeconds() + " s: " + what, e);
    }
  }

  @Override
  public void close() {
    await(client.close(), "closing the test client");
  }
}
