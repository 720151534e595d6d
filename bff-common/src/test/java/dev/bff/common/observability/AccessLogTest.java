package dev.bff.common.observability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.bff.common.routing.BffModule;
import dev.bff.common.routing.Endpoints;
import dev.bff.common.routing.Reply;
import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.Poll;
import dev.bff.common.testing.FakeUpstream;
import dev.bff.common.testing.PinnedClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/** One JSON line per request on the {@code bff.access} logger, with the fields operators search by. */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class AccessLogTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** Keeps every access-log line (appended on event loops, read on the test thread). */
  static final class Lines extends AppenderBase<ILoggingEvent> {
    final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    protected void append(ILoggingEvent e) {
      lines.add(e.getFormattedMessage());
    }
  }

  /** A module with one Java endpoint. */
  static final class Module implements BffModule {
    @Override
    public String name() {
      return "access-log-test";
    }

    @Override
    public void endpoints(Endpoints e) {
      e.get("hello", "/hello/:name", r -> Future.succeededFuture(Reply.json(new JsonObject().put("hi", r.param("name")))));
    }
  }

  final Logger access = (Logger) LoggerFactory.getLogger("bff.access");
  final Lines log = new Lines();
  FakeUpstream up;
  BffUnderTest bff;

  @BeforeEach
  void start(Vertx vertx) {
    log.start();
    access.addAppender(log);
    up = FakeUpstream.start(vertx, "svc");
  }

  @AfterEach
  void stop() {
    access.detachAppender(log);
    if (bff != null) {
      bff.close();
    }
    up.close();
  }

  private BffUnderTest gateway(Vertx vertx, boolean accessLog, String svcUrl) {
    bff = BffUnderTest.start(vertx, new Module(), """
        server: { port: 0, admin-port: 0, instances: 1, access-log: %s }
        upstreams:
          svc: { instances: ["${SVC}"], connect-timeout: 2s }
        routes:
          - { id: items, path: "/api/**", upstream: svc, strip-prefix: /api }
        """.formatted(accessLog), Map.of("SVC", svcUrl));
    return bff;
  }

  /** The one line logged for a request id (waits for it, and checks it is the only one). */
  private JsonObject lineFor(String requestId) {
    Poll.until("an access-log line for " + requestId, WAIT,
        () -> log.lines.stream().anyMatch(l -> l.contains("\"requestId\":\"" + requestId + "\"")));
    List<JsonObject> mine = log.lines.stream().map(JsonObject::new)
        .filter(j -> requestId.equals(j.getString("requestId"))).toList();
    assertThat(mine).hasSize(1);
    JsonObject line = mine.get(0);
    assertThat(Instant.parse(line.getString("time"))).isBefore(Instant.now().plusSeconds(1));
    assertThat(line.getValue("durationMs")).isInstanceOf(Number.class);
    assertThat(line.getDouble("durationMs")).isGreaterThanOrEqualTo(0.0);
    return line;
  }

  @Test
  void aProxiedRequestIsLoggedWithItsRouteAndUpstream(Vertx vertx) {
    var r = gateway(vertx, true, up.url()).get("/api/items/1", Map.of("X-Request-Id", "acc-proxied-1"));
    assertThat(r.status()).isEqualTo(200);
    JsonObject line = lineFor(r.header("x-request-id"));
    assertThat(line.getString("requestId")).isEqualTo("acc-proxied-1");
    assertThat(line.getString("method")).isEqualTo("GET");
    assertThat(line.getString("path")).isEqualTo("/api/items/1");
    assertThat(line.getString("route")).isEqualTo("items");
    assertThat(line.getString("upstream")).isEqualTo("svc");
    assertThat(line.getInteger("status")).isEqualTo(200);
    assertThat(line.getLong("bytes")).isEqualTo(r.body().length());
    assertThat(line.containsKey("error")).isFalse();
  }

  @Test
  void aRequestBodyIsCountedAsBytesIn(Vertx vertx) {
    gateway(vertx, true, up.url());
    var r = bff.send(HttpMethod.POST, "/api/orders", Map.of(), Buffer.buffer(new byte[12_345]));
    assertThat(r.json().getInteger("bodySize")).isEqualTo(12_345);
    JsonObject line = lineFor(r.header("x-request-id"));
    assertThat(line.getString("method")).isEqualTo("POST");
    assertThat(line.getLong("bytesIn")).isEqualTo(12_345);
  }

  @Test
  void aRequestNoRouteMatchesIsLoggedAs404WithTheErrorCategory(Vertx vertx) {
    var r = gateway(vertx, true, up.url()).get("/nothing/here");
    assertThat(r.status()).isEqualTo(404);
    JsonObject line = lineFor(r.header("x-request-id"));
    assertThat(line.getString("path")).isEqualTo("/nothing/here");
    assertThat(line.getString("route")).isNull();
    assertThat(line.getString("upstream")).isNull();
    assertThat(line.getInteger("status")).isEqualTo(404);
    assertThat(line.getString("error")).isEqualTo("no-route");
    assertThat(line.getLong("bytes")).isEqualTo(r.body().length());
    assertThat(r.json().getString("requestId")).isEqualTo(line.getString("requestId"));
  }

  @Test
  void aJavaEndpointIsLoggedUnderItsName(Vertx vertx) {
    var r = gateway(vertx, true, up.url()).get("/hello/bob");
    assertThat(r.status()).isEqualTo(200);
    JsonObject line = lineFor(r.header("x-request-id"));
    assertThat(line.getString("route")).isEqualTo("hello");
    assertThat(line.getString("upstream")).isNull();
    assertThat(line.getInteger("status")).isEqualTo(200);
    assertThat(line.getLong("bytes")).isEqualTo(r.body().length());
    assertThat(line.containsKey("error")).isFalse();
  }

  @Test
  void anUnreachableUpstreamIsLoggedAs502WithTheUpstreamAndCategory(Vertx vertx) {
    var dead = vertx.createHttpServer().requestHandler(req -> { }).listen(0, "127.0.0.1").await();
    String url = "http://127.0.0.1:" + dead.actualPort();
    dead.close().await();
    var r = gateway(vertx, true, url).get("/api/items/1");
    assertThat(r.status()).isEqualTo(502);
    JsonObject line = lineFor(r.header("x-request-id"));
    assertThat(line.getString("upstream")).isEqualTo("svc");
    assertThat(line.getInteger("status")).isEqualTo(502);
    assertThat(line.getString("error")).isEqualTo("upstream-unreachable");
  }

  @Test
  void aClientThatHangsUpIsLoggedOnceAs499(Vertx vertx) {
    up.handler(req -> { }); // never answers
    gateway(vertx, true, up.url());
    NetSocket socket = vertx.createNetClient().connect(bff.port(), "127.0.0.1").await();
    socket.write("GET /api/slow HTTP/1.1\r\nHost: x\r\nX-Request-Id: acc-gone-1\r\n\r\n").await();
    Poll.until("the request reaches the upstream", WAIT, () -> up.count() == 1);
    socket.close().await();
    JsonObject line = lineFor("acc-gone-1");
    assertThat(line.getInteger("status")).isEqualTo(499);
    assertThat(line.getString("upstream")).isEqualTo("svc");
  }

  @Test
  void nothingIsLoggedWhenTheAccessLogIsOff(Vertx vertx) {
    gateway(vertx, false, up.url());
    try (PinnedClient http = PinnedClient.create(vertx)) {
      assertThat(http.get(bff.port(), "/api/items/1").status()).isEqualTo(200);
      assertThat(http.get(bff.port(), "/nothing").status()).isEqualTo(404);
      assertThat(http.get(bff.port(), "/hello/x").status()).isEqualTo(200);
    }
    bff.close(); // the drain waits for every exchange to end, so any line would be logged by now
    bff = null;
    assertThat(log.lines).isEmpty();
  }

  @Test
  void theLineNamesTheTraceTheCallerTheRateLimitDecisionAndTheDegradedPartsButNeverTheKey(Vertx vertx)
      throws Exception {
    String key = "ak_log_acme_6c1e0f2d9a";
    String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
        .digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    up.handler(req -> {
      if (req.path().startsWith("/reviews")) {
        req.response().setStatusCode(500).end();
      } else {
        req.response().putHeader("content-type", "application/json").end("{}");
      }
    });
    bff = BffUnderTest.start(vertx, new Module(), """
        server: { port: 0, admin-port: 0, instances: 1 }
        auth:
          default: public
          api-keys:
            keys:
              - { id: acme-1, sha256: "%s", partner: acme }
        upstreams:
          svc: { instances: ["${SVC}"], retry: { attempts: 0 } }
        rate-limits:
          policies:
            one: { key: ip, rate: 1/m }
        routes:
          - { id: partner, path: "/partner/**", upstream: svc, auth: api-key, rate-limit: [one] }
          - { id: cached, path: "/cached/**", upstream: svc, cache: { ttl: 1m } }
        endpoints:
          page:
            path: /page/:id
            parts:
              product: { upstream: svc, path: "/products/{id}" }
              reviews: { upstream: svc, path: "/reviews/{id}" }
        """.formatted(sha), Map.of("SVC", up.url()));
    var ok = bff.get("/partner/a", Map.of("X-Api-Key", key, "X-Request-Id", "acc-who-1",
        "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
    assertThat(ok.status()).isEqualTo(200);
    JsonObject line = lineFor("acc-who-1");
    assertThat(line.getString("traceId")).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(line.getString("partner")).isEqualTo("acme");
    assertThat(line.getString("rateLimit")).isEqualTo("allowed");
    assertThat(line.encode()).doesNotContain(key).doesNotContain(sha);

    var limited = bff.get("/partner/b", Map.of("X-Api-Key", key, "X-Request-Id", "acc-who-2"));
    assertThat(limited.status()).isEqualTo(429);
    JsonObject refused = lineFor("acc-who-2");
    assertThat(refused.getString("rateLimit")).isEqualTo("limited");
    assertThat(refused.getString("error")).isEqualTo("rate-limited");
    assertThat(refused.getString("traceId")).hasSize(32).isNotEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");

    var page = bff.get("/page/7", Map.of("X-Request-Id", "acc-who-3"));
    assertThat(page.status()).isEqualTo(200);
    JsonObject degraded = lineFor("acc-who-3");
    assertThat(degraded.getString("degraded")).isEqualTo("reviews=error");
    assertThat(degraded.containsKey("partner")).isFalse();
    assertThat(degraded.containsKey("rateLimit")).as("no limit applies").isFalse();
    assertThat(degraded.containsKey("cache")).as("not a cached route").isFalse();

    bff.get("/cached/1", Map.of("X-Request-Id", "acc-cache-1"));
    bff.get("/cached/1", Map.of("X-Request-Id", "acc-cache-2"));
    assertThat(lineFor("acc-cache-1").getString("cache")).isEqualTo("MISS");
    assertThat(lineFor("acc-cache-2").getString("cache")).isEqualTo("HIT");
  }
}
