package dev.bff.demo;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

@ExtendWith(VertxExtension.class)
class DomainServicesTest {

  private Http http;
  private DemoServices demo;

  @BeforeEach
  void start(Vertx vertx) {
    http = new Http(vertx);
    Map<String, Integer> ports = new HashMap<>();
    for (DemoService service : DemoService.values()) {
      ports.put(service.serviceName(), 0);
    }
    demo = DemoServices.start(vertx, ports).await();
  }

  @Test
  void reviewSummaryMatchesTheReviews() {
    int withReviews = 0;
    for (String id : List.of("1", "2", "3", "4", "5", "60", "120")) {
      JsonObject list = http.getJson(demo.url("reviews") + "/reviews?productId=" + id + "&limit=100");
      JsonObject summary = http.getJson(demo.url("reviews") + "/reviews/summary?productId=" + id);
      JsonArray items = list.getJsonArray("items");
      assertThat(summary.getInteger("count")).isEqualTo(items.size()).isEqualTo(list.getInteger("total"));
      if (items.isEmpty()) {
        assertThat(summary.getValue("average")).isNull();
        continue;
      }
      withReviews++;
      double average = items.stream().mapToInt(r -> ((JsonObject) r).getInteger("rating")).average().orElseThrow();
      assertThat(summary.getDouble("average")).isCloseTo(average, within(0.005));
      List<String> dates = items.stream().map(r -> ((JsonObject) r).getString("createdAt")).toList();
      assertThat(dates).isSortedAccordingTo((a, b) -> b.compareTo(a));
      JsonObject first = items.getJsonObject(0);
      assertThat(first.fieldNames()).contains("id", "productId", "author", "rating", "title", "text", "createdAt");
      assertThat(first.getInteger("rating")).isBetween(1, 5);
    }
    assertThat(withReviews).isPositive();
    assertThat(http.getJson(demo.url("reviews") + "/reviews?productId=1&limit=2").getJsonArray("items").size())
      .isLessThanOrEqualTo(2);
    assertThat(http.get(demo.url("reviews") + "/reviews?productId=999").status()).isEqualTo(404);
    assertThat(http.get(demo.url("reviews") + "/reviews").status()).isEqualTo(400);
  }

  @Test
  void inventoryHasSomeProductsOutOfStock() {
    int soldOut = 0;
    for (int id = 1; id <= 120; id++) {
      JsonObject stock = http.getJson(demo.url("inventory") + "/inventory/" + id);
      assertThat(stock.getString("productId")).isEqualTo(Integer.toString(id));
      assertThat(stock.getString("warehouse")).isNotBlank();
      assertThat(stock.getInteger("shipsInDays")).isPositive();
      if (stock.getInteger("quantity") == 0) {
        soldOut++;
      }
    }
    assertThat(soldOut).isBetween(3, 40);
    assertThat(http.get(demo.url("inventory") + "/inventory/0").status()).isEqualTo(404);
  }

  @Test
  void recommendsSameCategoryFirst() {
    JsonObject product = http.getJson(demo.url("catalog") + "/products/10");
    String category = product.getJsonObject("category").getString("id");
    JsonObject recs = http.getJson(demo.url("recommendations") + "/recommendations?productId=10&limit=8");
    assertThat(recs.getString("productId")).isEqualTo("10");
    JsonArray items = recs.getJsonArray("items");
    assertThat(items).hasSize(8).doesNotContain("10").doesNotHaveDuplicates();
    String firstCategory = http.getJson(demo.url("catalog") + "/products/" + items.getString(0))
      .getJsonObject("category").getString("id");
    assertThat(firstCategory).isEqualTo(category);
    assertThat(http.getJson(demo.url("recommendations") + "/recommendations?productId=10").getJsonArray("items"))
      .isEqualTo(items);
  }

