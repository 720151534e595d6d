package dev.bff.common.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.FakeUpstream;
import dev.bff.common.testing.Poll;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A cached route that edits answers ({@code transform.response}) stores what its clients get: the
 * edited body, without the upstream's validators, whether the entry comes from a miss, a background
 * refresh or a revalidation; an answer that cannot be edited is never stored.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class TransformCacheTest {
  FakeUpstream catalog;
  BffUnderTest bff;

  @BeforeEach
  void start(Vertx vertx) {
    catalog = FakeUpstream.start(vertx, "catalog");
    bff = BffUnderTest.start(vertx, """
        server: { port: 0, admin-port: 0, instances: 1 }
        upstreams:
          catalog: { instances: ["${CATALOG}"] }
        routes:
          - path: /p/v1/products/:id
            upstream: catalog
            rewrite: "/v2/products/{id}"
            cache: { ttl: 60s }
            transform:
              response:
                - move: { unitPrice.amount: price, unitPrice.currency: currency }
                - remove: [unitPrice]
        """, Map.of("CATALOG", catalog.url()));
  }

  @AfterEach
  void stop() {
    bff.close();
    catalog.close();
  }

  /** Answers a v2 product priced {@code amount}, with these headers. */
  private static void v2(HttpServerRequest req, String amount, String... headers) {
    req.response().putHeader("content-type", "application/json").putHeader("ETag", "\"v2-" + amount + "\"");
    for (int i = 0; i < headers.length; i += 2) {
      req.response().putHeader(headers[i], headers[i + 1]);
    }
    req.response().end("{\"id\":\"7\",\"unitPrice\":{\"amount\":" + amount + ",\"currency\":\"EUR\"}}");
  }

  private static JsonObject v1(Object price) {
    return new JsonObject().put("id", "7").put("price", price).put("currency", "EUR");
  }

  @Test
  void aHitServesTheEditedBodyAsStored() {
    catalog.handler(req -> v2(req, "19.90"));
    var miss = bff.get("/p/v1/products/7");
    assertThat(miss.header("X-Cache")).isEqualTo("MISS");
    assertThat(miss.json()).isEqualTo(v1(19.90));

    var hit = bff.get("/p/v1/products/7");
    assertThat(hit.header("X-Cache")).isEqualTo("HIT");
    assertThat(hit.body()).isEqualTo(miss.body());
    assertThat(hit.header("content-length")).isEqualTo(Integer.toString(hit.body().length()));
    assertThat(hit.header("etag")).isNull();
    assertThat(catalog.count()).isEqualTo(1);
  }

  @Test
  void aBackgroundRefreshStoresTheEditedAnswer() {
    catalog.handler(req -> v2(req, "1", "Cache-Control", "max-age=1, stale-while-revalidate=60", "Age", "5"));
    assertThat(bff.get("/p/v1/products/7").json()).isEqualTo(v1(1));
    catalog.handler(req -> v2(req, "2", "Cache-Control", "max-age=60"));
    var stale = bff.get("/p/v1/products/7");
    assertThat(stale.header("X-Cache")).isEqualTo("STALE");
    assertThat(stale.json()).isEqualTo(v1(1));
    Poll.until("the refreshed entry is served", Duration.ofSeconds(10),
        () -> bff.get("/p/v1/products/7").json().equals(v1(2)));
    var hit = bff.get("/p/v1/products/7");
    assertThat(hit.header("X-Cache")).isEqualTo("HIT");
    assertThat(hit.header("etag")).isNull();
    assertThat(catalog.seen().get(1).headers().get("accept-encoding")).isEqualTo("identity");
  }

  @Test
  void aRevalidatedEntryKeepsItsEditedBodyAndGainsNoUpstreamTag() {
    String modified = "Tue, 01 Jul 2025 10:00:00 GMT";
    catalog.handler(req -> v2(req, "3", "Cache-Control", "max-age=0", "Last-Modified", modified));
    assertThat(bff.get("/p/v1/products/7").json()).isEqualTo(v1(3));
    catalog.handler(req -> req.response().setStatusCode(304).putHeader("ETag", "\"v2-3\"")
        .putHeader("Cache-Control", "max-age=60").end());
    var revalidated = bff.get("/p/v1/products/7");
    assertThat(revalidated.header("X-Cache")).isEqualTo("REVALIDATED");
    assertThat(revalidated.json()).isEqualTo(v1(3));
    assertThat(revalidated.header("etag")).isNull();
    assertThat(revalidated.header("content-encoding")).isNull();
    var asked = catalog.seen().get(1).headers();
    assertThat(asked.get("if-modified-since")).isEqualTo(modified);
    assertThat(asked.contains("if-none-match")).as("the entry holds no upstream tag").isFalse();
    assertThat(bff.get("/p/v1/products/7").header("X-Cache")).isEqualTo("HIT");
  }

  @Test
  void anAnswerThatCannotBeEditedIsNotStored() {
    catalog.handler(req -> req.response().putHeader("content-type", "application/json").end("{\"id\":"));
    assertThat(bff.get("/p/v1/products/7").status()).isEqualTo(502);
    catalog.handler(req -> v2(req, "4"));
    var next = bff.get("/p/v1/products/7");
    assertThat(next.header("X-Cache")).isEqualTo("MISS");
    assertThat(next.json()).isEqualTo(v1(4));
  }
}
