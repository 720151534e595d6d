package dev.bff.common.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.routing.BffModule;
import dev.bff.common.routing.Endpoints;
import dev.bff.common.routing.Reply;
import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.BffUnderTest.Response;
import dev.bff.common.testing.FakeUpstream;
import dev.bff.common.testing.Poll;
import dev.bff.common.testing.RawHttp;
import dev.bff.common.testing.TestClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every error the gateway makes itself is problem+json without internal details. */
@ExtendWith(VertxExtension.class)
class GatewayErrorsTest {
  private static final String SECRET = "secret-detail-42";
  private static final Map<String, String> RID = Map.of("X-Request-Id", "req-errors-1");

  FakeUpstream svc;
  FakeUpstream sick;
  int deadPort;
  BffUnderTest bff;
  TestClient http;

  /** Java endpoints that misbehave on purpose. */
  static final class ErrorsModule implements BffModule {
    @Override
    public String name() {
      return "errors-bff";
    }

    @Override
    public void endpoints(Endpoints e) {
      e.get("slow", "/slow", r -> Promise.<Reply>promise().future());
      e.get("boom", "/boom", r -> {
        throw new IllegalStateException(SECRET + " at db.internal:5432");
      });
      e.get("boom-async", "/boom-async", r -> Future.failedFuture(new RuntimeException(SECRET)));
      e.post("echo", "/echo", r -> Future.succeededFuture(Reply.json(new JsonObject().put("size", r.body().length()))));
      e.get("product", "/product/:id", r -> r.upstream("svc").getJson("/products/" + r.param("id")).map(Reply::json));
    }
  }

  @BeforeEach
  void start(Vertx vertx) {
    svc = FakeUpstream.start(vertx, "svc");
    sick = FakeUpstream.start(vertx, "sick").status(500);
    FakeUpstream dead = FakeUpstream.start(vertx, "dead");
    deadPort = dead.port();
    dead.close();
    bff = BffUnderTest.start(vertx, new ErrorsModule(), """
        server:
          port: 0
          admin-port: 0
          instances: 1
          limits: { max-body-size: 1KB, max-request-line: 512, max-header-size: 1KB }
        upstreams:
          svc: { instances: ["${SVC}"], response-timeout: 300ms }
          dead: { instances: ["http://127.0.0.1:${DEAD_PORT}"] }
          sick:
            instances: ["${SICK}"]
            health-check: { path: /health, interval: 100ms, timeout: 1s, unhealthy-threshold: 1 }
        endpoints:
          slow: { deadline: 200ms }
        routes:
          - { path: "/api/**", upstream: svc, strip-prefix: /api }
          - { path: /only-get, upstream: svc, methods: [GET] }
          - { path: "/dead/**", upstream: dead }
          - { path: "/sick/**", upstream: sick }
        """, Map.of("SVC", svc.url(), "SICK", sick.url(), "DEAD_PORT", String.valueOf(deadPort)));
    http = TestClient.of(vertx, bff.port());
  }

  @AfterEach
  void stop() {
    http.close();
    bff.close();
    svc.close();
    sick.close();
  }

  /** Asserts the RFC 9457 shape and that nothing internal leaks; returns the body. */
  private JsonObject assertProblem(Response r, int status, String slug, String instance) {
    assertThat(r.status()).as("status; body %s", r.body()).isEqualTo(status);
    assertThat(r.header("content-type")).isEqualTo("application/problem+json");
    String text = r.body().toString();
    JsonObject p = new JsonObject(text);
    assertThat(p.getString("type")).isEqualTo("https://bff.dev/problems/" + slug);
    assertThat(p.getString("title")).isNotBlank();
    assertThat(p.getInteger("status")).isEqualTo(status);
    assertThat(p.getString("detail")).isNotBlank();
    assertThat(p.getString("instance")).isEqualTo(instance);
    assertThat(p.getString("requestId")).isNotBlank().isEqualTo(r.header("x-request-id"));
    assertThat(text).doesNotContain("127.0.0.1").doesNotContain("localhost")
        .doesNotContain(":" + svc.port()).doesNotContain(":" + sick.port()).doesNotContain(":" + deadPort)
        .doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("java.").doesNotContain(SECRET);
    return p;
  }

