package dev.bff.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.aggregate.Degradation;
import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.BuiltInBff;
import dev.bff.common.testing.DemoStack;
import dev.bff.common.testing.Poll;
import dev.bff.common.testing.TestClient;
import dev.bff.demo.FaultRule;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * bff-web's product page against the demo services: what it composes, that its parts run in
 * parallel and are shared between identical requests, and what a failing required part, the
 * deadline and the fallbacks do. Each test gets a fresh gateway (no last good values, closed
 * circuits); the demo services are shared and their faults cleared after each test.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class ProductDetailsTest {
  /** The gRPC method product-details' inventory part calls, as the demo service's path. */
  static final String GET_STOCK = "/demo.inventory.v1.Inventory/GetStock";
  static final String[] PARTS = {"product", "reviews", "rating", "inventory", "shipping", "recommendations", "related"};

  Vertx vertx;
  DemoStack demo;
  BffUnderTest bff;

  @BeforeAll
  void startDemo(Vertx vertx) {
    this.vertx = vertx;
    demo = DemoStack.start(vertx);
  }

  @AfterAll
  void stopDemo() {
    demo.close();
  }

  @BeforeEach
  void startBff() {
    bff = BuiltInBff.start(vertx, new WebBff(), demo.vars());
  }

  @AfterEach
  void stopBff() {
    bff.close();
    demo.clearFaults();
  }

  private static String builtInYaml() {
    try (var in = WebBff.class.getClassLoader().getResourceAsStream("bff-web.yaml")) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A service's own answer, through bff-web's pass-through route to it. */
  private JsonObject direct(String uri) {
    return new JsonObject(bff.get("/api" + uri).body());
  }

  @Test
  void thePageHasEveryPartShapedForTheWebShop() {
    var r = bff.get("/api/product-details/12");
    assertThat(r.status()).isEqualTo(200);
    JsonObject page = r.json();
    assertThat(page.fieldNames()).containsExactly("id", "name", "description", "brand", "category", "price",
        "currency", "images", "rating", "reviews", "inventory", "inStock", "shipping", "recommendations");
    JsonObject product = direct("/products/12");
    assertThat(page.getString("name")).isEqualTo(product.getString("name"));
    assertThat(page.getJsonObject("images")).isEqualTo(product.getJsonObject("images"));

    JsonObject reviews = direct("/reviews?productId=12&limit=20");
    JsonArray shown = page.getJsonArray("reviews");
    assertThat(shown.size()).isEqualTo(reviews.getJsonArray("items").size()).isLessThanOrEqualTo(20);
    if (!shown.isEmpty()) {
      assertThat(shown.getJsonObject(0).fieldNames())
          .containsExactly("id", "author", "rating", "title", "text", "createdAt");
      assertThat(shown.getJsonObject(0).getString("id"))
          .isEqualTo(reviews.getJsonArray("items").getJsonObject(0).getString("id"));
    }
    JsonObject summary = direct("/reviews/summary?productId=12");
    assertThat(page.getJsonObject("rating").getValue("count")).isEqualTo(summary.getValue("count"));

    JsonObject stock = direct("/inventory/12");
    assertThat(page.getJsonObject("inventory").getInteger("quantity")).isEqualTo(stock.getInteger("quantity"));
    assertThat(page.getBoolean("inStock")).isEqualTo(stock.getInteger("quantity") > 0);
    assertThat(page.getJsonObject("shipping").fieldNames()).containsExactly("country", "days", "cost", "currency");

    JsonArray ids = direct("/recommendations?productId=12&limit=8").getJsonArray("items");
    JsonArray recs = page.getJsonArray("recommendations");
    assertThat(recs).hasSize(8);
    for (int i = 0; i < recs.size(); i++) {
      JsonObject card = recs.getJsonObject(i);
      assertThat(card.fieldNames()).containsExactly("id", "name", "price", "currency", "thumbnail");
      assertThat(card.getString("id")).isEqualTo(ids.getString(i));
      assertThat(card.getString("thumbnail")).endsWith("/p/" + ids.getString(i) + "/thumbnail.jpg");
    }
    assertThat(r.header(Degradation.HEADER)).isNull();
    assertThat(page.containsKey("_meta")).isFalse();
    String timing = r.header("server-timing");
    StringBuilder expected = new StringBuilder();
    for (String p : PARTS) {
      expected.append(expected.isEmpty() ? "" : ", ").append(p).append(";dur=\\d+\\.\\d;desc=\"ok\"");
    }
    assertThat(timing).matches(expected.toString());
  }

  @Test
  void independentPartsAreInFlightTogetherAcrossTheServices() {
    for (String s : new String[] {"catalog", "reviews", "inventory-grpc", "shipping", "recommendations"}) {
      demo.services().faults(s).add(FaultRule.on("*").withLatency(150));
    }
    demo.services().allStats().reset();
    var r = bff.get("/api/product-details/13");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header(Degradation.HEADER)).isNull();
    // product, reviews, rating, inventory, shipping and recommendations need nothing: all six at once
    assertThat(demo.services().allStats().peakInFlight()).isGreaterThanOrEqualTo(6);
  }

  @Test
  void fiftyIdenticalConcurrentRequestsCostEachServiceOneCallPerPart() {
    String id = "77";
    JsonArray ids = direct("/recommendations?productId=" + id + "&limit=8").getJsonArray("items");
    // every service answers after 300 ms, so all 50 arrive while the first one's calls are out; the
    // built-in YAML with room for that (deadline and part timeouts are YAML's to size)
    bff.close();
    String roomy = builtInYaml().replaceFirst("(product-details:\\s+deadline: )800ms", "$15s")
        .replaceAll("(reviews|rating|inventory|shipping|recommendations): [34]00ms", "$1: 4s");
    assertThat(roomy).contains("deadline: 5s").contains("rating: 4s");
    bff = BffUnderTest.start(vertx, new WebBff(), roomy, demo.vars());
    for (String s : new String[] {"catalog", "reviews", "inventory-grpc", "shipping", "recommendations"}) {
      demo.services().faults(s).add(FaultRule.on("*").withLatency(300));
    }
    demo.resetStats();
    List<TestClient> clients = new ArrayList<>();
    List<Future<BffUnderTest.Response>> pages = new ArrayList<>();
    try {
      for (int i = 0; i < 50; i++) { // a connection each, spread over the gateway's event loops
        TestClient c = TestClient.of(vertx, bff.port());
        clients.add(c);
        pages.add(c.sendAsync(HttpMethod.GET, "/api/product-details/" + id, Map.of(), null));
      }
      TestClient.await(Future.all(pages), "50 product pages");
    } finally {
      clients.forEach(TestClient::close);
    }
    String first = pages.get(0).result().body().toString();
    for (var p : pages) {
      assertThat(p.result().status()).isEqualTo(200);
      assertThat(p.result().body().toString()).isEqualTo(first);
    }
    assertThat(new JsonObject(first).containsKey("_meta")).as(first).isFalse();
    assertThat(new JsonObject(first).getJsonArray("recommendations")).hasSize(8);
    assertThat(demo.services().stats("catalog").requests("/products/" + id)).isEqualTo(1);
    assertThat(demo.services().stats("reviews").requests("/reviews")).isEqualTo(1);
    assertThat(demo.services().stats("reviews").requests("/reviews/summary")).isEqualTo(1);
    assertThat(demo.services().stats("inventory-grpc").requests(GET_STOCK)).isEqualTo(1);
    assertThat(demo.services().stats("shipping").requests("/shipping/estimate")).isEqualTo(1);
    assertThat(demo.services().stats("recommendations").requests("/recommendations")).isEqualTo(1);
    for (int i = 0; i < ids.size(); i++) {
      assertThat(demo.services().stats("catalog").requests("/products/" + ids.getString(i)))
          .as("recommended product %s", ids.getString(i)).isEqualTo(1);
    }
  }

  @Test
  void aFailingRequiredPartFailsThePageNamingItAndClosesThePartsStillRunning() {
    demo.services().faults("catalog").add(FaultRule.on("/products/21").withLatency(100).withStatus(500, 1.0));
    demo.services().faults("inventory-grpc").add(FaultRule.on(GET_STOCK).withHang());
    demo.services().faults("shipping").add(FaultRule.on("/shipping/estimate").withHang());
    long closedBefore = demo.services().stats("inventory-grpc").closedEarly()
        + demo.services().stats("shipping").closedEarly();
    var r = bff.get("/api/product-details/21");
    assertThat(r.status()).isEqualTo(502);
    assertThat(r.header("content-type")).isEqualTo("application/problem+json");
    assertThat(r.json().getString("detail")).contains("required part 'product'");
    assertThat(r.json().getString("requestId")).isEqualTo(r.header("x-request-id"));
    assertThat(r.body().toString()).doesNotContain("127.0.0.1");
    assertThat(r.header("server-timing")).startsWith("product;dur=").contains("desc=\"error\"")
        .contains("inventory;desc=\"cancelled\"", "shipping;desc=\"cancelled\"");
    Poll.until("the hanging inventory and shipping calls closed by the gateway", Duration.ofSeconds(5),
        () -> demo.services().stats("inventory-grpc").closedEarly() + demo.services().stats("shipping").closedEarly()
            >= closedBefore + 2);
  }

  @Test
  void anUnknownProductIs404AndAHangingOneIs504AtTheDeadline() {
    var missing = bff.get("/api/product-details/no-such-product");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json().getString("detail")).contains("'product'");

    demo.services().faults("catalog").add(FaultRule.on("/products/22").withHang());
    long start = System.nanoTime();
    var slow = bff.get("/api/product-details/22");
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertThat(slow.status()).isEqualTo(504);
    assertThat(slow.json().getString("detail")).contains("'product'");
    assertThat(ms).as("the 800 ms deadline, not the 2 s upstream timeout").isBetween(700L, 1900L);
  }

  @Test
  void theDeadlineCutsTheDependentRecommendationChain() {
    JsonArray ids = direct("/recommendations?productId=23&limit=8").getJsonArray("items");
    demo.services().faults("recommendations").add(FaultRule.on("/recommendations").withLatency(200));
    for (int i = 0; i < ids.size(); i++) {
      demo.services().faults("catalog").add(FaultRule.on("/products/" + ids.getString(i)).withLatency(900));
    }
    var r = bff.get("/api/product-details/23");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header(Degradation.HEADER)).isEqualTo("related=timeout");
    JsonObject meta = r.json().getJsonObject("_meta").getJsonArray("degraded").getJsonObject(0);
    assertThat(meta.getString("part")).isEqualTo("related");
    assertThat(meta.getString("served")).isEqualTo("omitted");
    assertThat(meta.getString("detail")).contains("deadline");
    assertThat(r.json().containsKey("recommendations")).isFalse();
    assertThat(r.json().getString("name")).as("the rest of the page is there").isNotNull();
    assertThat(r.header("server-timing")).contains("recommendations;dur=", "related;dur=").contains("desc=\"timeout\"");
  }

  @Test
  void aFailingStockIsServedFromItsLastGoodValueForTheSameProduct() {
    int quantity = bff.get("/api/product-details/24").json().getJsonObject("inventory").getInteger("quantity");
    demo.services().faults("inventory-grpc").add(FaultRule.on(GET_STOCK).withStatus(503, 1.0));
    bff.purgeCache(); // as if the page's cache entry had expired: the composition runs again
    var r = bff.get("/api/product-details/24");
    assertThat(r.status()).isEqualTo(200);
    // the fault answers plain HTTP 503, not a gRPC answer (no grpc-status): the call is an error
    assertThat(r.header(Degradation.HEADER)).isEqualTo("inventory=error");
    assertThat(r.json().getJsonObject("inventory").getInteger("quantity")).isEqualTo(quantity);
    assertThat(r.json().getBoolean("inStock")).isEqualTo(quantity > 0);
    JsonObject meta = r.json().getJsonObject("_meta").getJsonArray("degraded").getJsonObject(0);
    assertThat(meta.fieldNames()).containsExactly("part", "reason", "served", "detail");
    assertThat(meta.getString("served")).isEqualTo("stale");
    assertThat(meta.getString("detail")).contains("inventory").doesNotContain("127.0.0.1");

    var never = bff.get("/api/product-details/25");
    assertThat(never.json().containsKey("inventory")).as("nothing good seen for product 25").isFalse();
    assertThat(never.json().containsKey("inStock")).isFalse();
  }

  @Test
  void aCatalogOutageStillServesAPageSeenBeforeFromTheCache() {
    var first = bff.get("/api/product-details/26");
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.header("x-cache")).isEqualTo("MISS");
    demo.services().faults("catalog").add(FaultRule.on("/products/26").withStatus(500, 1.0));
    var fresh = bff.get("/api/product-details/26");
    assertThat(fresh.status()).isEqualTo(200);
    assertThat(fresh.header("x-cache")).isEqualTo("HIT");
    assertThat(fresh.json().getString("name")).isEqualTo(first.json().getString("name"));
    // once the 5 s of freshness pass, the failing catalog makes the gateway serve the stale page (stale-if-error)
    Poll.until("the page is served stale", Duration.ofSeconds(20), () -> {
      var r = bff.get("/api/product-details/26");
      assertThat(r.status()).isEqualTo(200);
      return "STALE".equals(r.header("x-cache"));
    });
    assertThat(bff.get("/api/product-details/26").json().getString("name")).isEqualTo(first.json().getString("name"));
    demo.services().faults("catalog").add(FaultRule.on("/products/27").withStatus(500, 1.0));
    var never = bff.get("/api/product-details/27");
    assertThat(never.status()).as("a page never seen is not invented").isEqualTo(502);
  }
}
