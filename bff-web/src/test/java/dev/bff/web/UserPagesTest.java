package dev.bff.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.BuiltInBff;
import dev.bff.common.testing.DemoStack;
import dev.bff.common.testing.TestClient;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** bff-web's signed-in pages with tokens from the demo identity service: who sees what. */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class UserPagesTest {
  Vertx vertx;
  DemoStack demo;
  BffUnderTest bff;
  TestClient identity;

  @BeforeAll
  void start(Vertx vertx) {
    this.vertx = vertx;
    demo = DemoStack.start(vertx);
    bff = BuiltInBff.start(vertx, new WebBff(), demo.vars());
    identity = TestClient.of(vertx, demo.services().port("identity"));
  }

  @AfterAll
  void stop() {
    identity.close();
    bff.close();
    demo.close();
  }

  /** A token for {@code sub} from the identity service, for bff-web's audience. */
  private String token(String sub, String alg, String... roles) {
    var r = identity.send(HttpMethod.POST, "/token", Map.of("Content-Type", "application/json"), new JsonObject()
        .put("sub", sub).put("aud", "bff-web").put("alg", alg).put("roles", new JsonArray(java.util.List.of(roles)))
        .toBuffer());
    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    return r.json().getString("access_token");
  }

  private static Map<String, String> bearer(String token) {
    return Map.of("Authorization", "Bearer " + token);
  }

  @Test
  void theUsersPageComposesTheirProfileOrdersAndCart() {
    var r = bff.get("/api/me", bearer(token("u7", "RS256")));
    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    JsonObject me = r.json();
    assertThat(me.getString("id")).isEqualTo("u7");
    assertThat(me.fieldNames()).contains("id", "name", "email", "orders", "cart");
    JsonArray orders = me.getJsonArray("orders");
    for (int i = 0; i < orders.size(); i++) {
      assertThat(orders.getJsonObject(i).fieldNames()).containsExactly("id", "status", "total", "currency", "createdAt");
    }
    assertThat(bff.get("/api/me", bearer(token("u8", "ES256"))).json().getString("id")).isEqualTo("u8");
  }

  @Test
  void theWebShopsOriginMayCallTheApiFromTheBrowser() {
    var preflight = bff.send(HttpMethod.OPTIONS, "/api/orders", Map.of("Origin", "http://localhost:3000",
        "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization,content-type"), null);
    assertThat(preflight.status()).isEqualTo(204);
    assertThat(preflight.header("access-control-allow-origin")).isEqualTo("http://localhost:3000");
    assertThat(preflight.header("access-control-allow-credentials")).isEqualTo("true");
    var page = bff.get("/api/product-details/2", Map.of("Origin", "http://localhost:3000"));
    assertThat(page.header("access-control-allow-origin")).isEqualTo("http://localhost:3000");
    assertThat(page.header("access-control-expose-headers")).contains("Server-Timing", "BFF-Degraded");
    assertThat(bff.send(HttpMethod.OPTIONS, "/api/orders", Map.of("Origin", "https://elsewhere.example",
        "Access-Control-Request-Method", "POST"), null).status()).isEqualTo(403);
  }

  @Test
  void userPagesNeedATokenAndProductPagesDoNot() {
    var me = bff.get("/api/me");
    assertThat(me.status()).isEqualTo(401);
    assertThat(me.header("www-authenticate")).isEqualTo("Bearer realm=\"bff\"");
    assertThat(bff.get("/api/orders").status()).isEqualTo(401);
    assertThat(bff.get("/api/cart").status()).isEqualTo(401);
    assertThat(bff.get("/api/product-details/3").status()).isEqualTo(200);
    assertThat(bff.get("/api/products/3").status()).isEqualTo(200);
    assertThat(bff.get("/api/home").status()).isEqualTo(200);
    var forged = bff.get("/api/me", bearer(token("u7", "RS256").replaceAll("\\.[^.]*$", ".AAAA")));
    assertThat(forged.status()).isEqualTo(401);
    assertThat(forged.header("www-authenticate")).contains("invalid_token");
  }

  @Test
  void aClientCannotReachAnotherUsersDataBySpoofingOrGuessing() {
    String u3 = token("u3", "RS256");
    var spoofed = bff.get("/api/orders", Map.of("Authorization", "Bearer " + u3, "X-User-Id", "u4"));
    assertThat(spoofed.status()).isEqualTo(200);
    JsonArray own = spoofed.json().getJsonArray("orders");
    own.forEach(o -> assertThat(((JsonObject) o).getString("userId")).isEqualTo("u3"));

    JsonArray u4Orders = bff.get("/api/orders", bearer(token("u4", "RS256"))).json().getJsonArray("orders");
    if (!u4Orders.isEmpty()) {
      String theirs = u4Orders.getJsonObject(0).getString("id");
      assertThat(bff.get("/api/orders/" + theirs, bearer(token("u4", "RS256"))).status()).isEqualTo(200);
      assertThat(bff.get("/api/orders/" + theirs, bearer(u3)).status()).as("not theirs: not found").isEqualTo(404);
    }
    assertThat(bff.get("/api/users/u4", bearer(u3)).status()).as("profiles are staff only").isEqualTo(403);
    assertThat(bff.get("/api/users/u4", bearer(token("u1", "RS256", "admin"))).status()).isEqualTo(200);
  }

  @Test
  void ordersArePlacedAndCartsChangedForTheTokensUserOnly() {
    String u9 = token("u9", "ES256");
    var placed = bff.send(HttpMethod.POST, "/api/orders", Map.of("Authorization", "Bearer " + u9,
        "Content-Type", "application/json"), new JsonObject().put("userId", "u1")
        .put("items", new JsonArray().add(new JsonObject().put("productId", "5").put("quantity", 2))).toBuffer());
    assertThat(placed.status()).as(placed.body().toString()).isEqualTo(201);
    assertThat(placed.json().getString("userId")).as("from the token, not the body").isEqualTo("u9");
    assertThat(placed.header("location")).isEqualTo("/api/orders/" + placed.json().getString("id"));
    assertThat(bff.get(placed.header("location"), bearer(u9)).status()).isEqualTo(200);

    var bad = bff.send(HttpMethod.POST, "/api/orders", Map.of("Authorization", "Bearer " + u9), Buffer.buffer("nope"));
    assertThat(bad.status()).isEqualTo(400);

    var added = bff.send(HttpMethod.POST, "/api/cart/items", Map.of("Authorization", "Bearer " + u9,
        "Content-Type", "application/json"), new JsonObject().put("productId", "7").toBuffer());
    assertThat(added.status()).isEqualTo(201);
    assertThat(demo.services().stats("cart").requests("/cart/u9/items")).isEqualTo(1);
    assertThat(bff.get("/api/cart", bearer(u9)).body().toString()).contains("\"7\"");
    assertThat(bff.get("/api/me", bearer(u9)).json().getJsonObject("cart").encode()).contains("\"7\"");
  }
}
