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
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * bff-tv's browse screen with its built-in YAML against the demo services. Tests that make the
 * catalog fail use a BFF of their own, so its circuit breaker never counts their failures here.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class TvBffTest {
  /** Longer than the featured part's timeout, well within the endpoint's deadline. */
  static final long SLOW_CATALOG_MS = 500;

  Vertx vertx;
  DemoStack demo;
  BffUnderTest bff;
  JsonArray categories;

  @BeforeAll
  void start(Vertx vertx) {
    this.vertx = vertx;
    demo = DemoStack.start(vertx);
    bff = BuiltInBff.start(vertx, new TvBff(), demo.vars());
    categories = new JsonArray(bff.get("/tv/categories").body());
    bff.get("/tv/browse"); // warms the code paths and connections the timing-bound tests go through
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
  void browseHasTheFeaturedRailThenOneRailPerCategoryWithExtraLargeArtwork() {
    var r = bff.get("/tv/browse");
    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    assertThat(r.json().fieldNames()).containsExactly("rails");
    JsonArray rails = r.json().getJsonArray("rails");
    List<Object> expected = new ArrayList<>(List.of("featured"));
    categories.forEach(c -> expected.add(((JsonObject) c).getValue("id")));
    assertThat(ids(rails)).containsExactlyElementsOf(expected);
    assertThat(rails.getJsonObject(0).getString("title")).isEqualTo("Featured");
    for (int i = 0; i < rails.size(); i++) {
      JsonObject rail = rails.getJsonObject(i);
      assertThat(rail.fieldNames()).containsExactly("id", "title", "items");
      if (i > 0) {
        assertThat(rail.getString("title")).isEqualTo(categories.getJsonObject(i - 1).getString("name"));
      }
      JsonArray items = rail.getJsonArray("items");
      assertThat(items.size()).as("rail " + rail.getValue("id")).isBetween(1, Browse.RAIL_SIZE);
      for (int k = 0; k < items.size(); k++) {
        JsonObject item = items.getJsonObject(k);
        assertThat(item.fieldNames()).containsExactly("id", "title", "artwork");
        assertThat(item.getString("artwork")).endsWith("/" + item.getString("id") + "/xlarge.jpg");
      }
    }
    assertThat(r.body().toString()).doesNotContain("description");
    assertThat(r.header("BFF-Degraded")).isNull();
    assertThat(timingNames(r.header("Server-Timing"))).containsExactly("categories", "rails", "featured");
  }

  @Test
  void theFeaturedRailHoldsFeaturedProducts() {
    JsonArray featured = bff.get("/tv/browse").json().getJsonArray("rails").getJsonObject(0).getJsonArray("items");
    for (int k = 0; k < featured.size(); k++) {
      String id = featured.getJsonObject(k).getString("id");
      assertThat(bff.get("/tv/products/" + id).json().getBoolean("featured")).as("product " + id).isTrue();
    }
  }

  @Test
  void theCategoryRailsAreFetchedInParallel() {
    demo.services().faults("catalog").add(FaultRule.on("/products").withLatency(150));
    demo.services().stats("catalog").reset();
    bff.purgeCache(); // the rails are composed, not served from the cache
    var r = bff.get("/tv/browse");
    assertThat(r.status()).isEqualTo(200);
    assertThat(demo.services().stats("catalog").peakInFlight()).as("every category's page at once")
        .isGreaterThanOrEqualTo(categories.size());
  }

  @Test
  void aSlowFeaturedRailIsServedFromItsLastGoodValue() {
    var good = bff.get("/tv/browse");
    JsonObject featured = good.json().getJsonArray("rails").getJsonObject(0);
    assertThat(featured.getString("id")).isEqualTo("featured");

    demo.services().faults("catalog").add(FaultRule.on("/products").withLatency(SLOW_CATALOG_MS));
    bff.purgeCache(); // as if the page's cache entry had expired: the composition runs again
    var r = bff.get("/tv/browse");
    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    JsonArray rails = r.json().getJsonArray("rails");
    assertThat(rails.getJsonObject(0)).as("served stale").isEqualTo(featured);
    assertThat(rails).hasSize(categories.size() + 1);
    assertThat(r.header("BFF-Degraded")).isEqualTo("featured=timeout");
    JsonObject meta = r.json().getJsonObject("_meta").getJsonArray("degraded").getJsonObject(0);
    assertThat(meta.getString("part")).isEqualTo("featured");
    assertThat(meta.getString("reason")).isEqualTo("timeout");
    assertThat(meta.getString("served")).isEqualTo("stale");
    assertThat(r.header("Server-Timing")).contains("featured;dur=").contains("desc=\"timeout\"");
  }

  @Test
  void aSlowFeaturedRailWithoutALastGoodValueIsLeftOut() {
    demo.services().faults("catalog").add(FaultRule.on("/products").withLatency(SLOW_CATALOG_MS));
    try (BffUnderTest fresh = BuiltInBff.start(vertx, new TvBff(), demo.vars())) {
      var r = fresh.get("/tv/browse");
      assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
      List<Object> expected = new ArrayList<>();
      categories.forEach(c -> expected.add(((JsonObject) c).getValue("id")));
      assertThat(ids(r.json().getJsonArray("rails"))).containsExactlyElementsOf(expected);
      assertThat(r.header("BFF-Degraded")).isEqualTo("featured=timeout");
      JsonObject meta = r.json().getJsonObject("_meta").getJsonArray("degraded").getJsonObject(0);
      assertThat(meta.getString("part")).isEqualTo("featured");
      assertThat(meta.getString("served")).isEqualTo("omitted");
    }
  }

  @Test
  void aFailingCategoryListFailsTheBrowseNamingThePart() {
    demo.services().faults("catalog").add(FaultRule.on("/categories").withStatus(500, 1.0));
    try (BffUnderTest fresh = BuiltInBff.start(vertx, new TvBff(), demo.vars())) {
      var r = fresh.get("/tv/browse");
      assertThat(r.status()).isEqualTo(502);
      assertThat(r.header("content-type")).isEqualTo("application/problem+json");
      assertThat(r.json().getString("detail")).contains("'categories'");
      assertThat(r.header("Server-Timing")).contains("categories;");
    }
  }

  @Test
  void failingCategoryPagesFailTheBrowseNamingThePart() {
    demo.services().faults("catalog").add(FaultRule.on("/products").withStatus(500, 1.0));
    try (BffUnderTest fresh = BuiltInBff.start(vertx, new TvBff(), demo.vars())) {
      var r = fresh.get("/tv/browse");
      assertThat(r.status()).isEqualTo(502);
      assertThat(r.header("content-type")).isEqualTo("application/problem+json");
      assertThat(r.json().getString("detail")).contains("'rails'");
    }
  }

  @Test
  void theOldRailsEndpointIsGone() {
    assertThat(bff.get("/tv/rails").status()).isEqualTo(404);
  }

  static List<Object> ids(JsonArray rails) {
    List<Object> ids = new ArrayList<>();
    rails.forEach(r -> ids.add(((JsonObject) r).getValue("id")));
    return ids;
  }

  /** The part names of a {@code Server-Timing} header, in order. */
  static List<String> timingNames(String header) {
    assertThat(header).isNotNull();
    return Arrays.stream(header.split(",\\s*")).map(e -> e.substring(0, e.indexOf(';'))).toList();
  }
}
