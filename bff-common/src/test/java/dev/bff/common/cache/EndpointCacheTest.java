package dev.bff.common.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.Burst;
import dev.bff.common.testing.FakeUpstream;
import dev.bff.common.testing.Poll;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** A composed endpoint cached whole: hits run no part, degraded answers are never stored. */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class EndpointCacheTest {
  static final Duration WAIT = Duration.ofSeconds(15);

  Vertx vertx;
  FakeUpstream catalog;
  FakeUpstream reviews;
  BffUnderTest bff;
  final AtomicBoolean reviewsDown = new AtomicBoolean();
  final AtomicBoolean catalogDown = new AtomicBoolean();

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    catalog = FakeUpstream.start(vertx, "catalog");
    reviews = FakeUpstream.start(vertx, "reviews");
    catalog.handler(req -> {
      if (catalogDown.get()) {
        req.response().setStatusCode(503).end();
      } else {
        req.response().putHeader("content-type", "application/json")
            .end(new JsonObject().put("id", req.path()).put("n", catalog.count()).encode());
      }
    });
    reviews.handler(req -> {
      if (reviewsDown.get()) {
        req.response().setStatusCode(500).end();
      } else {
        req.response().putHeader("content-type", "application/json").end("{\"average\":4.5}");
      }
    });
    bff = BffUnderTest.start(vertx, """
        upstreams:
          catalog: { instances: ["${CATALOG}"], retry: { attempts: 0 } }
          reviews: { instances: ["${REVIEWS}"], retry: { attempts: 0 } }
        endpoints:
          page:
            path: /page/:id
            cache: { ttl: 60s }
            parts:
              product: { upstream: catalog, path: "/products/{id}", required: true }
              rating: { upstream: reviews, path: "/reviews/{id}" }
          brief:
            path: /brief/:id
            cache: { ttl: 1s, stale-if-error: 10m }
            parts:
              product: { upstream: catalog, path: "/products/{id}", required: true }
        """, Map.of("CATALOG", catalog.url(), "REVIEWS", reviews.url()));
  }

  @AfterEach
  void stop() {
    bff.close();
    catalog.close();
    reviews.close();
  }

  @Test
  void aComposedAnswerIsCachedWholeAndHitsCallNoPart() {
    var first = bff.get("/page/7");
    var second = bff.get("/page/7");
    assertThat(first.header("X-Cache")).isEqualTo("MISS");
    assertThat(first.header("Server-Timing")).isNotNull();
    assertThat(second.header("X-Cache")).isEqualTo("HIT");
    assertThat(second.header("Age")).isNotNull();
    assertThat(second.header("Server-Timing")).as("the timing of a past composition is not replayed").isNull();
    assertThat(second.header("content-type")).isEqualTo("application/json");
    assertThat(second.body()).isEqualTo(first.body());
    assertThat(second.json().getJsonObject("rating").getDouble("average")).isEqualTo(4.5);
    assertThat(catalog.count()).isEqualTo(1);
    assertThat(reviews.count()).isEqualTo(1);
    assertThat(bff.get("/page/8").header("X-Cache")).isEqualTo("MISS");
  }

  @Test
  void aDegradedAnswerIsNeverStored() {
    reviewsDown.set(true);
    var first = bff.get("/page/7");
    assertThat(first.header("BFF-Degraded")).isNotNull();
    var second = bff.get("/page/7");
    assertThat(second.header("X-Cache")).isEqualTo("MISS");
    assertThat(catalog.count()).isEqualTo(2);
    reviewsDown.set(false);
    bff.get("/page/7");
    assertThat(bff.get("/page/7").header("X-Cache")).as("whole again: stored").isEqualTo("HIT");
  }

  @Test
  void aFailingEndpointIsAnsweredFromItsStaleEntryWithinStaleIfError() {
    var fresh = bff.get("/brief/3");
    assertThat(fresh.status()).isEqualTo(200);
    catalogDown.set(true);
    Poll.until("the entry is stale and served instead of the failure", WAIT,
        () -> "STALE".equals(bff.get("/brief/3").header("X-Cache")));
    var stale = bff.get("/brief/3");
    assertThat(stale.status()).isEqualTo(200);
    assertThat(stale.body()).isEqualTo(fresh.body());
    assertThat(bff.get("/brief/4").status()).as("nothing stale to serve: the required part failed").isEqualTo(502);
  }

  @Test
  void concurrentMissesOfAnEndpointRunItOnce() {
    Promise<Void> gate = Promise.promise();
    catalog.handler(req -> gate.future().onComplete(v -> req.response().putHeader("content-type", "application/json")
        .end("{\"id\":1}")));
    try (Burst burst = Burst.start(vertx, bff.port(), "/page/1", 20)) {
      Poll.until("one composition running", WAIT, () -> catalog.count() == 1 && reviews.count() == 1);
      vertx.runOnContext(v -> gate.complete());
      assertThat(burst.await()).hasSize(20).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
    }
    assertThat(catalog.count()).isEqualTo(1);
  }
}
