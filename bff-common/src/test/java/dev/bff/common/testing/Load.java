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
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Concurrent GETs against a gateway: {@code total} requests with at most {@code concurrency} in
 * flight at once, each on its own pooled connection. For balancing and retry tests.
 */
public final class Load {
  private Load() {}

  /** Sends the requests and returns every response (in completion order); a failed request fails the whole run. */
  public static List<BffUnderTest.Response> get(Vertx vertx, int port, String uri, int total, int concurrency) {
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(concurrency));
    try {
      List<BffUnderTest.Response> out = Collections.synchronizedList(new ArrayList<>());
      AtomicInteger started = new AtomicInteger();
      OnContext.await(vertx.getOrCreateContext(), () -> {
        List<Future<Void>> workers = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
          Promise<Void> done = Promise.promise();
          next(client, port, uri, total, started, out, done);
          workers.add(done.future());
        }
        return Future.all(workers);
      });
      return new ArrayList<>(out);
    } finally {
      client.close().await();
    }
  }

  private static void next(HttpClient client, int port, String uri, int total, AtomicInteger started,
      List<BffUnderTest.Response> out, Promise<Void> done) {
    if (started.getAndIncrement() >= total) {
      done.complete();
      return;
    }
    RequestOptions o = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port).setURI(uri);
    client.request(o)
        .compose(req -> req.send())
        .compose(resp -> resp.body().map(b -> new BffUnderTest.Response(resp.statusCode(), resp.headers(), b)))
        .onSuccess(r -> {
          out.add(r);
          next(client, port, uri, total, started, out, done);
        })
        .onFailure(done::tryFail);
  }
}
