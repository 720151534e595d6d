package dev.bff.demo;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.function.BooleanSupplier;

/** A small HTTP client for the tests; the blocking helpers are for the test thread only. */
final class Http {

  /** A complete answer: status, headers, body and how many chunks the body arrived in. */
  record Reply(int status, MultiMap headers, Buffer body, int chunks) {

    JsonObject json() {
      return body.toJsonObject();
    }

    JsonArray jsonArray() {
      return body.toJsonArray();
    }
  }

  private final HttpClient client;
  /**
   * Requests are sent from this one context, so the response callbacks run on the connection's event
   * loop and the body handler is in place before the first chunk arrives.
   */
  private final Context context;

  Http(Vertx vertx) {
    this(vertx, new HttpClientOptions());
  }

  Http(Vertx vertx, HttpClientOptions options) {
    this.client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(32).setHttp2MaxSize(4));
    this.context = vertx.getOrCreateContext();
  }

  /** Sends a request and collects the answer, counting the chunks it arrived in. */
  Future<Reply> request(RequestOptions options, Buffer body) {
    Promise<Reply> promise = Promise.promise();
    context.runOnContext(v -> send(options, body).onComplete(promise));
    return promise.future();
  }

  private Future<Reply> send(RequestOptions options, Buffer body) {
    return client.request(options)
      .compose(req -> body == null ? req.send() : req.send(body))
      .compose(resp -> {
        Buffer collected = Buffer.buffer();
        int[] chunks = {0};
        resp.handler(chunk -> {
          collected.appendBuffer(chunk);
          chunks[0]++;
        });
        return resp.end().map(v -> new Reply(resp.statusCode(), resp.headers(), collected, chunks[0]));
      });
  }

  Future<Reply> request(HttpMethod method, String url, Buffer body) {
    return request(new RequestOptions().setMethod(method).setAbsoluteURI(url), body);
  }

  Reply get(String url) {
    return request(HttpMethod.GET, url, null).await();
  }

  JsonObject getJson(String url) {
    Reply reply = get(url);
    if (reply.status() != 200) {
      throw new AssertionError("GET " + url + " answered " + reply.status() + ": " + reply.body());
    }
    return reply.json();
  }

  Reply post(String url, Object json) {
    Buffer body = json instanceof JsonObject o ? o.toBuffer() : ((JsonArray) json).toBuffer();
    return request(HttpMethod.POST, url, body).await();
  }

  Reply delete(String url) {
    return request(HttpMethod.DELETE, url, null).await();
  }

  /** Adds a fault rule through the service's admin endpoint. */
  JsonObject addFault(String baseUrl, JsonObject rule) {
    Reply reply = post(baseUrl + "/_admin/faults", rule);
    if (reply.status() != 201) {
      throw new AssertionError("fault rule rejected: " + reply.status() + " " + reply.body());
    }
    return reply.json();
  }

  /** Waits up to two seconds for {@code condition}, polling from the test thread. */
  static void eventually(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 2_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 2 s");
      }
      Thread.sleep(10);
    }
  }
}
