package dev.bff.common.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.DemoStack;
import dev.bff.common.testing.FakeUpstream;
import dev.bff.common.testing.Poll;
import dev.bff.demo.FaultRule;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Stale entries: revalidated with the cache's validators (and 304 answered to clients holding
 * the entry's), served while one background request refreshes them, and served when the upstream
 * fails. Entries are made stale by the upstream's {@code Age} header, so no test waits for a clock.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class CacheRevalidationTest {
  static final Duration WAIT = Duration.ofSeconds(15);
  static final String LAST_MODIFIED = "Tue, 03 Nov 2026 10:00:00 GMT";

  Vertx vertx;
  FakeUpstream svc;
  BffUnderTest bff;
  final AtomicInteger version = new AtomicInteger();

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    svc = FakeUpstream.start(vertx, "svc");
    bff = BffUnderTest.start(vertx, """
        upstreams:
          svc: { instances: ["${SVC}"], retry: { attempts: 0 } }
        routes:
          - { id: plain, path: "/c/**", upstream: svc, cache: {} }
          - { id: sie, path: "/e/**", upstream: svc, cache: { stale-if-error: 1m } }
          - { id: honour, path: "/h/**", upstream: svc, cache: { client-cache-control: honour } }
        """, Map.of("SVC", svc.url()));
  }

  @AfterEach
  void stop() {
    bff.close();
    svc.close();
  }

  void respond(HttpServerRequest req, int status, String... headers) {
    req.response().setStatusCode(status);
    for (int i = 0; i < headers.length; i += 2) {
      req.response().headers().add(headers[i], headers[i + 1]);
    }
    req.response().end("v" + version.incrementAndGet());
  }

  static String xCache(BffUnderTest.Response r) {
    return r.header("X-Cache");
  }

  @Test
  void aStaleEntryIsRevalidatedWithItsETagAndA304RefreshesIt() {
    svc.handler(req -> {
      if ("\"r1\"".equals(req.getHeader("If-None-Match"))) {
        req.response().setStatusCode(304).putHeader("ETag", "\"r1\"").putHeader("Cache-Control", "max-age=60")
            .putHeader("X-Revalidated", "yes").end();
      } else {
        respond(req, 200, "Cache-Control", "max-age=0", "ETag", "\"r1\"", "Content-Type", "text/plain");
      }
    });
    var first = bff.get("/c/r", Map.of("If-None-Match", "\"old\""));
    assertThat(xCache(first)).isEqualTo("MISS");
    assertThat(svc.seen().get(0).headers().get("If-None-Match")).as("the cache asks for a whole answer").isNull();
    var second = bff.get("/c/r");
    assertThat(xCache(second)).isEqualTo("REVALIDATED");
    assertThat(second.status()).isEqualTo(200);
    assertThat(second.body().toString()).isEqualTo("v1");
    assertThat(second.header("X-Revalidated")).as("the 304's headers update the entry").isEqualTo("yes");
    assertThat(second.header("Cache-Control")).isEqualTo("max-age=60");
    assertThat(second.header("Content-Type")).isEqualTo("text/plain");
    assertThat(svc.seen().get(1).headers().get("If-None-Match")).isEqualTo("\"r1\"");
    var third = bff.get("/c/r");
    assertThat(xCache(third)).as("fresh again for the 304's max-age").isEqualTo("HIT");
    assertThat(svc.count()).isEqualTo(2);
  }

  @Test
  void lastModifiedIsRevalidatedWithIfModifiedSince() {
    svc.handler(req -> {
      if (LAST_MODIFIED.equals(req.getHeader("If-Modified-Since"))) {
        req.response().setStatusCode(304).end();
      } else {
        respond(req, 200, "Cache-Control", "max-age=1", "Age", "3", "Last-Modified", LAST_MODIFIED);
      }
    });
    bff.get("/c/lm");
    var again = bff.get("/c/lm");
    assertThat(xCache(again)).isEqualTo("REVALIDATED");
    assertThat(again.body().toString()).isEqualTo("v1");
    assertThat(svc.count()).isEqualTo(2);
  }

  @Test
  void aClientHoldingTheEntryGets304FromTheCache() {
    svc.handler(req -> respond(req, 200, "Cache-Control", "max-age=60", "ETag", "W/\"c1\"",
        "Last-Modified", LAST_MODIFIED));
    bff.get("/c/inm");
    var notModified = bff.get("/c/inm", Map.of("If-None-Match", "\"x\", \"c1\""));
    assertThat(notModified.status()).isEqualTo(304);
    assertThat(xCache(notModified)).isEqualTo("HIT");
    assertThat(notModified.header("ETag")).isEqualTo("W/\"c1\"");
    assertThat(notModified.body().length()).isZero();
    assertThat(bff.get("/c/inm", Map.of("If-None-Match", "\"other\"")).status()).isEqualTo(200);
    assertThat(bff.get("/c/inm", Map.of("If-Modified-Since", LAST_MODIFIED)).status()).isEqualTo(304);
    assertThat(bff.get("/c/inm", Map.of("If-Modified-Since", "Mon, 02 Nov 2026 10:00:00 GMT")).status())
        .isEqualTo(200);
    assertThat(svc.count()).isEqualTo(1);
  }

  @Test
  void staleWhileRevalidateServesStaleWhileExactlyOneBackgroundRequestRefreshes() {
    Promise<Void> gate = Promise.promise();
    AtomicInteger calls = new AtomicInteger();
    svc.handler(req -> {
      if (calls.incrementAndGet() == 1) {
        respond(req, 200, "Cache-Control", "max-age=1, stale-while-revalidate=60", "Age", "5");
      } else { // the refresh is held until the test lets it go
        gate.future().onComplete(v -> respond(req, 200, "Cache-Control", "max-age=60"));
      }
    });
    assertThat(xCache(bff.get("/c/swr"))).isEqualTo("MISS");
    for (int i = 0; i < 5; i++) {
      var r = bff.get("/c/swr");
      assertThat(xCache(r)).isEqualTo("STALE");
      assertThat(r.body().toString()).isEqualTo("v1");
    }
    Poll.until("the background refresh reaches the upstream", WAIT, () -> svc.count() == 2);
    for (int i = 0; i < 5; i++) {
      assertThat(xCache(bff.get("/c/swr"))).isEqualTo("STALE");
    }
    assertThat(svc.count()).as("one background refresh at a time").isEqualTo(2);
    vertx.runOnContext(v -> gate.complete());
    Poll.until("the refreshed entry is served", WAIT, () -> "v2".equals(bff.get("/c/swr").body().toString()));
    var fresh = bff.get("/c/swr");
    assertThat(xCache(fresh)).isEqualTo("HIT");
    assertThat(svc.count()).isEqualTo(2);
  }

  @Test
  void staleIfErrorServesTheStaleEntryWhenTheUpstreamFailsOrIsDown() {
    AtomicInteger calls = new AtomicInteger();
    svc.handler(req -> {
      if (calls.incrementAndGet() == 1) {
        respond(req, 200, "Cache-Control", "max-age=1", "Age", "5");
      } else {
        respond(req, 500);
      }
    });
    bff.get("/e/sie");
    bff.get("/c/sie");
    var stale = bff.get("/e/sie");
    assertThat(stale.status()).isEqualTo(200);
    assertThat(xCache(stale)).isEqualTo("STALE");
    assertThat(stale.body().toString()).isEqualTo("v1");
    var noWindow = bff.get("/c/sie");
    assertThat(noWindow.status()).as("a route without stale-if-error passes the error on").isEqualTo(500);
    svc.close(); // the upstream is down: connections are refused
    var down = bff.get("/e/sie");
    assertThat(down.status()).isEqualTo(200);
    assertThat(xCache(down)).isEqualTo("STALE");
    assertThat(down.body().toString()).isEqualTo("v1");
    assertThat(bff.get("/e/never-cached").status()).isEqualTo(502);
  }

  @Test
  void aClientsNoCacheIsIgnoredUnlessTheRouteHonoursIt() {
    svc.handler(req -> respond(req, 200, "Cache-Control", "max-age=60", "ETag", "\"h1\""));
    Map<String, String> reload = Map.of("Cache-Control", "no-cache");
    bff.get("/c/reload");
    assertThat(xCache(bff.get("/c/reload", reload))).isEqualTo("HIT");
    bff.get("/h/reload");
    assertThat(xCache(bff.get("/h/reload", Map.of("Cache-Control", "max-age=3600")))).isEqualTo("HIT");
    var revalidated = bff.get("/h/reload", reload);
    assertThat(xCache(revalidated)).as("honoured: revalidated (the upstream answered 200)").isEqualTo("MISS");
    assertThat(svc.seen().get(2).headers().get("If-None-Match")).isEqualTo("\"h1\"");
    assertThat(xCache(bff.get("/h/reload", Map.of("Cache-Control", "no-store")))).isEqualTo("BYPASS");
    assertThat(svc.count()).isEqualTo(4);
  }

  @Test
  void anEntryExpiresWhenItsMaxAgeIsOver() {
    svc.handler(req -> respond(req, 200, "Cache-Control", "max-age=1"));
    assertThat(xCache(bff.get("/c/short"))).isEqualTo("MISS");
    Poll.until("the entry expires", WAIT, () -> "MISS".equals(xCache(bff.get("/c/short"))));
  }

  @Test
  void whenTheDemoCatalogFailsProductPagesAreServedStale(Vertx vertx) {
    try (DemoStack demo = DemoStack.start(vertx);
        BffUnderTest gw = BffUnderTest.start(vertx, """
            upstreams:
              catalog: { instances: ["${CATALOG_URL}"], retry: { attempts: 0 } }
            routes:
              - { path: "/api/products/**", upstream: catalog, strip-prefix: /api, cache: { ttl: 1s, stale-if-error: 10m } }
            """, demo.vars())) {
      var fresh = gw.get("/api/products/7");
      assertThat(fresh.status()).isEqualTo(200);
      demo.services().faults("catalog").add(FaultRule.on("*").withStatus(503, 1.0));
      Poll.until("the entry goes stale and is served stale", WAIT,
          () -> "STALE".equals(gw.get("/api/products/7").header("X-Cache")));
      var stale = gw.get("/api/products/7");
      assertThat(stale.status()).isEqualTo(200);
      assertThat(stale.body()).isEqualTo(fresh.body());
      assertThat(demo.services().stats("catalog").requests()).as("the failing catalog was asked").isGreaterThan(1);
      assertThat(gw.get("/api/products/8").status()).as("nothing stale to serve").isEqualTo(503);
    }
  }
}
