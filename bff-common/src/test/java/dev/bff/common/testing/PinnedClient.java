package dev.bff.common.testing;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.Map;
import java.util.function.Function;

/**
 * An HTTP client whose calls all start on one Vert.x context. Vert.x 5.0.7's client, called
 * straight from the test thread, gives each call a new context, and a call that reuses a
 * keep-alive connection right after the previous response then hangs now and then (about one in
 * a thousand here); calls started on the connection's own context do not.
 */
public final class PinnedClient implements AutoCloseable {
  private final Context context;
  private final HttpClient client;

  private PinnedClient(Vertx vertx, HttpClient client) {
    this.context = vertx.getOrCreateContext();
    this.client = client;
  }

  /** A keep-alive HTTP/1.1 client. */
  public static PinnedClient create(Vertx vertx) {
    return new PinnedClient(vertx, vertx.createHttpClient());
  }

  /** A client with these options. */
  public static PinnedClient create(Vertx vertx, HttpClientOptions options) {
    return new PinnedClient(vertx, vertx.createHttpClient(options));
  }

  /** A client built elsewhere (e.g. with a connect handler), pinned to a new context. */
  public static PinnedClient of(Vertx vertx, HttpClient client) {
    return new PinnedClient(vertx, client);
  }

  /** Runs {@code call} on the pinned context and returns its result. */
  public <T> Future<T> call(Function<HttpClient, Future<T>> call) {
    Promise<T> p = Promise.promise();
    context.runOnContext(v -> call.apply(client).onComplete(p));
    return p.future();
  }

  /** Sends a request to {@code 127.0.0.1:port} on the pinned context; completes with the whole response. */
  public Future<BffUnderTest.Response> sendAsync(int port, HttpMethod method, String uri, Map<String, String> headers,
      Buffer body) {
    RequestOptions o = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(uri);
    headers.forEach(o::putHeader);
    return call(c -> c.request(o)
        .compose(req -> body == null ? req.send() : req.send(body))
        .compose(resp -> resp.body().map(b -> new BffUnderTest.Response(resp.statusCode(), resp.headers(), b))));
  }

  /** Sends a request to {@code 127.0.0.1:port} and reads the whole response (waits up to {@link TestClient#WAIT}). */
  public BffUnderTest.Response send(int port, HttpMethod method, String uri, Map<String, String> headers,
      Buffer body) {
    return TestClient.await(sendAsync(port, method, uri, headers, body), method + " " + uri);
  }

  /** GETs {@code uri} from {@code 127.0.0.1:port}. */
  public BffUnderTest.Response get(int port, String uri, Map<String, String> headers) {
    return send(port, HttpMethod.GET, uri, headers, null);
  }

  /** GETs {@code uri} from {@code 127.0.0.1:port}. */
  public BffUnderTest.Response get(int port, String uri) {
    return get(port, uri, Map.of());
  }

  @Override
  public void close() {
    client.close().await();
  }
}
