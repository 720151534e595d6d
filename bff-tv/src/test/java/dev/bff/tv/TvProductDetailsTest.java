package dev.bff.tv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.BuiltInBff;
import dev.bff.common.testing.DemoStack;
import dev.bff.demo.FaultRule;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * bff-tv's product screen, declared in bff-tv.yaml, against the demo services. Each test asks for
 * a product of its own, so last good values of one test never show up in another.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class TvProductDetailsTest {
  Vertx vertx;
  DemoStack demo;
  BffUnderTest bff;

  @BeforeAll
  void start(Vertx vertx) {
    this.vertx = vertx;
    demo = DemoStack.start(vertx);
    bff = BuiltInBff.start(vertx, new TvBff(), demo.vars());
  }

  @AfterEach
  void clearFaults() {
    demo.clearFaults();
    bff.purgeCache(); // a cached answer would hide the next test's faults
  }

  @AfterAll
  void stop() {
    bff.close();
    demo.close();
  }

  @Test
  void theProductScreenHasLargeArtworkARatingAndARailOfRelatedProducts() {
    var r = bff.get("/tv/product-details/7");
    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    JsonObject body = r.json();
    assertThat(body.fieldNames()).containsExactly("id", "name", "brand", "price", "currency", "artwork", "rating",
        "rail");
    assertThat(body.getString("id")).isEqualTo("7");
    assertThat(body.getJsonObject("artwork").fieldNames()).containsExactly("large", "xlarge");
    assertThat(body.getJsonObject("artwork").getString("large")).endsWith("/7/large.jpg");
    assertThat(body.getJsonObject("artwork").getString("xlarge")).endsWith("/7/xlarge.jpg");
    assertThat(body.getJsonObject("rating").fieldNames()).containsExactly("average", "count");

    JsonArray recommended = new JsonObject(bff.get("/tv/recommendations?productId=7&limit=10").body())
        .getJsonArray("items");
    JsonArray rail = body.getJsonArray("rail");
    List<Object> railIds = new ArrayList<>();
    for (int i = 0; i < rail.size(); i++) {
      JsonObject item = rail.getJsonObject(i);
      assertThat(item.fieldNames()).containsExactly("id", "title", "artwork");
      assertThat(item.getString("artwork")).endsWith("/" + item.getString("id") + "/large.jpg");
      railIds.add(item.getValue("id"));
    }
    assertThat(railIds).as("the recommended products, in order").isEqualTo(recommended.getList()).hasSize(10);
    assertThat(r.body().toString()).doesNotContain("\"description\"").doesNotContain("\"text\"");
    assertThat(r.header("BFF-Degraded")).isNull();
    assertThat(body.containsKey("_meta")).isFalse();
    assertThat(TvBffTest.timingNames(r.header("Server-Timing"))).containsExactly("product", "rating", "recs",
        "related");
  }

  @Test
  void aFailingRatingIsLeftOutAndTheAnswerSaysSo() {
    demo.services().faults("reviews").add(FaultRule.on("/reviews/summary").withStatus(500, 1.0));
    var r = bff.get("/tv/product-details/11");
    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    assertThat(r.json().containsKey("rating")).isFalse();
    assertThat(r.json().containsKey("rail")).isTrue();
    assertThat(r.header("BFF-Degraded")).isEqualTo("rating=error");
    JsonObject meta = r.json().getJsonObject("_meta").getJsonArray("degraded").getJsonObject(0);
    assertThat(meta.getString("part")).isEqualTo("rating");
    assertThat(meta.getString("reason")).isEqualTo("error");
    assertThat(meta.getString("served")).isEqualTo("omitted");
    assertThat(TvBffTest.timingNames(r.header("Server-Timing"))).containsExactly("product", "rating", "recs",
        "related");
  }

  @Test
  void aHangingRatingIsServedFromItsLastGoodValue() {
    JsonObject rating = bff.get("/tv/product-details/12").json().getJsonObject("rating");
    demo.services().faults("reviews").add(FaultRule.on("/reviews/summary").withHang());
    bff.purgeCache(); // as if the page's cache entry had expired: the composition runs again
    var r = bff.get("/tv/product-details/12");
    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    assertThat(r.json().getJsonObject("rating")).isEqualTo(rating);
    assertThat(r.header("BFF-Degraded")).isEqualTo("rating=timeout");
    JsonObject meta = r.json().getJsonObject("_meta").getJsonArray("degraded").getJsonObject(0);
    assertThat(meta.getString("part")).isEqualTo("rating");
    assertThat(meta.getString("served")).isEqualTo("stale");
  }

  @Test
  void failingRecommendationsLeaveTheRailOut() {
    demo.services().faults("recommendations").add(FaultRule.on("/recommendations").withStatus(500, 1.0));
    var r = bff.get("/tv/product-details/13");
    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    assertThat(r.json().containsKey("rail")).isFalse();
    assertThat(r.json().getString("name")).isNotBlank();
    assertThat(r.header("BFF-Degraded")).isEqualTo("recs=error, related=skipped");
  }

  @Test
  void anUnknownProductIs404NamingThePart() {
    var r = bff.get("/tv/product-details/9999");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.header("content-type")).isEqualTo("application/problem+json");
    assertThat(r.json().getString("detail")).contains("'product'");
  }

  @Test
  void aFailingCatalogIs502NamingThePart() {
    demo.services().faults("catalog").add(FaultRule.on("/products/*").withStatus(500, 1.0));
    var r = bff.get("/tv/product-details/14");
    assertThat(r.status()).isEqualTo(502);
    assertThat(r.header("content-type")).isEqualTo("application/problem+json");
    assertThat(r.json().getString("detail")).contains("'product'");
    assertThat(r.header("Server-Timing")).contains("product;");
  }

  @Test
  void theReviewsCircuitOpensAfterEnoughFailuresAndTheRatingIsNoLongerAskedFor() {
    demo.services().faults("reviews").add(FaultRule.on("/reviews/summary").withStatus(500, 1.0));
    try (BffUnderTest fresh = BuiltInBff.start(vertx, new TvBff(), demo.vars())) {
      for (int i = 0; i < 20; i++) { // minimum-calls: 20, all of them failures
        assertThat(fresh.get("/tv/product-details/15").header("BFF-Degraded")).isEqualTo("rating=error");
      }
      long asked = demo.services().stats("reviews").requests();
      var r = fresh.get("/tv/product-details/15");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("BFF-Degraded")).isEqualTo("rating=circuit_open");
      assertThat(demo.services().stats("reviews").requests()).as("no call while open").isEqualTo(asked);
    }
  }
}
