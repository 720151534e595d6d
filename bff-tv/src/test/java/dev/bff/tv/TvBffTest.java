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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** bff-tv with its built-in YAML against the demo services. */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TvBffTest {
  DemoStack demo;
  BffUnderTest bff;

  @BeforeAll
  void start(Vertx vertx) {
    demo = DemoStack.start(vertx);
    bff = BuiltInBff.start(vertx, new TvBff(), demo.vars());
  }

  @AfterAll
  void stop() {
    bff.close();
    demo.close();
  }

  @Test
  void railsHaveOneRailPerCategoryWithLargeArtworkAndNoLongText() {
    JsonArray categories = new JsonArray(bff.get("/tv/categories").body());
    var r = bff.get("/tv/rails");
    assertThat(r.status()).isEqualTo(200);
    JsonArray rails = r.json().getJsonArray("rails");
    assertThat(rails).hasSize(categories.size());
    for (int i = 0; i < rails.size(); i++) {
      JsonObject rail = rails.getJsonObject(i);
      assertThat(rail.getString("id")).isEqualTo(categories.getJsonObject(i).getString("id"));
      JsonArray items = rail.getJsonArray("items");
      assertThat(items.size()).isBetween(1, TvBff.RAIL_SIZE);
      for (int k = 0; k < items.size(); k++) {
        JsonObject item = items.getJsonObject(k);
        assertThat(item.fieldNames()).containsExactlyInAnyOrder("id", "title", "artwork");
        assertThat(item.getString("artwork")).endsWith("/xlarge.jpg");
      }
    }
    assertThat(r.body().toString()).doesNotContain("description");
  }

  @Test
  void aFailingCategoryListFailsTheRailsWithAProblem() {
    demo.services().faults("catalog").add(FaultRule.on("/categories").withStatus(500, 1.0));
    try {
      var r = bff.get("/tv/rails");
      assertThat(r.status()).isEqualTo(502);
      assertThat(r.header("content-type")).isEqualTo("application/problem+json");
    } finally {
      demo.services().faults("catalog").clear();
    }
  }
}
