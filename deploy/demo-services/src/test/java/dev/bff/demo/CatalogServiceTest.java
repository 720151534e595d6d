package dev.bff.demo;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class CatalogServiceTest {

  private Http http;
  private String catalog;

  @BeforeEach
  void start(Vertx vertx) {
    http = new Http(vertx);
    catalog = DemoServices.start(vertx, Map.of("catalog", 0)).await().url("catalog");
  }

  @Test
  void pagesThroughAllProducts() {
    JsonObject first = http.getJson(catalog + "/products?page=1&size=20");
    assertThat(first.getInteger("total")).isEqualTo(120);
    assertThat(first.getInteger("page")).isEqualTo(1);
    assertThat(first.getInteger("size")).isEqualTo(20);
    assertThat(ids(first.getJsonArray("items"))).isEqualTo(range(1, 20));

    JsonObject last = http.getJson(catalog + "/products?page=6&size=20");
    assertThat(ids(last.getJsonArray("items"))).isEqualTo(range(101, 120));
    assertThat(http.getJson(catalog + "/products?page=7&size=20").getJsonArray("items")).isEmpty();

    JsonObject defaults = http.getJson(catalog + "/products");
    assertThat(defaults.getJsonArray("items")).hasSize(20);
  }

  @Test
  void filtersByCategoryIdOrName() {
    JsonArray categories = http.get(catalog + "/categories").jsonArray();
    assertThat(categories).hasSize(8);
    long sum = 0;
    for (Object c : categories) {
      JsonObject category = (JsonObject) c;
      JsonObject page = http.getJson(catalog + "/products?size=200&category=" + category.getString("id"));
      assertThat(page.getInteger("total")).isEqualTo(category.getInteger("productCount")).isPositive();
      page.getJsonArray("items").forEach(p ->
        assertThat(((JsonObject) p).getJsonObject("category").getString("id")).isEqualTo(category.getString("id")));
      sum += page.getInteger("total");
    }
    assertThat(sum).isEqualTo(120);
    JsonObject byName = http.getJson(catalog + "/products?size=200&category=books");
    assertThat(byName.getInteger("total")).isPositive();
    assertThat(http.getJson(catalog + "/products?category=nothing").getInteger("total")).isZero();
  }

  @Test
  void servesOneProductWithImagesAndPrice() {
    JsonObject product = http.getJson(catalog + "/products/7");
    assertThat(product.getString("id")).isEqualTo("7");
    assertThat(product.getString("currency")).isEqualTo("EUR");
    assertThat(product.getString("description")).contains(". ");
    assertThat(product.getString("brand")).isNotBlank();
    assertThat(product.getValue("featured")).isInstanceOf(Boolean.class);
    JsonObject large = product.getJsonObject("images").getJsonObject("large");
    assertThat(large.getString("url")).isEqualTo("https://img.example.com/p/7/large.jpg");
    assertThat(large.getInteger("width")).isEqualTo(1280);
    assertThat(large.getInteger("height")).isEqualTo(960);
    assertThat(product.getJsonObject("images").fieldNames())
      .containsExactlyInAnyOrder("thumbnail", "small", "medium", "large", "xlarge");
    BigDecimal price = new BigDecimal(product.getValue("price").toString());
    assertThat(price.scale()).isLessThanOrEqualTo(2);
    assertThat(price).isPositive();

    JsonObject featured = http.getJson(catalog + "/products?size=200&featured=true");
    assertThat(featured.getInteger("total")).isEqualTo(ProductData.FEATURED_COUNT);
  }

  @Test
  void unknownProductIsJson404() {
    Http.Reply reply = http.get(catalog + "/products/999");
    assertThat(reply.status()).isEqualTo(404);
    assertThat(reply.headers().get("content-type")).startsWith("application/json");
    assertThat(reply.json().getString("error")).isEqualTo("not_found");
    assertThat(http.get(catalog + "/nowhere").json().getString("error")).isEqualTo("not_found");
  }

  @Test
  void badPageParametersAre400() {
    assertThat(http.get(catalog + "/products?size=0").status()).isEqualTo(400);
    assertThat(http.get(catalog + "/products?page=abc").json().getString("error")).isEqualTo("bad_request");
  }

  @Test
  void sameProductsAcrossStarts(Vertx vertx) {
    String other = DemoServices.start(vertx, Map.of("catalog", 0)).await().url("catalog");
    assertThat(other).isNotEqualTo(catalog);
    assertThat(http.get(other + "/products/42").body()).isEqualTo(http.get(catalog + "/products/42").body());
    assertThat(http.get(other + "/products?size=200").body()).isEqualTo(http.get(catalog + "/products?size=200").body());
    // Regenerating from the seed (as a new JVM would) gives the same domain.
    assertThat(ProductData.generate(ProductData.DEFAULT_SEED).products())
      .isEqualTo(ProductData.standard().products());
    assertThat(ProductData.generate(7).products()).isNotEqualTo(ProductData.standard().products());
  }

  @Test
  void v2ProductsCarryAUnitPriceInsteadOfPriceAndCurrency() {
    JsonObject v1 = http.getJson(catalog + "/products/7");
    JsonObject v2 = http.getJson(catalog + "/v2/products/7");
    JsonObject unitPrice = v2.getJsonObject("unitPrice");
    assertThat(new BigDecimal(unitPrice.getValue("amount").toString()))
      .isEqualTo(new BigDecimal(v1.getValue("price").toString()));
    assertThat(unitPrice.getString("currency")).isEqualTo("EUR");
    assertThat(v2.containsKey("price")).isFalse();
    assertThat(v2.containsKey("currency")).isFalse();
    JsonObject back = v2.copy();
    back.remove("unitPrice");
    JsonObject rest = v1.copy();
    rest.remove("price");
    rest.remove("currency");
    assertThat(back).as("every other field as in v1").isEqualTo(rest);

    JsonObject page = http.getJson(catalog + "/v2/products?page=2&size=10&category=books");
    JsonObject v1Page = http.getJson(catalog + "/products?page=2&size=10&category=books");
    assertThat(page.getInteger("total")).isEqualTo(v1Page.getInteger("total"));
    assertThat(ids(page.getJsonArray("items"))).isEqualTo(ids(v1Page.getJsonArray("items")));
    page.getJsonArray("items").forEach(p -> assertThat(((JsonObject) p).containsKey("unitPrice")).isTrue());
    assertThat(http.get(catalog + "/v2/products/999").status()).isEqualTo(404);
  }

  @Test
  void aV2QuotePricesEachLineAndTheTotal() {
    JsonObject seven = http.getJson(catalog + "/products/7");
    JsonObject eight = http.getJson(catalog + "/products/8");
    Http.Reply reply = http.post(catalog + "/v2/quotes", new JsonObject().put("lines", new JsonArray()
      .add(new JsonObject().put("productId", "7").put("quantity", 2))
      .add(new JsonObject().put("productId", "8").put("quantity", 1))));
    assertThat(reply.status()).isEqualTo(200);
    JsonObject quote = reply.json();
    JsonObject first = quote.getJsonArray("lines").getJsonObject(0);
    BigDecimal price7 = new BigDecimal(seven.getValue("price").toString());
    BigDecimal price8 = new BigDecimal(eight.getValue("price").toString());
    assertThat(first.getString("productId")).isEqualTo("7");
    assertThat(first.getInteger("quantity")).isEqualTo(2);
    assertThat(new BigDecimal(first.getJsonObject("unitPrice").getValue("amount").toString())).isEqualTo(price7);
    assertThat(new BigDecimal(first.getJsonObject("lineTotal").getValue("amount").toString()))
      .isEqualByComparingTo(price7.multiply(BigDecimal.valueOf(2)));
    assertThat(new BigDecimal(quote.getJsonObject("total").getValue("amount").toString()))
      .isEqualByComparingTo(price7.multiply(BigDecimal.valueOf(2)).add(price8));
    assertThat(quote.getJsonObject("total").getString("currency")).isEqualTo("EUR");
  }

  @Test
  void aBadQuoteIs400() {
    assertThat(http.post(catalog + "/v2/quotes", new JsonObject()).status()).isEqualTo(400);
    assertThat(http.post(catalog + "/v2/quotes", new JsonObject().put("lines", new JsonArray())).status())
      .isEqualTo(400);
    Http.Reply unknown = http.post(catalog + "/v2/quotes", new JsonObject().put("lines", new JsonArray()
      .add(new JsonObject().put("productId", "999").put("quantity", 1))));
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.json().getString("message")).contains("lines[0]");
    assertThat(http.post(catalog + "/v2/quotes", new JsonObject().put("lines", new JsonArray()
      .add(new JsonObject().put("productId", "7").put("quantity", 0)))).status()).isEqualTo(400);
  }

  private static List<String> ids(JsonArray items) {
    return items.stream().map(p -> ((JsonObject) p).getString("id")).toList();
  }

  private static List<String> range(int from, int to) {
    return IntStream.rangeClosed(from, to).mapToObj(Integer::toString).toList();
  }
}
