package dev.bff.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.BuiltInBff;
import dev.bff.common.testing.DemoStack;
import dev.bff.common.testing.TestWebSocket;
import dev.bff.demo.FaultRule;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** bff-web with its built-in YAML against the demo services. */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebBffTest {
  DemoStack demo;
  BffUnderTest bff;

  @BeforeAll
  void start(Vertx vertx) {
    demo = DemoStack.start(vertx);
    bff = BuiltInBff.start(vertx, new WebBff(), demo.vars());
  }

  @AfterAll
  void stop() {
    bff.close();
    demo.close();
  }

  @AfterEach
  void clearFaults() {
    demo.services().faults("catalog").clear();
    demo.services().faults("inventory").clear();
    bff.purgeCache(); // a cached answer would hide the next test's faults
  }

  @Test
  void productsArePassedThroughWithThePrefixStripped() {
    var r = bff.get("/api/products/5");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getString("id")).isEqualTo("5");
    assertThat(r.header("via")).isEqualTo("1.1 bff");
    assertThat(demo.services().stats("catalog").requests("/products/5")).isPositive();

    var page = bff.get("/api/products?page=2&size=5");
    assertThat(page.json().getJsonArray("items")).hasSize(5);
    assertThat(page.json().getInteger("page")).isEqualTo(2);
  }

  @Test
  void anUpstream404IsPassedThroughAsTheUpstreamSentIt() {
    var r = bff.get("/api/products/no-such-product");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.header("content-type")).doesNotContain("problem");
  }

  @Test
  void productSummaryComposesCatalogAndInventory() {
    var r = bff.get("/api/product-summary/12");
    assertThat(r.status()).isEqualTo(200);
    JsonObject s = r.json();
    JsonObject product = bff.get("/api/products/12").json();
    JsonObject stock = bff.get("/api/inventory/12").json();
    assertThat(s.getString("name")).isEqualTo(product.getString("name"));
    assertThat(s.getValue("price")).isEqualTo(product.getValue("price"));
    assertThat(s.getString("thumbnail")).isEqualTo(product.getJsonObject("images").getJsonObject("thumbnail")
        .getString("url"));
    assertThat(s.getInteger("quantity")).isEqualTo(stock.getInteger("quantity"));
    assertThat(s.getBoolean("inStock")).isEqualTo(stock.getInteger("quantity") > 0);
    JsonObject summary = bff.get("/api/reviews/summary?productId=12").json();
    assertThat(s.getJsonObject("rating").getValue("count")).isEqualTo(summary.getValue("count"));
    assertThat(s.fieldNames()).containsExactly("id", "name", "price", "currency", "thumbnail", "inStock", "quantity",
        "shipsInDays", "rating");
  }

  @Test
  void productSummaryOfAnUnknownProductIsA404Problem() {
    var r = bff.get("/api/product-summary/nope");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.header("content-type")).isEqualTo("application/problem+json");
    assertThat(r.json().getString("requestId")).isEqualTo(r.header("x-request-id"));
  }

  @Test
  void aHangingCatalogGivesA504ProblemAfterTheRouteTimeout() {
    demo.services().faults("catalog").add(FaultRule.on("/products/7").withHang());
    long start = System.nanoTime();
    var r = bff.get("/api/products/7");
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertThat(r.status()).isEqualTo(504);
    assertThat(r.json().getString("type")).endsWith("/upstream-timeout");
    assertThat(r.body().toString()).doesNotContain("127.0.0.1");
    assertThat(ms).isGreaterThanOrEqualTo(1900);
  }

  @Test
  void aCatalogErrorInsideTheSummaryIsA502ProblemAndAnInventoryErrorDegradesIt() {
    demo.services().faults("catalog").add(FaultRule.on("/products/9").withStatus(500, 1.0));
    var failed = bff.get("/api/product-summary/9");
    assertThat(failed.status()).isEqualTo(502);
    assertThat(failed.json().getString("detail")).contains("'product'");
    demo.services().faults("catalog").clear();

    demo.services().faults("inventory").add(FaultRule.on("/inventory/10").withStatus(500, 1.0));
    var degraded = bff.get("/api/product-summary/10");
    assertThat(degraded.status()).isEqualTo(200);
    assertThat(degraded.header("bff-degraded")).isEqualTo("inventory=error");
    assertThat(degraded.json().containsKey("inStock")).isFalse();
    assertThat(degraded.json().getString("name")).isNotNull();
  }

  @Test
  void theHomePageHasFeaturedProductsAndCategories() {
    var r = bff.get("/api/home");
    assertThat(r.status()).isEqualTo(200);
    JsonObject home = r.json();
    assertThat(home.fieldNames()).containsExactly("featured", "categories");
    var featured = home.getJsonArray("featured");
    assertThat(featured.size()).isBetween(1, 12);
    for (int i = 0; i < featured.size(); i++) {
      JsonObject p = featured.getJsonObject(i);
      assertThat(p.fieldNames()).containsExactly("id", "name", "price", "currency", "image");
      assertThat(p.getString("image")).endsWith("/medium.jpg");
      assertThat(bff.get("/api/products/" + p.getString("id")).json().getBoolean("featured")).isTrue();
    }
    var categories = home.getJsonArray("categories");
    assertThat(categories.size()).isEqualTo(new io.vertx.core.json.JsonArray(bff.get("/api/categories").body()).size());
    assertThat(categories.getJsonObject(0).fieldNames()).containsExactly("id", "name", "productCount");

    demo.services().faults("catalog").add(FaultRule.on("/categories").withStatus(503, 1.0));
    bff.purgeCache(); // as if the page's cache entry had expired: the composition runs again
    var stale = bff.get("/api/home");
    assertThat(stale.status()).isEqualTo(200);
    assertThat(stale.header("bff-degraded")).isEqualTo("categories=error");
    assertThat(stale.json().getJsonArray("categories")).as("the last good list").isEqualTo(categories);
  }

  @Test
  void theEchoRouteStreamsABodyAndAppliesResponseHeaders() {
    var r = bff.send(HttpMethod.POST, "/api/echo/upload?x=1", Map.of("Content-Type", "application/octet-stream"),
        Buffer.buffer(new byte[100_000]));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getLong("bodySize")).isEqualTo(100_000);
    assertThat(r.json().getString("path")).isEqualTo("/echo/upload");
    assertThat(r.header("cache-control")).isEqualTo("no-store");
  }

  @Test
  void liveInventoryStreamsStockChangesOverAWebSocket(Vertx vertx) {
    int quantity = bff.get("/api/inventory/12").json().getInteger("quantity");
    try (TestWebSocket ws = TestWebSocket.connect(vertx, bff.port(), "/api/live/inventory/12?intervalMs=100&updates=2",
        Map.of())) {
      JsonObject now = new JsonObject(ws.next().text());
      assertThat(now.getString("productId")).isEqualTo("12");
      assertThat(now.getInteger("quantity")).isEqualTo(quantity);
      assertThat(now.getString("at")).isNotBlank();
      for (int i = 0; i < 2; i++) {
        JsonObject change = new JsonObject(ws.next().text());
        assertThat(change.getString("productId")).isEqualTo("12");
        assertThat(change.getInteger("quantity")).isNotNegative();
      }
      assertThat(ws.closed()).isEqualTo(new TestWebSocket.Close(1000, "done"));
    }
    assertThat(demo.services().stats("inventory").requests("/inventory/12/stream")).isEqualTo(1);
  }

  @Test
  void unknownPathsAre404Problems() {
    var r = bff.get("/api/nothing-here");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.json().getString("type")).endsWith("/no-route");
  }
}
