package dev.bff.common.cache;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.Burst;
import dev.bff.common.testing.FakeUpstream;
import dev.bff.common.testing.Poll;
import dev.bff.common.testing.TestClient;
import dev.bff.common.testing.TestRedis;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * The Redis store shared by two gateways (two replicas) on one real {@code redis-server}: an entry
 * one stores the other serves, misses collapse across both, purges on one apply to both, and a
 * Redis outage turns the cache into a bypass that recovers by itself.
 */
@ExtendWith(VertxExtension.class)
@Timeout(90)
class RedisCacheTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final String YAML = """
      server: { port: 0, admin-port: 0, instances: 2 }
      redis: { url: "${REDIS}", timeout: 300ms }
      cache: { store: redis }
      upstreams:
        svc: { instances: ["${SVC}"], retry: { attempts: 0 } }
      routes:
        - { id: products, path: "/c/**", upstream: svc, cache: { ttl: 60s } }
      endpoints:
        page:
          path: /page/:id
          cache: { ttl: 60s }
          parts:
            item: { upstream: svc, path: "/items/{id}", required: true }
      """;

  Vertx vertx;
  TestRedis redis;
  FakeUpstream svc;
  BffUnderTest a;
  BffUnderTest b;
  final AtomicInteger version = new AtomicInteger();
  final List<String> warnings = new CopyOnWriteArrayList<>();
  final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
    @Override
    protected void append(ILoggingEvent e) {
      if (e.getLoggerName().equals(RedisCacheStore.class.getName())) {
        warnings.add(e.getLevel() + " " + e.getFormattedMessage());
      }
    }
  };

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    redis = TestRedis.start();
    svc = FakeUpstream.start(vertx, "svc");
    svc.handler(req -> req.response().putHeader("Surrogate-Key", "product-" + req.path().replaceAll(".*/", ""))
        .putHeader("Content-Type", "application/json").end("{\"v\":" + version.incrementAndGet() + "}"));
    Map<String, String> vars = Map.of("SVC", svc.url(), "REDIS", redis.url());
    a = BffUnderTest.start(vertx, YAML, vars);
    b = BffUnderTest.start(vertx, YAML, vars);
    appender.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(appender);
  }

  @AfterEach
  void stop() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(appender);
    a.close();
    b.close();
    svc.close();
    redis.close();
  }

  static String xCache(BffUnderTest.Response r) {
    return r.header("X-Cache");
  }

  JsonObject stats(BffUnderTest gw) {
    try (TestClient admin = TestClient.of(vertx, gw.adminPort())) {
      return admin.get("/admin/cache").json();
    }
  }

  BffUnderTest.Response purge(BffUnderTest gw, JsonObject body) {
    try (TestClient admin = TestClient.of(vertx, gw.adminPort())) {
      return admin.send(HttpMethod.POST, "/admin/cache/purge", Map.of("Content-Type", "application/json"),
          Buffer.buffer(body.encode()));
    }
  }

  @Test
  void anEntryOneReplicaStoredIsServedByTheOther() {
    assertThat(xCache(a.get("/c/products/1"))).isEqualTo("MISS");
    // the entry is written once the answer has gone to the client: wait for it to reach Redis
    dev.bff.common.testing.Poll.until("the entry is in Redis", java.time.Duration.ofSeconds(10),
        () -> redis.run("KEYS", "bff:cache:*").contains("GET /c/products/1 @products"));
    var fromB = b.get("/c/products/1");
    assertThat(xCache(fromB)).isEqualTo("HIT");
    assertThat(fromB.body().toString()).isEqualTo("{\"v\":1}");
    assertThat(svc.count()).isEqualTo(1);
    assertThat(redis.run("KEYS", "bff:cache:*")).contains("GET /c/products/1 @products")
        .contains("tag:product-1");
  }

  @Test
  void anEndpointAnswerOneReplicaStoredIsServedByTheOther() {
    var fromA = a.get("/page/9");
    assertThat(xCache(fromA)).isEqualTo("MISS");
    var fromB = b.get("/page/9");
    assertThat(xCache(fromB)).isEqualTo("HIT");
    assertThat(fromB.body()).isEqualTo(fromA.body());
    assertThat(fromB.json().getJsonObject("item").getInteger("v")).isEqualTo(1);
    assertThat(svc.count()).isEqualTo(1);
  }

  @Test
  void aHundredMissesOverTwoReplicasCauseOneUpstreamRequest() {
    Promise<Void> gate = Promise.promise();
    svc.handler(req -> gate.future().onComplete(v -> req.response().end("v" + version.incrementAndGet())));
    try (Burst onA = Burst.start(vertx, a.port(), "/c/hot", 50); Burst onB = Burst.start(vertx, b.port(), "/c/hot", 50)) {
      Poll.until("one request upstream, 99 waiting on it in either replica", WAIT,
          () -> svc.count() == 1 && stats(a).getInteger("waiting") + stats(b).getInteger("waiting") == 99);
      vertx.runOnContext(v -> gate.complete());
      List<BffUnderTest.Response> all = new ArrayList<>(onA.await());
      all.addAll(onB.await());
      assertThat(all).hasSize(100).allSatisfy(r -> {
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().toString()).isEqualTo("v1");
      });
    }
    assertThat(svc.count()).isEqualTo(1);
  }

  @Test
  void purgesOnOneReplicaApplyToBoth() {
    for (String p : new String[] {"/c/products/1", "/c/products/2", "/c/products/3?x=1", "/c/other"}) {
      a.get(p);
    }
    Poll.until("the four entries are in Redis", WAIT, () -> {
      String keys = redis.run("KEYS", "bff:cache:*");
      return keys.contains("GET /c/products/3?x=1 ") && keys.contains("GET /c/other ");
    });
    assertThat(xCache(b.get("/c/products/1"))).isEqualTo("HIT");
    assertThat(purge(b, new JsonObject().put("key", "GET /c/products/3?x=1")).json().getLong("purged")).isEqualTo(1);
    assertThat(xCache(a.get("/c/products/3?x=1"))).isEqualTo("MISS");
    assertThat(purge(b, new JsonObject().put("tag", "product-1")).json().getLong("purged")).isEqualTo(1);
    assertThat(xCache(a.get("/c/products/1"))).isEqualTo("MISS");
    assertThat(xCache(a.get("/c/products/2"))).isEqualTo("HIT");
    assertThat(purge(a, new JsonObject().put("prefix", "/c/products/")).json().getLong("purged")).isEqualTo(3);
    assertThat(xCache(b.get("/c/products/2"))).isEqualTo("MISS");
    assertThat(xCache(b.get("/c/other"))).isEqualTo("HIT");
    assertThat(svc.count()).isEqualTo(7);
  }

  @Test
  void whileRedisIsDownTheCacheIsBypassedAndItRecoversWithoutARestart() {
    a.get("/c/products/1");
    assertThat(xCache(a.get("/c/products/1"))).isEqualTo("HIT");
    redis.stop();
    for (int i = 0; i < 5; i++) {
      var r = a.get("/c/products/1");
      assertThat(r.status()).isEqualTo(200);
      assertThat(xCache(r)).isEqualTo("BYPASS");
    }
    assertThat(stats(a).getBoolean("available")).isFalse();
    assertThat(warnings.stream().filter(w -> w.startsWith("WARN")).count()).as("logged once, not per request")
        .isEqualTo(1);
    redis.restart(); // back, and empty
    Poll.until("entries are stored again", WAIT, () -> "HIT".equals(xCache(a.get("/c/products/1"))));
    assertThat(warnings).anyMatch(w -> w.startsWith("INFO") && w.contains("answers again"));
    assertThat(xCache(b.get("/c/products/1"))).isEqualTo("HIT");
  }
}
