package dev.bff.partner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.BuiltInBff;
import dev.bff.common.testing.DemoStack;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * bff-partner's versions over the v2 catalog, with its built-in YAML, the demo services and a real
 * partner key: v1 by path or by {@code X-Api-Version: 1}, v2 otherwise, bodies edited both ways.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class PartnerVersionsTest {
  static final String[] V1_ITEM = {"id", "name", "description", "price", "currency", "category", "brand", "images"};
  static final String[] V2_ITEM = {"id", "name", "description", "unitPrice", "category", "brand", "images"};

  DemoStack demo;
  BffUnderTest bff;

  @BeforeAll
  void start(Vertx vertx) {
    demo = DemoStack.start(vertx);
    bff = BuiltInBff.start(vertx, new PartnerBff(), demo.vars())
        .defaultHeaders(Map.of("X-Api-Key", PartnerSecurityTest.ACME_KEY));
  }

  @AfterAll
  void stop() {
    bff.close();
    demo.close();
  }

  /** A product's price as the v1 endpoint (composed from the v1 catalog) gives it. */
  private Object v1Price(String id) {
    return bff.get("/partner/v1/products/" + id).json().getValue("price");
  }

  @Test
  void v1ByPathComesFromTheV2CatalogInTheV1Shape() { // product 11: no other test reads (and caches) it
    long v2Calls = demo.services().stats("catalog").requests("/v2/products/11");
    var r = bff.get("/partner/v1/catalog/11");
    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    assertThat(r.json().fieldNames()).containsExactly(V1_ITEM);
    assertThat(r.json().getValue("price")).isEqualTo(v1Price("11"));
    assertThat(r.json().getString("currency")).isEqualTo("EUR");
    assertThat(r.header("Api-Version")).isEqualTo("1");
    assertThat(r.body().toString()).doesNotContain(PartnerBffTest.INTERNAL).doesNotContain("unitPrice");
    assertThat(demo.services().stats("catalog").requests("/v2/products/11")).isEqualTo(v2Calls + 1);

    var again = bff.get("/partner/v1/catalog/11");
    assertThat(again.header("X-Cache")).as("cached as partners get it").isEqualTo("HIT");
    assertThat(again.body()).isEqualTo(r.body());
  }

  @Test
  void v2ByPathKeepsTheCatalogsShapeWithoutInternalFields() {
    var r = bff.get("/partner/v2/catalog/7");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().fieldNames()).containsExactly(V2_ITEM);
    JsonObject unitPrice = r.json().getJsonObject("unitPrice");
    assertThat(unitPrice.getValue("amount")).isEqualTo(v1Price("7"));
    assertThat(unitPrice.getString("currency")).isEqualTo("EUR");
    assertThat(r.header("Api-Version")).isEqualTo("2");
    assertThat(r.body().toString()).doesNotContain(PartnerBffTest.INTERNAL);
  }

  @Test
  void theApiVersionHeaderChoosesOnTheSharedPath() {
    var v1 = bff.get("/partner/catalog/8", Map.of("X-Api-Version", "1"));
    assertThat(v1.json().fieldNames()).containsExactly(V1_ITEM);
    assertThat(v1.header("Api-Version")).isEqualTo("1");
    assertThat(v1.header("Vary")).contains("X-Api-Version");

    var v2 = bff.get("/partner/catalog/8");
    assertThat(v2.json().fieldNames()).containsExactly(V2_ITEM);
    assertThat(v2.header("Api-Version")).isEqualTo("2");
    assertThat(v2.header("Vary")).contains("X-Api-Version");
    assertThat(v1.json().getValue("price")).isEqualTo(v2.json().getJsonObject("unitPrice").getValue("amount"));
  }

  @Test
  void aV1QuoteIsSentAsV2AndAnsweredAsV1() {
    JsonObject seven = bff.get("/partner/v1/catalog/7").json();
    JsonObject eight = bff.get("/partner/v1/catalog/8").json();
    JsonObject basket = new JsonObject().put("items", new JsonArray()
        .add(new JsonObject().put("id", "7").put("quantity", 2))
        .add(new JsonObject().put("id", "8").put("quantity", 1)));
    var r = bff.send(HttpMethod.POST, "/partner/v1/quotes", Map.of("Content-Type", "application/json"),
        basket.toBuffer());
    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    JsonObject quote = r.json();
    assertThat(quote.fieldNames()).containsExactly("items", "currency", "total");
    JsonObject first = quote.getJsonArray("items").getJsonObject(0);
    assertThat(first.fieldNames()).containsExactly("id", "quantity", "price", "lineTotal");
    assertThat(first.getString("id")).isEqualTo("7");
    assertThat(first.getValue("price")).isEqualTo(seven.getValue("price"));
    BigDecimal expected = money(seven.getValue("price")).multiply(BigDecimal.valueOf(2))
        .add(money(eight.getValue("price")));
    assertThat(money(quote.getValue("total"))).isEqualByComparingTo(expected);
    assertThat(quote.getString("currency")).isEqualTo("EUR");

    JsonObject v2 = bff.send(HttpMethod.POST, "/partner/v2/quotes", Map.of("Content-Type", "application/json"),
        new JsonObject().put("lines", new JsonArray().add(new JsonObject().put("productId", "7").put("quantity", 2))
            .add(new JsonObject().put("productId", "8").put("quantity", 1))).toBuffer()).json();
    assertThat(money(v2.getJsonObject("total").getValue("amount"))).isEqualByComparingTo(expected);
    assertThat(v2.getJsonArray("lines").getJsonObject(0).getJsonObject("unitPrice").getValue("amount"))
        .isEqualTo(seven.getValue("price"));
  }

  @Test
  void errorsAndRefusalsAreNotEdited() {
    var unknown = bff.get("/partner/v1/catalog/9999");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().getString("error")).isEqualTo("not_found");

    var badQuote = bff.send(HttpMethod.POST, "/partner/v1/quotes", Map.of("Content-Type", "application/json"),
        new JsonObject().put("items", new JsonArray().add(new JsonObject().put("id", "9999").put("quantity", 1)))
            .toBuffer());
    assertThat(badQuote.status()).isEqualTo(400);
    assertThat(badQuote.json().getString("message")).contains("lines[0]");

    var notJson = bff.send(HttpMethod.POST, "/partner/v1/quotes", Map.of("Content-Type", "application/json"),
        io.vertx.core.buffer.Buffer.buffer("{\"items\": [}"));
    assertThat(notJson.status()).isEqualTo(400);
    assertThat(notJson.header("content-type")).isEqualTo("application/problem+json");

    var anonymous = bff.get("/partner/v1/catalog/7", Map.of("X-Api-Key", ""));
    assertThat(anonymous.status()).isEqualTo(401);
  }

  private static BigDecimal money(Object amount) {
    return new BigDecimal(amount.toString());
  }
}