  @Test
  void usersHaveProfiles() {
    JsonObject user = http.getJson(demo.url("users") + "/users/u1");
    assertThat(user.getString("id")).isEqualTo("u1");
    assertThat(user.getString("email")).endsWith("@example.com");
    assertThat(user.getString("tier")).isIn("standard", "silver", "gold", "platinum");
    assertThat(user.getString("name")).contains(" ");
    assertThat(http.get(demo.url("users") + "/users/u999").status()).isEqualTo(404);
  }

  @Test
  void ordersAreListedCreatedAndFetched() {
    String orders = demo.url("orders");
    JsonArray before = http.get(orders + "/orders?userId=u7").jsonArray();
    Http.Reply created = http.post(orders + "/orders", new JsonObject().put("userId", "u7")
      .put("items", new JsonArray().add(new JsonObject().put("productId", "3").put("quantity", 2))));
    assertThat(created.status()).isEqualTo(201);
    String id = created.json().getString("id");
    assertThat(created.headers().get("location")).isEqualTo("/orders/" + id);
    assertThat(created.json().getString("status")).isEqualTo("CREATED");
    assertThat(http.getJson(orders + "/orders/" + id)).isEqualTo(created.json());
    assertThat(http.get(orders + "/orders?userId=u7").jsonArray()).hasSize(before.size() + 1);
    assertThat(http.post(orders + "/orders", new JsonObject().put("userId", "u7")).status()).isEqualTo(400);
    // bodies of the wrong shape are the client's mistake (400), never a 500
    assertThat(http.post(orders + "/orders", new JsonObject().put("userId", "u7").put("items", "not a list"))
        .status()).isEqualTo(400);
    assertThat(http.post(orders + "/orders", new JsonObject().put("userId", 7).put("items", new JsonArray()
        .add(new JsonObject().put("productId", "1")))).status()).isEqualTo(400);
    assertThat(http.get(orders + "/orders/nope").status()).isEqualTo(404);
  }

  @Test
  void cartAddsAndRemovesItems() {
    String cart = demo.url("cart") + "/cart/u3";
    assertThat(http.getJson(cart).getJsonArray("items")).isEmpty();
    http.post(cart + "/items", new JsonObject().put("productId", "5").put("quantity", 2));
    Http.Reply added = http.post(cart + "/items", new JsonObject().put("productId", "5"));
    assertThat(added.status()).isEqualTo(201);
    assertThat(added.json().getInteger("itemCount")).isEqualTo(3);
    http.post(cart + "/items", new JsonObject().put("productId", "9"));
    assertThat(http.getJson(cart).getJsonArray("items")).hasSize(2);
    Http.Reply removed = http.delete(cart + "/items/5");
    assertThat(removed.status()).isEqualTo(200);
    assertThat(removed.json().getJsonArray("items")).hasSize(1);
    assertThat(http.delete(cart + "/items/5").status()).isEqualTo(404);
    assertThat(http.post(cart + "/items", new JsonObject().put("productId", "999")).status()).isEqualTo(400);
  }

  @Test
  void shippingEstimates() {
    JsonObject de = http.getJson(demo.url("shipping") + "/shipping/estimate?productId=1&country=DE");
    assertThat(de.fieldNames()).containsExactlyInAnyOrder("productId", "country", "days", "cost", "currency");
    assertThat(de.getInteger("days")).isPositive();
    JsonObject us = http.getJson(demo.url("shipping") + "/shipping/estimate?productId=1&country=us");
    assertThat(us.getString("country")).isEqualTo("US");
    assertThat(us.getInteger("days")).isGreaterThan(de.getInteger("days"));
    assertThat(http.get(demo.url("shipping") + "/shipping/estimate?productId=1&country=Germany").status())
      .isEqualTo(400);
  }

  @Test
  void everyServiceIsHealthy() {
    for (DemoService service : DemoService.values()) {
      assertThat(http.getJson(demo.url(service.serviceName()) + "/health").getString("status")).isEqualTo("UP");
    }
  }
}
