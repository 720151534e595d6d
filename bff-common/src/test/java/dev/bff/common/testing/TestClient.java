package dev.bff.common.testing;

import dev.bff.common.testing.BffUnderTest.Response;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link PinnedClient} bound to one gateway port, and the bounded wait every test helper uses.
 * Requests made straight from the test thread get a new context each, and in Vert.x 5.0.7 a
 * response whose end is handled on the connection's event loop before {@code body()} runs on the
 * request's context is lost (eclipse-vertx/vert.x#6038); on one context that cannot happen.
 */
public final class TestClient implements AutoCloseable {
  /** How long a helper waits for a whole response. */
  public static final Duration WAIT = Duration.ofSeconds(60);

  private final PinnedClient client;
  private final int port;

  private TestClient(Vertx vertx, int port) {
    this.client = PinnedClient.create(vertx);
    this.port = port;
  }

  /** A keep-alive client for {@code 127.0.0.1:port}. */
  public static TestClient of(Vertx vertx, int port) {
    return new TestClient(vertx, port);
  }

  /** Sends a request; the future completes with the whole response. */
  public Future<Response> sendAsync(HttpMethod method, String uri, Map<String, String> headers, Buffer body) {
    return client.sendAsync(port, method, uri, headers, body);
  }

  /** Sends a request and waits (on the test thread) for the whole response, at most {@link #WAIT}. */
  public Response send(HttpMethod method, String uri, Map<String, String> headers, Buffer body) {
    return client.send(port, method, uri, headers, body);
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
    client.close();
  }
}