  private static String get(String target) {
    return "GET " + target + " HTTP/1.1\r\nHost: localhost\r\nX-Request-Id: req-raw\r\nConnection: close\r\n\r\n";
  }

  @ParameterizedTest
  @ValueSource(strings = {"/api/../admin", "/api/./x", "/api/%2e%2e/admin", "/api/%2E./admin", "/api/a%2Fb",
      "/api/a\\b", "/api/a%5cb", "/api/%zz", "/api/x%2", "/api/..;/admin"})
  void unsafePathsAre400BeforeRouting(String path) {
    Response r = RawHttp.exchange(bff.port(), get(path));
    JsonObject p = assertProblem(r, 400, "bad-request", path);
    assertThat(p.getString("requestId")).isEqualTo("req-raw");
    assertThat(svc.count()).isZero();
  }

  @Test
  void aGarbageRequestLineIs400() {
    Response r = RawHttp.exchange(bff.port(), "GARBAGE\r\n\r\n");
    assertProblem(r, 400, "bad-request", null);
  }

  @Test
  void noRouteIs404(Vertx vertx) {
    Response r = http.get("/nothing/here?x=1");
    assertProblem(r, 404, "no-route", "/nothing/here");
    assertThat(r.header("x-request-id")).matches("[0-9a-f]{32}");
  }

  @Test
  void aMethodTheRouteDoesNotAllowIs405WithAllow() {
    Response r = http.send(HttpMethod.DELETE, "/only-get", RID, null);
    assertProblem(r, 405, "method-not-allowed", "/only-get");
    assertThat(r.header("allow")).isEqualTo("GET");
    assertThat(r.header("x-request-id")).isEqualTo("req-errors-1");
    assertThat(svc.count()).isZero();
  }

  @Test
  void aContentLengthAboveTheLimitIs413WithoutAnUpstreamRequest() {
    String body = "x".repeat(2048);
    Response r = RawHttp.exchange(bff.port(), "POST /api/upload HTTP/1.1\r\nHost: localhost\r\n"
        + "Content-Type: text/plain\r\nContent-Length: 2048\r\n\r\n" + body);
    assertProblem(r, 413, "body-too-large", "/api/upload");
    assertThat(svc.count()).isZero();
  }

