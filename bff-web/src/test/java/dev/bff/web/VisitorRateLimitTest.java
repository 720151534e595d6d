package dev.bff.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.BuiltInBff;
import dev.bff.common.testing.DemoStack;
import dev.bff.common.testing.TestClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * bff-web's built-in visitor limit, made tiny through its environment variables: anonymous traffic
 * is counted per IP address, signed-in traffic per user, so one user's burst leaves others alone.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class VisitorRateLimitTest {
  DemoStack demo;
  BffUnderTest bff;
  TestClient identity;

  @BeforeAll
  void start(Vertx vertx) {
    demo = DemoStack.start(vertx);
    Map<String, String> vars = new HashMap<>(demo.vars());
    vars.put("BFF_VISITOR_RATE", "1/h");
    vars.put("BFF_VISITOR_BURST", "3");
    bff = BuiltInBff.start(vertx, new WebBff(), vars);
    identity = TestClient.of(vertx, demo.services().port("identity"));
  }

  @AfterAll
  void stop() {
    identity.close();
    bff.close();
    demo.close();
  }

  private Map<String, String> bearer(String sub) {
    var r = identity.send(HttpMethod.POST, "/token", Map.of("Content-Type", "application/json"),
        new JsonObject().put("sub", sub).put("aud", "bff-web").toBuffer());
    return Map.of("Authorization", "Bearer " + r.json().getString("access_token"));
  }

  @Test
  void anonymousVisitorsArePerAddressAndSignedInUsersPerUser() {
    for (int i = 3; i > 0; i--) {
      var ok = bff.get("/api/products/1");
      assertThat(ok.status()).isEqualTo(200);
      assertThat(ok.header("ratelimit")).isEqualTo("\"visitor\";r=" + (i - 1) + ";t=" + (3 * 3600 - (i - 1) * 3600));
    }
    var limited = bff.get("/api/products/1");
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.header("content-type")).isEqualTo("application/problem+json");
    assertThat(Long.parseLong(limited.header("retry-after"))).isBetween(3590L, 3600L);
    assertThat(limited.header("ratelimit-policy")).isEqualTo("\"visitor\";q=3;w=10800");

    Map<String, String> u7 = bearer("u7");
    for (int i = 0; i < 3; i++) {
      assertThat(bff.get("/api/me", u7).status()).as("u7's own bucket, not the address's").isEqualTo(200);
    }
    assertThat(bff.get("/api/me", u7).status()).isEqualTo(429);
    assertThat(bff.get("/api/me", bearer("u8")).status()).as("another user from the same address").isEqualTo(200);
  }
}
