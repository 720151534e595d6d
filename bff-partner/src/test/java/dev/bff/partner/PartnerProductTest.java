package dev.bff.partner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.BuiltInBff;
import dev.bff.common.testing.DemoStack;
import dev.bff.demo.FaultRule;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** bff-partner's one-product endpoint, declared in bff-partner.yaml, against the demo services. */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class PartnerProductTest {
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
  void aProductHasTheSameFieldsAsAPageItemWithItsStock() {
    var r = bff.get("/partner/v1/products/42");
    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    JsonObject body = r.json();
    assertThat(body.fieldNames()).containsExactly(PartnerBffTest.ITEM_FIELDS);
    assertThat(body.getString("id")).isEqualTo("42");
    JsonObject stock = body.getJsonObject("stock");
    assertThat(stock.fieldNames()).containsExactly("quantity", "inStock");
    JsonObject inventory = bff.get("/partner/v1/products/42/stock").json();
    assertThat(stock.getInteger("quantity")).isEqualTo(inventory.getInteger("quantity"));
    assertThat(stock.getBoolean("inStock")).isEqualTo(inventory.getInteger("quantity") > 0);
    assertThat(r.body().toString()).doesNotContain(PartnerBffTest.INTERNAL);
    assertThat(r.header("BFF-Degraded")).isNull();
    assertThat(PartnerBffTest.timingNames(r.header("Server-Timing"))).containsExactly("product", "stock");

    JsonObject inPage = bff.get("/partner/v1/products?page=3&size=20").json().getJsonArray("items").stream()
        .map(JsonObject.class::cast).filter(i -> i.getString("id").equals("42")).findFirst().orElseThrow();
    assertThat(body).as("the same item as in a page").isEqualTo(inPage);
  }

  @Test
  void outOfStockProductsSayNotInStock() {
    int outOfStock = 0;
    for (int id = 1; id <= 40; id++) {
      JsonObject stock = bff.get("/partner/v1/products/" + id).json().getJsonObject("stock");
      assertThat(stock.getBoolean("inStock")).as("product " + id).isEqualTo(stock.getInteger("quantity") > 0);
      outOfStock += stock.getBoolean("inStock") ? 0 : 1;
    }
    assertThat(outOfStock).as("about one product in eight has none").isPositive();
  }

  @Test
  void aHangingInventoryLeavesStockOutAndTheAnswerSaysSo() {
    demo.services().faults("inventory").add(FaultRule.on("/inventory/*").withHang());
    var r = bff.get("/partner/v1/products/43");
    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    List<String> expected = new ArrayList<>(List.of(PartnerBffTest.ITEM_FIELDS));
    expected.set(expected.indexOf("stock"), "_meta");
    assertThat(r.json().fieldNames()).containsExactlyElementsOf(expected);
    JsonObject meta = r.json().getJsonObject("_meta").getJsonArray("degraded").getJsonObject(0);
    assertThat(meta.getString("part")).isEqualTo("stock");
    assertThat(meta.getString("served")).isEqualTo("omitted");
    assertThat(r.header("BFF-Degraded")).isEqualTo("stock=timeout");
  }

  @Test
  void aProductTheInventoryDoesNotKnowHasNoStock() {
    demo.services().faults("inventory").add(FaultRule.on("/inventory/46").withStatus(404, 1.0));
    var r = bff.get("/partner/v1/products/46");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().containsKey("stock")).isFalse();
    // unlike in a page (where for-each calls leave unknown products out), an optional part that
    // is not found counts as degraded
    assertThat(r.header("BFF-Degraded")).isEqualTo("stock=not_found");
  }

  @Test
  void anUnknownProductIs404NamingThePart() {
    var r = bff.get("/partner/v1/products/9999");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.header("content-type")).isEqualTo("application/problem+json");
    assertThat(r.json().getString("detail")).contains("'product'");
  }

  @Test
  void aFailingCatalogIs502NamingThePart() {
    demo.services().faults("catalog").add(FaultRule.on("/products/*").withStatus(500, 1.0));
    var r = bff.get("/partner/v1/products/44");
    assertThat(r.status()).isEqualTo(502);
    assertThat(r.header("content-type")).isEqualTo("application/problem+json");
    assertThat(r.json().getString("detail")).contains("'product'");
  }
}