  @Test
  void aChunkedBodyGrowingPastTheLimitIs413AndTheUpstreamRequestIsAborted() {
    AtomicLong received = new AtomicLong();
    AtomicBoolean ended = new AtomicBoolean();
    AtomicBoolean aborted = new AtomicBoolean();
    svc.handler(req -> {
      req.handler(b -> received.addAndGet(b.length()));
      req.endHandler(v -> ended.set(true));
      req.exceptionHandler(t -> aborted.set(true));
      req.connection().closeHandler(v -> aborted.set(true));
    });
    String chunk = "200\r\n" + "y".repeat(512) + "\r\n";
    try (RawHttp raw = RawHttp.connect(bff.port())) {
      raw.write("POST /api/upload HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk);
      Poll.until("the upstream to see the request", Duration.ofSeconds(20), () -> svc.count() == 1);
      raw.write(chunk + chunk + "0\r\n\r\n");
      Response r = raw.read();
      assertProblem(r, 413, "body-too-large", "/api/upload");
      assertThat(r.header("connection")).isEqualTo("close");
      assertThat(raw.closedByPeer(20_000)).isTrue();
    }
    Poll.until("the upstream request to be aborted", Duration.ofSeconds(20), aborted::get);
    assertThat(ended).isFalse();
    assertThat(received.get()).isLessThanOrEqualTo(1024);
  }

  @Test
  void aChunkedBodyGrowingPastTheLimitOfAnEndpointIs413() {
    String chunk = "200\r\n" + "y".repeat(512) + "\r\n";
    try (RawHttp raw = RawHttp.connect(bff.port())) {
      raw.write("POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
          + chunk + chunk + chunk + "0\r\n\r\n");
      Response r = raw.read();
      assertProblem(r, 413, "body-too-large", "/echo");
      assertThat(raw.closedByPeer(20_000)).isTrue();
    }
    Response small = http.send(HttpMethod.POST, "/echo", RID, Buffer.buffer("x".repeat(1024)));
    assertThat(small.status()).isEqualTo(200);
    assertThat(small.json().getInteger("size")).isEqualTo(1024);
  }

  @Test
  void anUpstreamAnsweringSomethingThatIsNotHttpIs502(Vertx vertx) {
    io.vertx.core.net.NetServer junk = vertx.createNetServer()
        .connectHandler(so -> so.handler(b -> so.write("NOT HTTP AT ALL\r\n\r\n")))
        .listen(0, "127.0.0.1").await();
    try (BffUnderTest other = BffUnderTest.start(vertx, """
            upstreams:
              junk: { instances: ["http://127.0.0.1:${PORT}"] }
            routes:
              - { path: "/junk/**", upstream: junk }
            """, Map.of("PORT", String.valueOf(junk.actualPort())));
        TestClient client = TestClient.of(vertx, other.port())) {
      Response r = client.get("/junk/x", RID);
      JsonObject p = assertProblem(r, 502, r.json().getString("type").substring(25), "/junk/x");
      assertThat(p.getString("type")).isIn("https://bff.dev/problems/upstream-error",
          "https://bff.dev/problems/upstream-reset");
      assertThat(r.body().toString()).doesNotContain(":" + junk.actualPort());
    } finally {
      junk.close().await();
    }
  }

  @Test
  void aRequestLineAboveTheLimitIs414() {
    Response r = RawHttp.exchange(bff.port(), get("/api/" + "a".repeat(600)));
    assertProblem(r, 414, "uri-too-long", null);
    assertThat(svc.count()).isZero();
  }

  @Test
  void headersAboveTheLimitAre431() {
    Response r = RawHttp.exchange(bff.port(), "GET /api/x HTTP/1.1\r\nHost: localhost\r\nX-Big: "
        + "b".repeat(2048) + "\r\n\r\n");
    assertProblem(r, 431, "headers-too-large", "/api/x");
    assertThat(svc.count()).isZero();
  }

  @Test
  void aRefusedConnectionIs502() {
    Response r = http.get("/dead/x", RID);
    assertProblem(r, 502, "upstream-unreachable", "/dead/x");
  }

  @Test
  void anUpstreamClosingTheConnectionIs502() {
    svc.handler(req -> req.connection().close());
    Response r = http.get("/api/x", RID);
    assertProblem(r, 502, "upstream-reset", "/api/x");
  }

  @Test
  void noHealthyInstanceIs503() {
    Poll.until("the failing health check to take the instance out", Duration.ofSeconds(20),
        () -> http.get("/sick/x", RID).status() == 503);
    long proxiedBefore = sick.seen().stream().filter(s -> !s.uri().equals("/health")).count();
    Response r = http.get("/sick/x", RID);
    assertProblem(r, 503, "upstream-unavailable", "/sick/x");
    assertThat(sick.seen().stream().filter(s -> !s.uri().equals("/health")).count()).isEqualTo(proxiedBefore);
  }

  @Test
  void anUpstreamThatNeverAnswersIs504AfterTheResponseTimeout() {
    svc.handler(req -> { });
    long start = System.nanoTime();
    Response r = http.get("/api/x", RID);
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertProblem(r, 504, "upstream-timeout", "/api/x");
    assertThat(millis).isGreaterThanOrEqualTo(250);
  }

  @Test
  void anEndpointPastItsDeadlineIs504() {
    long start = System.nanoTime();
    Response r = http.get("/slow", RID);
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertProblem(r, 504, "deadline-exceeded", "/slow");
    assertThat(millis).isGreaterThanOrEqualTo(150);
  }

  @Test
  void anEndpointThatThrowsIs500WithoutItsMessage() {
    assertProblem(http.get("/boom", RID), 500, "internal", "/boom");
    assertProblem(http.get("/boom-async", RID), 500, "internal", "/boom-async");
  }

  @Test
  void anUpstream404InsideAnEndpointIsA404Problem() {
    svc.status(404);
    Response r = http.get("/product/7", RID);
    assertProblem(r, 404, "not-found", "/product/7");
    assertThat(svc.seen()).extracting(FakeUpstream.Seen::uri).containsExactly("/products/7");
  }

  @Test
  void aSuccessfulEndpointStillAnswers() {
    svc.handler(req -> req.response().putHeader("content-type", "application/json").end("{\"id\":7}"));
    Response r = http.send(HttpMethod.GET, "/product/7", RID, Buffer.buffer());
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getInteger("id")).isEqualTo(7);
  }
}
