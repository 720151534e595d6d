package dev.bff.mobile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.aggregate.Degradation;
import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.BuiltInBff;
import dev.bff.common.testing.DemoStack;
import dev.bff.demo.FaultRule;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** bff-mobile's product screen (declared in YAML) against the demo services. */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class ProductDetailsTest {
  DemoStack demo;
  BffUnderTest bff;

  @BeforeAll
  void start(Vertx vertx) {
    demo = DemoStack.start(vertx);
    bff = BuiltInBff.start(vertx, new MobileBff(), demo.vars());
  }

  @AfterAll
  void stop() {
    bff.close();
    demo.close();
  }

  @AfterEach
  void clearFaults() {
    demo.clearFaults();
    bff.purgeCache(); // a cached answer would hide the next test's faults
  }

  @Test
  void theScreenHasOnlyWhatTheAppShows() {
    var r = bff.get("/m/product-details/5");
    assertThat(r.status()).isEqualTo(200);
    JsonObject s = r.json();
    assertThat(s.fieldNames()).containsExactly("id", "name", "price", "currency", "image", "rating", "inStock",
        "recommendations");
    JsonObject product = bff.get("/m/products/5").json();
    assertThat(s.getString("name")).isEqualTo(product.getString("name"));
    assertThat(s.getString("image")).endsWith("/p/5/small.jpg");
    assertThat(s.getJsonObject("rating").fieldNames()).containsExactly("average", "count");
    JsonArray ids = bff.get("/m/recommendations?productId=5&limit=4").json().getJsonArray("items");
    JsonArray recs = s.getJsonArray("recommendations");
    assertThat(recs).hasSize(4);
    for (int i = 0; i < 4; i++) {
      assertThat(recs.getJsonObject(i).fieldNames()).containsExactly("id", "thumbnail");
      assertThat(recs.getJsonObject(i).getString("id")).isEqualTo(ids.getString(i));
      assertThat(recs.getJsonObject(i).getString("thumbnail")).endsWith("/p/" + ids.getString(i) + "/thumbnail.jpg");
    }
    assertThat(r.body().toString()).doesNotContain("description", "text", "xlarge");
    assertThat(r.header("etag")).matches("\"[A-Za-z0-9_-]{22}\"");
    assertThat(r.header("server-timing")).contains("product;", "rating;", "stock;", "recs;", "related;");
  }

  @Test
  void theAppSelectsFieldsForSmallerScreens() {
    var r = bff.get("/m/product-details/5?fields=name,price,inStock");
    assertThat(r.json().fieldNames()).containsExactly("name", "price", "inStock");
    assertThat(r.header("etag")).as("its own representation").isNotEqualTo(bff.get("/m/product-details/5").header("etag"));
    assertThat(bff.get("/m/product-details/5?fields=name,,price").status()).isEqualTo(400);
  }

  @Test
  void anUnchangedScreenIs304AndAChangedOne200() {
    var first = bff.get("/m/product-details/6", Map.of("Accept-Encoding", "gzip"));
    assertThat(first.header("content-encoding")).isEqualTo("gzip");
    assertThat(first.header("etag")).endsWith("-gzip\"");
    var again = bff.get("/m/product-details/6", Map.of("Accept-Encoding", "gzip", "If-None-Match", first.header("etag")));
    assertThat(again.status()).isEqualTo(304);
    assertThat(again.body().length()).isZero();

    demo.services().faults("reviews").add(FaultRule.on("/reviews/summary").withStatus(500, 1.0));
    bff.purgeCache(); // as if the screen's cache entry had expired: the composition runs again
    var changed = bff.get("/m/product-details/6", Map.of("Accept-Encoding", "gzip", "If-None-Match",
        first.header("etag")));
    assertThat(changed.status()).as("now degraded: another body").isEqualTo(200);
    assertThat(changed.header(Degradation.HEADER)).isEqualTo("rating=error");
  }

  @Test
  void theGzippedScreenIsTheSameJson() throws Exception {
    var plain = bff.get("/m/product-details/8");
    var zipped = bff.get("/m/product-details/8", Map.of("Accept-Encoding", "gzip"));
    byte[] unzipped = new GZIPInputStream(new ByteArrayInputStream(zipped.body().getBytes())).readAllBytes();
    assertThat(new String(unzipped, StandardCharsets.UTF_8)).isEqualTo(plain.body().toString());
  }

  @Test
  void aSlowStockDegradesTheScreenWithinItsTimeout() {
    demo.services().faults("inventory").add(FaultRule.on("/inventory/9").withLatency(500));
    var r = bff.get("/m/product-details/9");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header(Degradation.HEADER)).isEqualTo("stock=timeout");
    assertThat(r.json().containsKey("inStock")).isFalse();
    assertThat(r.json().getJsonObject("_meta").getJsonArray("degraded").getJsonObject(0).getString("served"))
        .isEqualTo("omitted");
  }

  @Test
  void anUnknownProductIsA404Problem() {
    var r = bff.get("/m/product-details/nope");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.header("content-type")).isEqualTo("application/problem+json");
    assertThat(r.json().getString("detail")).contains("'product'");
  }
}
