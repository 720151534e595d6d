package dev.bff.common.testing;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code n} GETs of one URI sent at once, each on its own connection, left in flight while the
 * test looks at the gateway (e.g. until they all wait on one upstream request), then awaited.
 */
public final class Burst implements AutoCloseable {
  private final HttpClient client;
  private final Future<List<BffUnderTest.Response>> all;

  private Burst(HttpClient client, Future<List<BffUnderTest.Response>> all) {
    this.client = client;
    this.all = all;
  }

  /** Sends the requests (from one context) and returns without waiting for them. */
  public static Burst start(Vertx vertx, int port, String uri, int n) {
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(n));
    Promise<List<BffUnderTest.Response>> p = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> {
      List<Future<BffUnderTest.Response>> rs = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        RequestOptions o = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port).setURI(uri);
        rs.add(client.request(o).compose(req -> req.send())
            .compose(resp -> resp.body().map(b -> new BffUnderTest.Response(resp.statusCode(), resp.headers(), b))));
      }
      Future.all(rs).map(c -> rs.stream().map(Future::result).toList()).onComplete(p);
    });
    return new Burst(client, p.future());
  }

  /** Waits for every response (a failed request fails the burst). */
  public List<BffUnderTest.Response> await() {
    return TestClient.await(all, "a burst of requests");
  }

  @Override
  public void close() {
    client.close().await();
  }
}
