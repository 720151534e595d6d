package dev.bff.mobile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.BuiltInBff;
import dev.bff.common.testing.DemoStack;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** bff-mobile with its built-in YAML against the demo services. */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MobileBffTest {
  DemoStack demo;
  BffUnderTest bff;

  Vertx vertx;

  @BeforeAll
  void start(Vertx vertx) {
    this.vertx = vertx;
    demo = DemoStack.start(vertx);
    bff = BuiltInBff.start(vertx, new MobileBff(), demo.vars());
  }

  @AfterAll
  void stop() {
    bff.close();
    demo.close();
  }

  @Test
  void productCardHasOnlyWhatTheAppShows() {
    var r = bff.get("/m/product-card/3");
    assertThat(r.status()).isEqualTo(200);
    JsonObject card = r.json();
    assertThat(card.fieldNames()).containsExactlyInAnyOrder("id", "name", "price", "currency", "image", "rating");
    assertThat(card.getString("image")).endsWith("/small.jpg");
    JsonObject summary = bff.get("/m/reviews/summary?productId=3").json();
    assertThat(card.getJsonObject("rating").getValue("count")).isEqualTo(summary.getValue("count"));
    int full = bff.get("/m/products/3").body().length();
    assertThat(r.body().length()).isLessThan(full / 2);
  }

  @Test
  void listsAreGzippedForClientsThatAcceptIt() throws Exception {
    var plain = bff.get("/m/products?size=50");
    var zipped = bff.get("/m/products?size=50", Map.of("Accept-Encoding", "gzip"));
    assertThat(zipped.header("content-encoding")).isEqualTo("gzip");
    assertThat(zipped.body().length()).isLessThan(plain.body().length() / 3);
    byte[] unzipped = new GZIPInputStream(new ByteArrayInputStream(zipped.body().getBytes())).readAllBytes();
    assertThat(new String(unzipped, StandardCharsets.UTF_8)).isEqualTo(plain.body().toString());
    assertThat(plain.header("content-encoding")).isNull();
  }

  @Test
  void theAccountScreenNeedsATokenFromTheIdentityService() {
    assertThat(bff.get("/m/me").status()).isEqualTo(401);
    try (var identity = dev.bff.common.testing.TestClient.of(vertx, demo.services().port("identity"))) {
      var t = identity.send(io.vertx.core.http.HttpMethod.POST, "/token", Map.of("Content-Type", "application/json"),
          new JsonObject().put("sub", "u12").put("aud", "bff-mobile").toBuffer());
      String token = t.json().getString("access_token");
      var me = bff.get("/m/me", Map.of("Authorization", "Bearer " + token));
      assertThat(me.status()).as(me.body().toString()).isEqualTo(200);
      assertThat(me.json().fieldNames()).contains("name", "tier", "recentOrders", "cartItems");
      var web = identity.send(io.vertx.core.http.HttpMethod.POST, "/token", Map.of("Content-Type", "application/json"),
          new JsonObject().put("sub", "u12").put("aud", "bff-web").toBuffer()).json().getString("access_token");
      assertThat(bff.get("/m/me", Map.of("Authorization", "Bearer " + web)).status())
          .as("a token for the web shop is not for the apps").isEqualTo(401);
    }
  }

  @Test
  void writesAreNotRouted() {
    var r = bff.send(io.vertx.core.http.HttpMethod.DELETE, "/m/products/3", Map.of(), null);
    assertThat(r.status()).isEqualTo(405);
    assertThat(r.header("allow")).contains("GET");
  }
}
