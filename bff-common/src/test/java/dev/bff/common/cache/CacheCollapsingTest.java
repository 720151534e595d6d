package dev.bff.common.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.Burst;
import dev.bff.common.testing.FakeUpstream;
import dev.bff.common.testing.Poll;
import dev.bff.common.testing.TestClient;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Concurrent misses collapsed into one upstream request, purges on the admin listener, and the memory bound. */
@ExtendWith(VertxExtension.class)
@Timeout(90)
class CacheCollapsingTest {
  static final Duration WAIT = Duration.ofSeconds(20);

  Vertx vertx;
  FakeUpstream svc;
  BffUnderTest bff;
  TestClient admin;
  final AtomicInteger version = new AtomicInteger();

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    svc = FakeUpstream.start(vertx, "svc");
    bff = BffUnderTest.start(vertx, """
        server: { port: 0, admin-port: 0, instances: 2 }
        cache: { max-bytes: 64KB, max-object-size: 8KB }
        upstreams:
          svc: { instances: ["${SVC}"] }
        routes:
          - { id: products, path: "/c/**", upstream: svc, cache: { ttl: 60s } }
        """, Map.of("SVC", svc.url()));
    admin = TestClient.of(vertx, bff.adminPort());
  }

  @AfterEach
  void stop() {
    admin.close();
    bff.close();
    svc.close();
  }

  JsonObject stats() {
    return admin.get("/admin/cache").json();
  }

  BffUnderTest.Response purge(JsonObject body) {
    return admin.send(HttpMethod.POST, "/admin/cache/purge", Map.of("Content-Type", "application/json"),
        Buffer.buffer(body.encode()));
  }

  @Test
  void aHundredConcurrentMissesCauseOneUpstreamRequest() {
    Promise<Void> gate = Promise.promise();
    svc.handler(req -> gate.future().onComplete(v -> req.response().end("v" + version.incrementAndGet())));
    try (Burst burst = Burst.start(vertx, bff.port(), "/c/hot", 100)) {
      Poll.until("one request upstream and the other 99 waiting for it", WAIT,
          () -> svc.count() == 1 && stats().getInteger("waiting") == 99);
      vertx.runOnContext(v -> gate.complete());
      List<BffUnderTest.Response> all = burst.await();
      assertThat(all).hasSize(100).allSatisfy(r -> {
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().toString()).isEqualTo("v1");
      });
      assertThat(all.stream().filter(r -> "MISS".equals(r.header("X-Cache"))).count()).isEqualTo(1);
      assertThat(all.stream().filter(r -> "HIT".equals(r.header("X-Cache"))).count()).isEqualTo(99);
    }
    assertThat(svc.count()).isEqualTo(1);
    assertThat(stats().getLong("collapsed")).isEqualTo(99);
  }

  @Test
  void whenTheLeadersAnswerCannotBeStoredTheWaitersGoUpstreamThemselves() {
    Promise<Void> gate = Promise.promise();
    svc.handler(req -> gate.future().onComplete(v -> req.response().putHeader("Cache-Control", "private")
        .end("v" + version.incrementAndGet())));
    try (Burst burst = Burst.start(vertx, bff.port(), "/c/private", 10)) {
      Poll.until("nine waiting", WAIT, () -> svc.count() == 1 && stats().getInteger("waiting") == 9);
      vertx.runOnContext(v -> gate.complete());
      assertThat(burst.await()).hasSize(10).allSatisfy(r -> assertThat(r.header("X-Cache")).isEqualTo("MISS"));
    }
    assertThat(svc.count()).isEqualTo(10);
  }

  @Test
  void purgesByKeyPrefixAndTag() {
    svc.handler(req -> req.response().putHeader("Surrogate-Key", req.path().contains("/products/")
        ? "product-" + req.path().substring(req.path().lastIndexOf('/') + 1) + " catalog" : "other")
        .end("v" + version.incrementAndGet()));
    for (String p : new String[] {"/c/products/1", "/c/products/2?lang=de", "/c/products/3", "/c/other"}) {
      bff.get(p);
    }
    assertThat(svc.count()).isEqualTo(4);
    var byKey = purge(new JsonObject().put("key", "GET /c/products/2?lang=de"));
    assertThat(byKey.json().getLong("purged")).isEqualTo(1);
    assertThat(bff.get("/c/products/2?lang=de").header("X-Cache")).isEqualTo("MISS");
    assertThat(bff.get("/c/products/1").header("X-Cache")).isEqualTo("HIT");
    assertThat(purge(new JsonObject().put("tag", "product-1")).json().getLong("purged")).isEqualTo(1);
    assertThat(bff.get("/c/products/1").header("X-Cache")).isEqualTo("MISS");
    assertThat(bff.get("/c/products/3").header("X-Cache")).isEqualTo("HIT");
    assertThat(purge(new JsonObject().put("prefix", "/c/products/")).json().getLong("purged")).isEqualTo(3);
    assertThat(bff.get("/c/products/3").header("X-Cache")).isEqualTo("MISS");
    assertThat(bff.get("/c/other").header("X-Cache")).isEqualTo("HIT");
    assertThat(purge(new JsonObject().put("tag", "catalog")).json().getLong("purged")).isEqualTo(1);
    assertThat(purge(new JsonObject().put("key", "/c/other")).json().getLong("purged")).isEqualTo(1);
    assertThat(stats().getLong("purged")).isEqualTo(7);
    var bad = purge(new JsonObject().put("key", "/a").put("tag", "b"));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().getString("detail")).contains("exactly one of key, prefix or tag");
    assertThat(purge(new JsonObject().put("prefix", "c/")).status()).isEqualTo(400);
  }

  @Test
  void theMemoryStoreStaysUnderMaxBytesWhenFloodedThroughTheGateway() {
    String body = "x".repeat(1024);
    svc.handler(req -> req.response().end(body));
    for (int i = 0; i < 1500; i++) {
      assertThat(bff.get("/c/flood/" + i).status()).isEqualTo(200);
    }
    JsonObject s = stats();
    assertThat(s.getLong("bytes")).isPositive().isLessThanOrEqualTo(64 * 1024);
    assertThat(s.getLong("evictions")).isPositive();
    assertThat(s.getLong("entries")).isLessThan(64);
    svc.handler(req -> req.response().end("y".repeat(9000)));
    bff.get("/c/big");
    assertThat(bff.get("/c/big").header("X-Cache")).as("above max-object-size: never stored").isEqualTo("MISS");
  }

  @Test
  void aHundredThousandDistinctKeysNeverTakeTheStorePastMaxBytes() {
    long max = 1024 * 1024;
    MemoryStore store = new MemoryStore(max);
    Freshness f = new Freshness(60_000, 0, 0, false, false, 0);
    Buffer body = Buffer.buffer(new byte[700]);
    for (int i = 0; i < 100_000; i++) {
      String key = "GET /flood/" + i + " @r";
      store.put(key, CachedResponse.of(200, io.vertx.core.http.HttpHeaders.headers().add("content-type", "text/plain"),
          body, 0, f, List.of("t" + (i % 10)), List.of()), 60_000);
      if (i % 5000 == 0) {
        assertThat(store.bytes()).isLessThanOrEqualTo(max);
      }
    }
    assertThat(store.bytes()).isPositive().isLessThanOrEqualTo(max);
    JsonObject s = store.stats();
    assertThat(s.getLong("entries")).isBetween(900L, 1100L);
    assertThat(s.getLong("evictions")).isGreaterThan(98_000L);
    assertThat(store.getNow("GET /flood/99999 @r")).as("the newest entry is kept").isNotNull();
  }
}
