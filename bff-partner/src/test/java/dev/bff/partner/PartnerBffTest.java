package dev.bff.partner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.BuiltInBff;
import dev.bff.common.testing.DemoStack;
import dev.bff.demo.FaultRule;
import dev.bff.demo.ProductData;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** bff-partner's product pages and its versioned surface, with its built-in YAML against the demo services. */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class PartnerBffTest {
  static final String[] ITEM_FIELDS = {"id", "name", "description", "brand", "category", "images", "price",
      "currency", "stock"};
  /** Fields and services partners must never see. */
  static final String[] INTERNAL = {"\"featured\"", "\"warehouse\"", "\"shipsInDays\"", "reviews", "users",
      "orders", "cart"};

  DemoStack demo;
  BffUnderTest bff;

  @BeforeAll
  void start(Vertx vertx) {
    demo = DemoStack.start(vertx);
    bff = BuiltInBff.start(vertx, new PartnerBff(), demo.vars()).defaultHeaders(Map.of("X-Api-Key", PartnerSecurityTest.ACME_KEY));
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
  void aPageHasItsItemsWithStockAndThePaging() {
    var r = bff.get("/partner/v1/products?page=2&size=5");
    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    JsonObject body = r.json();
    assertThat(body.fieldNames()).containsExactly("items", "page", "size", "total");
    assertThat(body.getInteger("page")).isEqualTo(2);
    assertThat(body.getInteger("size")).isEqualTo(5);
    assertThat(body.getInteger("total")).isEqualTo(ProductData.PRODUCT_COUNT);
    JsonArray items = body.getJsonArray("items");
    assertThat(items).hasSize(5);
    for (int i = 0; i < items.size(); i++) {
      JsonObject item = items.getJsonObject(i);
      assertThat(item.fieldNames()).containsExactly(ITEM_FIELDS);
      JsonObject stock = item.getJsonObject("stock");
      assertThat(stock.fieldNames()).containsExactly("quantity", "inStock");
      assertThat(stock.getBoolean("inStock")).isEqualTo(stock.getInteger("quantity") > 0);
      JsonObject inventory = bff.get("/partner/v1/products/" + item.getString("id") + "/stock").json();
      assertThat(stock.getInteger("quantity")).isEqualTo(inventory.getInteger("quantity"));
    }
    assertThat(r.body().toString()).doesNotContain(INTERNAL);
    assertThat(r.header("BFF-Degraded")).isNull();
    assertThat(body.containsKey("_meta")).isFalse();
    assertThat(timingNames(r.header("Server-Timing"))).containsExactly("page", "stock");

    JsonArray firstTen = bff.get("/partner/v1/products?page=1&size=10").json().getJsonArray("items");
    assertThat(ids(items)).as("page 2 of 5 is items 6 to 10").isEqualTo(ids(firstTen).subList(5, 10));
  }

  @Test
  void pagingDefaultsToTheFirstTwentyProducts() {
    var r = bff.get("/partner/v1/products");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getInteger("page")).isEqualTo(1);
    assertThat(r.json().getInteger("size")).isEqualTo(Paging.DEFAULT_SIZE);
    assertThat(r.json().getJsonArray("items")).hasSize(Paging.DEFAULT_SIZE);
  }

  @ParameterizedTest
  @CsvSource({"page=0, page", "page=10001, page", "page=-1, page", "page=abc, page", "page=, page",
      "page=1.5, page", "size=0, size", "size=51, size", "size=abc, size", "size=%2B5, size",
      "page=2&size=99999999999, size"})
  void badPagingIs400NamingTheParameterBeforeAnyUpstreamCall(String query, String parameter) {
    long catalog = demo.services().stats("catalog").requests();
    long inventory = demo.services().stats("inventory").requests();
    var r = bff.get("/partner/v1/products?" + query);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.header("content-type")).isEqualTo("application/problem+json");
    assertThat(r.json().getString("detail")).contains("'" + parameter + "'");
    assertThat(demo.services().stats("catalog").requests()).as("no catalog call").isEqualTo(catalog);
    assertThat(demo.services().stats("inventory").requests()).as("no inventory call").isEqualTo(inventory);
  }

  @Test
  void aPageBeyondTheLastIsEmpty() {
    var r = bff.get("/partner/v1/products?page=" + Paging.MAX_PAGE + "&size=" + Paging.MAX_SIZE);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getJsonArray("items")).isEmpty();
    assertThat(r.json().getInteger("total")).isEqualTo(ProductData.PRODUCT_COUNT);
  }

  @Test
  void aHangingInventoryLeavesStockOutAndTheAnswerSaysSo() {
    demo.services().faults("inventory").add(FaultRule.on("/inventory/*").withHang());
    var r = bff.get("/partner/v1/products?page=1&size=5");
    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    JsonArray items = r.json().getJsonArray("items");
    assertThat(items).hasSize(5);
    items.forEach(i -> assertThat(((JsonObject) i).fieldNames()).containsExactly(
        Arrays.copyOf(ITEM_FIELDS, ITEM_FIELDS.length - 1)));
    assertThat(r.header("BFF-Degraded")).isEqualTo("stock=timeout");
    JsonObject meta = r.json().getJsonObject("_meta").getJsonArray("degraded").getJsonObject(0);
    assertThat(meta.getString("part")).isEqualTo("stock");
    assertThat(meta.getString("reason")).isEqualTo("timeout");
    assertThat(meta.getString("served")).isEqualTo("omitted");
    assertThat(r.header("Server-Timing")).contains("stock;dur=").contains("desc=\"timeout\"");
  }

  @Test
  void aFailingInventoryLeavesStockOut() {
    demo.services().faults("inventory").add(FaultRule.on("/inventory/*").withStatus(500, 1.0));
    var r = bff.get("/partner/v1/products?page=3&size=4");
    assertThat(r.status()).isEqualTo(200);
    r.json().getJsonArray("items").forEach(i -> assertThat(((JsonObject) i).containsKey("stock")).isFalse());
    assertThat(r.header("BFF-Degraded")).isEqualTo("stock=error");
  }

  @Test
  void aProductTheInventoryDoesNotKnowHasNoStock() {
    JsonArray page = bff.get("/partner/v1/products?page=1&size=10").json().getJsonArray("items");
    String unknown = page.getJsonObject(3).getString("id");
    demo.services().faults("inventory").add(FaultRule.on("/inventory/" + unknown).withStatus(404, 1.0));
    bff.purgeCache(); // as if the page's cache entry had expired: the composition runs again
    var r = bff.get("/partner/v1/products?page=1&size=10");
    assertThat(r.status()).isEqualTo(200);
    JsonArray items = r.json().getJsonArray("items");
    for (int i = 0; i < items.size(); i++) {
      JsonObject item = items.getJsonObject(i);
      assertThat(item.containsKey("stock")).as("product " + item.getString("id"))
          .isEqualTo(!item.getString("id").equals(unknown));
    }
    assertThat(r.header("BFF-Degraded")).as("not knowing a product is an answer, not a failure").isNull();
  }

  @Test
  void aFailingCatalogIs502NamingThePart() {
    demo.services().faults("catalog").add(FaultRule.on("/products").withStatus(500, 1.0));
    var r = bff.get("/partner/v1/products?page=1&size=5");
    assertThat(r.status()).isEqualTo(502);
    assertThat(r.header("content-type")).isEqualTo("application/problem+json");
    assertThat(r.json().getString("detail")).contains("'page'");
    assertThat(r.header("Server-Timing")).contains("page;");
  }

  @Test
  void aProductsStockHasNoInternalFields() {
    var stock = bff.get("/partner/v1/products/42/stock");
    assertThat(stock.status()).isEqualTo(200);
    assertThat(stock.json().fieldNames()).containsExactly("productId", "quantity", "inStock");
    assertThat(stock.json().getString("productId")).isEqualTo("42");
    assertThat(stock.json().getBoolean("inStock")).isEqualTo(stock.json().getInteger("quantity") > 0);
    assertThat(stock.body().toString()).doesNotContain(INTERNAL);
    assertThat(bff.get("/partner/v1/products/nope/stock").status()).isEqualTo(404);
  }

  @Test
  void nothingOutsideTheVersionedSurfaceIsReachable() {
    assertThat(bff.get("/partner/v2/products").status()).isEqualTo(404);
    assertThat(bff.get("/partner/v1/users/u1").status()).isEqualTo(404);
    assertThat(bff.get("/partner/v1/reviews?productId=1").status()).isEqualTo(404);
    assertThat(bff.get("/products/1").status()).isEqualTo(404);
    var post = bff.send(HttpMethod.POST, "/partner/v1/products", Map.of("Content-Type", "application/json"),
        Buffer.buffer("{}"));
    assertThat(post.status()).isEqualTo(405);
  }

  static List<Object> ids(JsonArray items) {
    List<Object> ids = new ArrayList<>();
    items.forEach(i -> ids.add(((JsonObject) i).getValue("id")));
    return ids;
  }

  /** The part names of a {@code Server-Timing} header, in order. */
  static List<String> timingNames(String header) {
    assertThat(header).isNotNull();
    return Arrays.stream(header.split(",\\s*")).map(e -> e.substring(0, e.indexOf(';'))).toList();
  }
}
