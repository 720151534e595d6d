package dev.bff.common.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.FakeUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.junit5.VertxExtension;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The shared-cache rules of RFC 9111 on a proxied route, one directive per test: the upstream
 * (a fake that counts requests) sets the headers under test, and the gateway's answers say by
 * {@code X-Cache} how they were served.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class ResponseCacheTest {
  static final String ACME = "ak_cache_acme_5f1e2d3c4b";
  static final String GLOBEX = "ak_cache_globex_9a8b7c6d";

  FakeUpstream svc;
  BffUnderTest bff;
  final AtomicInteger version = new AtomicInteger();

  @BeforeEach
  void start(Vertx vertx) {
    svc = FakeUpstream.start(vertx, "svc");
    bff = BffUnderTest.start(vertx, """
        server: { port: 0, admin-port: 0, instances: 1 }
        auth:
          default: public
          api-keys:
            keys:
              - { id: k1, sha256: "%s", partner: acme }
              - { id: k2, sha256: "%s", partner: globex }
        upstreams:
          svc: { instances: ["${SVC}"] }
        routes:
          - { id: plain, path: "/c/**", upstream: svc, cache: {} }
          - { id: ttl, path: "/t/**", upstream: svc, cache: { ttl: 60s } }
          - { id: keyed, path: "/k/**", upstream: svc, auth: api-key, cache: { ttl: 60s } }
          - { id: per-user, path: "/u/**", upstream: svc, auth: api-key, cache: { ttl: 60s, per-user: true } }
          - { id: off, path: "/off/**", upstream: svc }
          - { id: listed, path: "/l/**", upstream: svc, cache: { ttl: 60s, key: { query: [page], headers: [X-Tenant] } } }
        """.formatted(sha256(ACME), sha256(GLOBEX)), Map.of("SVC", svc.url()));
  }

  static String sha256(String key) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterEach
  void stop() {
    bff.close();
    svc.close();
  }

  /** The upstream answers {@code status} with a new body each time ({@code v1}, {@code v2}, ...) and these headers. */
  void answer(int status, String... headers) {
    svc.handler(req -> respond(req, status, headers));
  }

  void respond(HttpServerRequest req, int status, String... headers) {
    req.response().setStatusCode(status);
    for (int i = 0; i < headers.length; i += 2) {
      req.response().headers().add(headers[i], headers[i + 1]);
    }
    req.response().end("v" + version.incrementAndGet());
  }

  String xCache(BffUnderTest.Response r) {
    return r.header("X-Cache");
  }

  @Test
  void maxAgeServesFromTheCacheWithAnAgeHeader() {
    answer(200, "Cache-Control", "max-age=60", "Age", "7");
    var first = bff.get("/c/a");
    var second = bff.get("/c/a");
    assertThat(xCache(first)).isEqualTo("MISS");
    assertThat(xCache(second)).isEqualTo("HIT");
    assertThat(second.body().toString()).isEqualTo("v1");
    assertThat(Integer.parseInt(second.header("Age"))).as("the upstream's Age plus time here").isBetween(7, 60);
    assertThat(second.header("Cache-Control")).isEqualTo("max-age=60");
    assertThat(second.header("Via")).isEqualTo("1.1 bff");
    assertThat(second.header("X-Request-Id")).isNotEqualTo(first.header("X-Request-Id"));
    assertThat(svc.count()).isEqualTo(1);
    assertThat(bff.get("/off/a").header("X-Cache")).as("routes without cache are not labelled").isNull();
  }

  @Test
  void anEntryOlderThanItsMaxAgeIsNotServed() {
    answer(200, "Cache-Control", "max-age=5", "Age", "10"); // stale on arrival: not worth storing
    assertThat(xCache(bff.get("/c/old"))).isEqualTo("MISS");
    assertThat(xCache(bff.get("/c/old"))).isEqualTo("MISS");
    assertThat(svc.count()).isEqualTo(2);
  }

  @Test
  void sMaxAgeWinsOverMaxAgeForASharedCache() {
    answer(200, "Cache-Control", "max-age=0, s-maxage=60");
    bff.get("/c/s");
    assertThat(xCache(bff.get("/c/s"))).isEqualTo("HIT");
    assertThat(svc.count()).isEqualTo(1);
  }

  @Test
  void noStoreIsNeverStored() {
    answer(200, "Cache-Control", "no-store, max-age=60");
    bff.get("/t/ns");
    var r = bff.get("/t/ns");
    assertThat(xCache(r)).isEqualTo("MISS");
    assertThat(r.body().toString()).isEqualTo("v2");
    assertThat(svc.count()).isEqualTo(2);
  }

  @Test
  void privateIsNotStored() {
    answer(200, "Cache-Control", "private, max-age=60");
    bff.get("/t/p");
    assertThat(xCache(bff.get("/t/p"))).isEqualTo("MISS");
    assertThat(svc.count()).isEqualTo(2);
  }

  @Test
  void noCacheIsStoredButRevalidatedOnEveryUse() {
    svc.handler(req -> {
      if ("\"e1\"".equals(req.getHeader("If-None-Match"))) {
        req.response().setStatusCode(304).putHeader("ETag", "\"e1\"").end();
      } else {
        respond(req, 200, "Cache-Control", "no-cache", "ETag", "\"e1\"");
      }
    });
    assertThat(xCache(bff.get("/c/nc"))).isEqualTo("MISS");
    var second = bff.get("/c/nc");
    var third = bff.get("/c/nc");
    assertThat(xCache(second)).isEqualTo("REVALIDATED");
    assertThat(xCache(third)).isEqualTo("REVALIDATED");
    assertThat(third.status()).isEqualTo(200);
    assertThat(third.body().toString()).isEqualTo("v1");
    assertThat(svc.count()).isEqualTo(3);
    assertThat(svc.seen().get(2).headers().get("If-None-Match")).isEqualTo("\"e1\"");
  }

  @Test
  void mustRevalidateIsNeverServedStaleEvenWithAStaleWindow() {
    svc.handler(req -> {
      if (req.getHeader("If-None-Match") != null) {
        req.response().setStatusCode(500).end();
      } else {
        respond(req, 200, "Cache-Control", "max-age=5, must-revalidate, stale-while-revalidate=60, stale-if-error=60",
            "Age", "10", "ETag", "\"m1\"");
      }
    });
    assertThat(xCache(bff.get("/c/mr"))).isEqualTo("MISS");
    var r = bff.get("/c/mr");
    assertThat(r.status()).as("revalidation failed and stale serving is forbidden " + r.headers() + r.body()).isEqualTo(500);
    assertThat(xCache(r)).isEqualTo("MISS");
    assertThat(svc.count()).isEqualTo(2);
  }

  @Test
  void expiresGivesFreshnessWhenThereIsNoMaxAge() {
    ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
    String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(now);
    svc.handler(req -> respond(req, 200, "Date", date, "Expires",
        DateTimeFormatter.RFC_1123_DATE_TIME.format(now.plusSeconds(60))));
    bff.get("/c/exp");
    assertThat(xCache(bff.get("/c/exp"))).isEqualTo("HIT");
    svc.handler(req -> respond(req, 200, "Date", date, "Expires", date));
    bff.get("/c/expired");
    assertThat(xCache(bff.get("/c/expired"))).as("Expires equal to Date: stale at once").isEqualTo("MISS");
    svc.handler(req -> respond(req, 200, "Expires", "0", "Cache-Control", "public"));
    bff.get("/t/invalid");
    assertThat(xCache(bff.get("/t/invalid"))).as("an invalid Expires means expired, not the route's ttl")
        .isEqualTo("MISS");
  }

  @Test
  void varyKeepsOneEntryPerValueOfTheVaryingHeaders() {
    svc.handler(req -> req.response().putHeader("Cache-Control", "max-age=60").putHeader("Vary", "Accept-Language")
        .end("lang=" + req.getHeader("Accept-Language") + " #" + version.incrementAndGet()));
    var en = bff.get("/c/v", Map.of("Accept-Language", "en"));
    var de = bff.get("/c/v", Map.of("Accept-Language", "de"));
    var en2 = bff.get("/c/v", Map.of("Accept-Language", "en"));
    var de2 = bff.get("/c/v", Map.of("Accept-Language", "de"));
    assertThat(xCache(en)).isEqualTo("MISS");
    assertThat(xCache(de)).isEqualTo("MISS");
    assertThat(xCache(en2)).isEqualTo("HIT");
    assertThat(en2.body().toString()).isEqualTo("lang=en #1");
    assertThat(xCache(de2)).isEqualTo("HIT");
    assertThat(de2.body().toString()).isEqualTo("lang=de #2");
    assertThat(svc.count()).isEqualTo(2);
  }

  @Test
  void varyStarIsNeverCached() {
    answer(200, "Cache-Control", "max-age=60", "Vary", "*");
    bff.get("/c/star");
    assertThat(xCache(bff.get("/c/star"))).isEqualTo("MISS");
    assertThat(svc.count()).isEqualTo(2);
  }

  @Test
  void aRequestWithAuthorizationIsCachedOnlyWhenTheResponseSaysPublicOrSMaxAge() {
    Map<String, String> auth = Map.of("Authorization", "Bearer opaque-1");
    answer(200, "Cache-Control", "max-age=60");
    bff.get("/c/auth", auth);
    assertThat(xCache(bff.get("/c/auth", auth))).isEqualTo("MISS");
    answer(200, "Cache-Control", "public, max-age=60");
    bff.get("/c/auth-public", auth);
    assertThat(xCache(bff.get("/c/auth-public", auth))).isEqualTo("HIT");
    answer(200, "Cache-Control", "s-maxage=60");
    bff.get("/c/auth-shared", auth);
    assertThat(xCache(bff.get("/c/auth-shared", auth))).isEqualTo("HIT");
    assertThat(svc.count()).isEqualTo(4);
  }

  @Test
  void anAuthenticatedPartnerIsCachedOnlyPerUserOrWhenPublic() {
    answer(200); // no freshness from the upstream: the route's ttl
    bff.get("/k/x", Map.of("X-Api-Key", ACME));
    assertThat(xCache(bff.get("/k/x", Map.of("X-Api-Key", ACME)))).as("credentials, not per-user").isEqualTo("MISS");
    assertThat(svc.count()).isEqualTo(2);
    var acme = bff.get("/u/x", Map.of("X-Api-Key", ACME));
    var globex = bff.get("/u/x", Map.of("X-Api-Key", GLOBEX));
    var acme2 = bff.get("/u/x", Map.of("X-Api-Key", ACME));
    var globex2 = bff.get("/u/x", Map.of("X-Api-Key", GLOBEX));
    assertThat(xCache(acme)).isEqualTo("MISS");
    assertThat(xCache(globex)).as("another partner, another entry").isEqualTo("MISS");
    assertThat(acme2.body()).isEqualTo(acme.body());
    assertThat(xCache(acme2)).isEqualTo("HIT");
    assertThat(globex2.body()).isEqualTo(globex.body());
    assertThat(xCache(globex2)).isEqualTo("HIT");
    assertThat(svc.count()).isEqualTo(4);
    assertThat(bff.get("/u/x").status()).as("the cache never answers before authentication").isEqualTo(401);
  }

  @Test
  void onlyCacheableStatusesAreStored() {
    answer(404, "Cache-Control", "max-age=60");
    bff.get("/c/missing");
    var again = bff.get("/c/missing");
    assertThat(again.status()).isEqualTo(404);
    assertThat(xCache(again)).isEqualTo("HIT");
    answer(500, "Cache-Control", "max-age=60");
    bff.get("/c/broken");
    assertThat(xCache(bff.get("/c/broken"))).isEqualTo("MISS");
    answer(302, "Cache-Control", "max-age=60", "Location", "/elsewhere");
    bff.get("/c/moved");
    assertThat(xCache(bff.get("/c/moved"))).isEqualTo("MISS");
    assertThat(svc.count()).isEqualTo(5);
  }

  @Test
  void setCookieAndRangeAreNeverServedFromOrToTheCache() {
    answer(200, "Cache-Control", "max-age=60", "Set-Cookie", "session=abc");
    bff.get("/c/cookie");
    assertThat(xCache(bff.get("/c/cookie"))).isEqualTo("MISS");
    answer(200, "Cache-Control", "max-age=60");
    bff.get("/c/range");
    var ranged = bff.get("/c/range", Map.of("Range", "bytes=0-1"));
    assertThat(xCache(ranged)).isEqualTo("BYPASS");
    assertThat(svc.count()).isEqualTo(4);
  }

  @Test
  void headIsAnsweredFromTheGetEntryAndUnsafeMethodsInvalidate() {
    answer(200, "Cache-Control", "max-age=60", "Content-Type", "text/plain");
    bff.get("/c/item");
    var head = bff.send(HttpMethod.HEAD, "/c/item", Map.of(), null);
    assertThat(xCache(head)).isEqualTo("HIT");
    assertThat(head.header("Content-Length")).isEqualTo("2");
    assertThat(head.body().length()).isZero();
    var post = bff.send(HttpMethod.POST, "/c/item", Map.of(), io.vertx.core.buffer.Buffer.buffer("{}"));
    assertThat(xCache(post)).isEqualTo("BYPASS");
    var after = bff.get("/c/item");
    assertThat(xCache(after)).as("a successful POST invalidated the URI").isEqualTo("MISS");
    assertThat(svc.count()).isEqualTo(3);
  }

  @Test
  void listedQueryParametersAndKeyHeadersMakeTheKey() {
    answer(200);
    bff.get("/l/q?page=1&utm=a", Map.of("X-Tenant", "t1"));
    assertThat(xCache(bff.get("/l/q?utm=b&page=1", Map.of("X-Tenant", "t1")))).as("utm is not keyed").isEqualTo("HIT");
    assertThat(xCache(bff.get("/l/q?page=1", Map.of("X-Tenant", "t2")))).as("another tenant").isEqualTo("MISS");
    assertThat(xCache(bff.get("/l/q?page=2", Map.of("X-Tenant", "t1")))).isEqualTo("MISS");
    assertThat(svc.count()).isEqualTo(3);
  }

  @Test
  void theQueryIsPartOfTheKey() {
    answer(200, "Cache-Control", "max-age=60");
    bff.get("/c/q?page=1");
    assertThat(xCache(bff.get("/c/q?page=2"))).isEqualTo("MISS");
    assertThat(xCache(bff.get("/c/q?page=1"))).isEqualTo("HIT");
    assertThat(svc.count()).isEqualTo(2);
  }
}
