package dev.bff.demo;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class EchoServiceTest {

  private static final long MB = 1024 * 1024;

  private Http http;
  private DemoServices demo;
  private String echo;

  @BeforeEach
  void start(Vertx vertx) {
    http = new Http(vertx);
    demo = DemoServices.start(vertx, Map.of("echo", 0)).await();
    echo = demo.url("echo");
  }

  @Test
  void describesTheRequest() {
    Http.Reply reply = http.request(new RequestOptions().setMethod(HttpMethod.PUT)
      .setAbsoluteURI(echo + "/any/path?a=1&a=2&b=x")
      .addHeader("X-One", "1").addHeader("X-Many", "a").addHeader("X-Many", "b"),
      io.vertx.core.buffer.Buffer.buffer("hello")).await();
    assertThat(reply.status()).isEqualTo(200);
    JsonObject json = reply.json();
    assertThat(json.getString("method")).isEqualTo("PUT");
    assertThat(json.getString("path")).isEqualTo("/any/path");
    assertThat(json.getString("uri")).isEqualTo("/any/path?a=1&a=2&b=x");
    assertThat(json.getJsonObject("query").getJsonArray("a")).isEqualTo(new JsonArray().add("1").add("2"));
    assertThat(json.getJsonObject("query").getString("b")).isEqualTo("x");
    assertThat(json.getJsonObject("headers").getString("X-One")).isEqualTo("1");
    assertThat(json.getJsonObject("headers").getJsonArray("X-Many")).isEqualTo(new JsonArray().add("a").add("b"));
    assertThat(json.getLong("bodySize")).isEqualTo(5);
    assertThat(json.getString("version")).isEqualTo("HTTP/1.1");
    assertThat(json.getString("remoteAddress")).startsWith("127.0.0.1:");
  }

  @Test
  void countsAStreamedUploadWithoutBufferingIt(Vertx vertx) {
    long size = 50 * MB;
    Context context = vertx.getOrCreateContext();
    HttpClient client = vertx.createHttpClient();
    JsonObject json = onContext(context, () -> client.request(HttpMethod.POST, demo.port("echo"), "127.0.0.1", "/upload")
      .compose(req -> req.send(new GeneratedBody(context, size)))
      .compose(HttpClientResponse::body))
      .await().toJsonObject();
    assertThat(json.getLong("bodySize")).isEqualTo(size);
    assertThat(demo.stats("echo").requests("/upload")).isEqualTo(1);
  }

  @Test
  void streamsAGeneratedBodyOfTheRequestedSize() {
    long size = 10 * MB + 123;
    Http.Reply reply = http.get(echo + "/download?size=" + size);
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.headers().get("content-type")).isEqualTo("application/octet-stream");
    assertThat(reply.headers().get("content-length")).isEqualTo(Long.toString(size));
    assertThat(reply.body().length()).isEqualTo((int) size);
    assertThat(reply.chunks()).isGreaterThan(1);
    assertThat(http.get(echo + "/empty?size=0").body().length()).isZero();
  }

  @Test
  void answersTheRequestedStatusAfterTheRequestedDelay() {
    Http.Reply unavailable = http.get(echo + "/x?status=503");
    assertThat(unavailable.status()).isEqualTo(503);
    assertThat(unavailable.json().getString("path")).isEqualTo("/x");

    long start = System.nanoTime();
    assertThat(http.get(echo + "/slow?delayMs=200").status()).isEqualTo(200);
    assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(200);

    assertThat(http.get(echo + "/x?status=abc").status()).isEqualTo(400);
  }

  @Test
  void uploadSurvivesALatencyFault(Vertx vertx) {
    demo.faults("echo").add(FaultRule.on("/upload").withLatency(100));
    long size = 5 * MB;
    Context context = vertx.getOrCreateContext();
    HttpClient client = vertx.createHttpClient();
    JsonObject json = onContext(context, () -> client.request(HttpMethod.POST, demo.port("echo"), "127.0.0.1", "/upload")
      .compose(req -> req.send(new GeneratedBody(context, size)))
      .compose(HttpClientResponse::body))
      .await().toJsonObject();
    assertThat(json.getLong("bodySize")).isEqualTo(size);
  }

  @Test
  void trickleAppliesToGeneratedBodies() {
    demo.faults("echo").add(FaultRule.on("/download").withTrickle(1000, 10));
    Http.Reply reply = http.get(echo + "/download?size=5000");
    assertThat(reply.body().length()).isEqualTo(5000);
    assertThat(reply.chunks()).isGreaterThanOrEqualTo(3);
  }

  @Test
  void reportsHttp2(Vertx vertx) {
    Http h2 = new Http(vertx, new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
      .setHttp2ClearTextUpgrade(false));
    JsonObject json = h2.getJson(echo + "/h2");
    assertThat(json.getString("version")).isEqualTo("HTTP/2");
  }

  private static <T> Future<T> onContext(Context context, Supplier<Future<T>> action) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(promise));
    return promise.future();
  }
}
