package dev.bff.common.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.routing.BffModule;
import dev.bff.common.routing.Endpoints;
import dev.bff.common.routing.Reply;
import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.BffUnderTest.Response;
import dev.bff.common.testing.FakeUpstream;
import dev.bff.common.testing.PinnedClient;
import dev.bff.common.testing.RawHttp;
import dev.bff.common.testing.TestClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code body-check} on routes and endpoints: a good JSON body reaches the upstream byte for byte
 * with its length; a bad one is refused before the upstream (or the endpoint's code) is called.
 */
@ExtendWith(VertxExtension.class)
class BodyCheckTest {
  private static final Map<String, String> JSON = Map.of("Content-Type", "application/json");

  FakeUpstream svc;
  final List<Buffer> bodies = new CopyOnWriteArrayList<>();
  final AtomicInteger endpointCalls = new AtomicInteger();
  BffUnderTest bff;
  TestClient http;

  /** An endpoint answering with the size and text of the body it was given. */
  final class ItemsModule implements BffModule {
    @Override
    public String name() {
      return "body-bff";
    }

    @Override
    public void endpoints(Endpoints e) {
      e.post("create-item", "/items", r -> {
        endpointCalls.incrementAndGet();
        return Future.succeededFuture(Reply.json(new JsonObject().put("size", r.body().length())
            .put("text", r.body().toString(StandardCharsets.UTF_8))));
      });
    }
  }

  @BeforeEach
  void start(Vertx vertx) {
    svc = FakeUpstream.start(vertx, "svc");
    svc.handler(req -> req.body().onSuccess(b -> {
      bodies.add(b);
      req.response().putHeader("content-type", "application/json").end(new JsonObject()
          .put("bodySize", b.length()).put("contentLength", req.getHeader("content-length"))
          .put("transferEncoding", req.getHeader("transfer-encoding")).encode());
    }));
    bff = BffUnderTest.start(vertx, new ItemsModule(), """
        server: { port: 0, admin-port: 0, instances: 1, limits: { max-body-size: 64KB } }
        upstreams:
          svc: { instances: ["${SVC}"] }
        endpoints:
          create-item: { body-check: { max-size: 1KB, max-depth: 4, require: true } }
        routes:
          - { path: "/api/**", upstream: svc, body-check: { max-size: 1KB, max-depth: 4, require: true } }
          - { path: "/vnd/**", upstream: svc, body-check: { content-types: ["application/*+json"] } }
          - { path: "/loose/**", upstream: svc, body-check: {} }
          - { path: "/raw/**", upstream: svc }
        """, Map.of("SVC", svc.url()));
    http = TestClient.of(vertx, bff.port());
  }

  @AfterEach
  void stop() {
    http.close();
    bff.close();
    svc.close();
  }

  private static void assertProblem(Response r, int status, String slug) {
    assertThat(r.status()).as("status; body %s", r.body()).isEqualTo(status);
    assertThat(r.header("content-type")).isEqualTo("application/problem+json");
    JsonObject p = r.json();
    assertThat(p.getString("type")).isEqualTo("https://bff.dev/problems/" + slug);
    assertThat(p.getString("requestId")).isNotBlank().isEqualTo(r.header("x-request-id"));
  }

  private static String chunked(String body) {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    int half = b.length / 2;
    return Integer.toHexString(half) + "\r\n" + new String(b, 0, half, StandardCharsets.ISO_8859_1) + "\r\n"
        + Integer.toHexString(b.length - half) + "\r\n"
        + new String(b, half, b.length - half, StandardCharsets.ISO_8859_1) + "\r\n0\r\n\r\n";
  }

  @Test
  void validJsonIsForwardedByteForByteWithItsContentLength() {
    String json = "{ \"name\" : \"caf\u00e9\",\n  \"tags\":[1, 2.50, {\"k\":null}], \"ok\":true }";
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    Response r = RawHttp.exchange(bff.port(), "POST /api/items HTTP/1.1\r\nHost: localhost\r\n"
        + "Content-Type: application/json; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked(json));
    assertThat(r.status()).as("body %s", r.body()).isEqualTo(200);
    assertThat(r.json().getString("contentLength")).isEqualTo(String.valueOf(bytes.length));
    assertThat(r.json().getString("transferEncoding")).isNull();
    assertThat(bodies).hasSize(1);
    assertThat(bodies.get(0).getBytes()).isEqualTo(bytes);

    Response again = http.send(HttpMethod.PUT, "/api/items/7", JSON, Buffer.buffer(bytes));
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().getString("contentLength")).isEqualTo(String.valueOf(bytes.length));
    assertThat(bodies.get(1).getBytes()).isEqualTo(bytes);
  }

  @Test
  void jsonNestedDeeperThanMaxDepthIs400() {
    Response ok = http.send(HttpMethod.POST, "/api/items", JSON, Buffer.buffer("{\"a\":[{\"b\":[1]}]}"));
    assertThat(ok.status()).isEqualTo(200);
    Response deep = http.send(HttpMethod.POST, "/api/items", JSON, Buffer.buffer("{\"a\":[{\"b\":[[1]]}]}"));
    assertProblem(deep, 400, "bad-request");
    assertThat(deep.json().getString("detail")).contains("deeper than 4 levels");
    assertThat(bodies).hasSize(1);
  }

  @Test
  void deepNestingIsRefusedBeforeTheWholeBodyArrives() {
    try (RawHttp raw = RawHttp.connect(bff.port())) {
      raw.write("POST /api/items HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
          + "Transfer-Encoding: chunked\r\n\r\n6\r\n[[[[[[\r\n"); // and never the rest
      Response r = raw.read();
      assertProblem(r, 400, "bad-request");
      assertThat(r.header("connection")).isEqualTo("close");
      assertThat(raw.closedByPeer(20_000)).isTrue();
    }
    assertThat(svc.count()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"a\": }", "{\"a\": 1", "{} {}", "[1,]", "{'a': 1}", "nul", "{\"a\":1}x", "   "})
  void malformedJsonIs400(String body) {
    Response r = http.send(HttpMethod.POST, "/api/items", JSON, Buffer.buffer(body));
    assertProblem(r, 400, "bad-request");
    assertThat(r.json().getString("detail")).containsPattern("not valid JSON|not a complete JSON value|more after");
    assertThat(svc.count()).isZero();
  }

  @Test
  void aContentLengthAboveMaxSizeIs413BeforeTheBodyIsRead() {
    try (RawHttp raw = RawHttp.connect(bff.port())) {
      raw.write("POST /api/items HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
          + "Content-Length: 2048\r\n\r\n"); // the body is never sent: the answer comes without it
      Response r = raw.read();
      assertProblem(r, 413, "body-too-large");
      assertThat(r.header("connection")).isEqualTo("close");
      assertThat(raw.closedByPeer(20_000)).isTrue();
    }
    assertThat(svc.count()).isZero();
  }

  @Test
  void aChunkedBodyGrowingPastMaxSizeIs413() {
    String first = "200\r\n[" + "1,".repeat(255) + " \r\n"; // 512 bytes of JSON that goes on
    String more = "200\r\n" + "1,".repeat(256) + "\r\n";
    try (RawHttp raw = RawHttp.connect(bff.port())) {
      raw.write("POST /api/items HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
          + "Transfer-Encoding: chunked\r\n\r\n" + first + more + more);
      Response r = raw.read();
      assertProblem(r, 413, "body-too-large");
      assertThat(raw.closedByPeer(20_000)).isTrue();
    }
    assertThat(svc.count()).isZero();
  }

  @Test
  void aBodyOfAnotherContentTypeIs415() {
    Response text = http.send(HttpMethod.POST, "/api/items", Map.of("Content-Type", "text/plain"),
        Buffer.buffer("{\"a\":1}"));
    assertProblem(text, 415, "unsupported-media-type");
    assertThat(text.json().getString("detail")).contains("application/json");
    Response none = RawHttp.exchange(bff.port(), "POST /api/items HTTP/1.1\r\nHost: localhost\r\n"
        + "Content-Length: 7\r\n\r\n{\"a\":1}");
    assertProblem(none, 415, "unsupported-media-type");
    Response plainJson = http.send(HttpMethod.POST, "/vnd/items", JSON, Buffer.buffer("{\"a\":1}"));
    assertProblem(plainJson, 415, "unsupported-media-type");
    assertThat(svc.count()).isZero();
    Response vnd = http.send(HttpMethod.POST, "/vnd/items", Map.of("Content-Type", "application/vnd.api+json"),
        Buffer.buffer("{\"a\":1}"));
    assertThat(vnd.status()).isEqualTo(200);
  }

  @Test
  void aMissingBodyIs400WhenRequiredForPostPutAndPatchOnly() {
    for (HttpMethod m : new HttpMethod[] {HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH}) {
      Response r = http.send(m, "/api/items", JSON, Buffer.buffer());
      assertProblem(r, 400, "bad-request");
      assertThat(r.json().getString("detail")).isEqualTo("a JSON request body is required");
    }
    assertThat(svc.count()).isZero();
    assertThat(http.get("/api/items").status()).isEqualTo(200);
    assertThat(http.send(HttpMethod.DELETE, "/api/items/7", Map.of(), null).status()).isEqualTo(200);
    assertThat(http.send(HttpMethod.POST, "/loose/ping", Map.of(), Buffer.buffer()).status()).isEqualTo(200);
    assertThat(svc.count()).isEqualTo(3);
  }

  @Test
  void anEndpointGetsTheBodyAlreadyReadAndCheckedAndNothingWhenItIsBad() {
    Response ok = http.send(HttpMethod.POST, "/items", JSON, Buffer.buffer("{\"name\":\"lamp\"}"));
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.json().getString("text")).isEqualTo("{\"name\":\"lamp\"}");
    assertProblem(http.send(HttpMethod.POST, "/items", JSON, Buffer.buffer("[[[[[1]]]]]")), 400, "bad-request");
    assertProblem(http.send(HttpMethod.POST, "/items", Map.of("Content-Type", "text/csv"), Buffer.buffer("a,b")),
        415, "unsupported-media-type");
    assertProblem(http.send(HttpMethod.POST, "/items", JSON, Buffer.buffer("{\"x\":\"" + "y".repeat(2000) + "\"}")),
        413, "body-too-large");
    assertProblem(http.send(HttpMethod.POST, "/items", JSON, Buffer.buffer()), 400, "bad-request");
    assertThat(endpointCalls.get()).isEqualTo(1);
  }

  /** Over HTTP/2 a body may come without a length: its type is checked once it has arrived. */
  @Test
  void http2BodiesWithoutALengthAreCheckedToo(Vertx vertx) {
    try (PinnedClient h2 = PinnedClient.create(vertx, new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false))) {
      String json = "{\"a\":[1,2,3],\"b\":\"x\"}";
      Response ok = postInParts(h2, "application/json", json);
      assertThat(ok.status()).isEqualTo(200);
      assertThat(ok.json().getString("contentLength")).isEqualTo(String.valueOf(json.length()));
      assertThat(bodies.get(0).toString()).isEqualTo(json);
      assertProblem(postInParts(h2, "text/plain", json), 415, "unsupported-media-type");
      assertProblem(postInParts(h2, "application/json", "[[[[[1]]]]]"), 400, "bad-request");
      assertThat(h2.get(bff.port(), "/api/items").status()).isEqualTo(200);
    }
    assertThat(svc.count()).isEqualTo(2);
  }

  private Response postInParts(PinnedClient client, String type, String body) {
    return TestClient.await(client.call(h -> h.request(HttpMethod.POST, bff.port(), "127.0.0.1", "/api/items")
        .compose(req -> {
          req.putHeader("content-type", type).setChunked(true);
          int half = body.length() / 2;
          req.write(body.substring(0, half));
          req.end(body.substring(half));
          return req.response();
        }).compose(resp -> resp.body().map(b -> new Response(resp.statusCode(), resp.headers(), b)))),
        "an HTTP/2 POST");
  }

  @Test
  void aRouteWithoutBodyCheckStillStreamsTheBodyAsItCame() {
    Response r = RawHttp.exchange(bff.port(), "POST /raw/upload HTTP/1.1\r\nHost: localhost\r\n"
        + "Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked("not json at all"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getString("transferEncoding")).isEqualTo("chunked");
    assertThat(r.json().getString("contentLength")).isNull();
    assertThat(bodies.get(0).toString()).isEqualTo("not json at all");
  }
}
