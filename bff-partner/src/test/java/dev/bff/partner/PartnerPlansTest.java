package dev.bff.partner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.BuiltInBff;
import dev.bff.common.testing.DemoStack;
import dev.bff.common.testing.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** bff-partner's plans: each partner's API key sets its limits, in one replica and across two sharing Redis. */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(90)
class PartnerPlansTest {
  static final String PATH = "/partner/v1/products/1/stock";

  Vertx vertx;
  DemoStack demo;

  @BeforeAll
  void start(Vertx vertx) {
    this.vertx = vertx;
    demo = DemoStack.start(vertx);
  }

  @AfterAll
  void stop() {
    demo.close();
  }

  private static Map<String, String> key(String k) {
    return Map.of("X-Api-Key", k);
  }

  @Test
  void aBasicPartnerGetsItsBurstOfTwentyAndAPremiumOneTwoHundred() {
    BffUnderTest bff = BuiltInBff.start(vertx, new PartnerBff(), demo.vars());
    try {
      var premium = bff.get(PATH, key(PartnerSecurityTest.ACME_KEY));
      assertThat(premium.status()).isEqualTo(200);
      assertThat(premium.header("ratelimit-policy"))
          .isEqualTo("\"partner\";q=200;w=2, \"partner-quota\";q=1000000;w=86400");
      int admitted = 0;
      int status = 200;
      long start = System.nanoTime();
      while (status == 200 && admitted < 100) {
        var r = bff.get(PATH, key(PartnerSecurityTest.GLOBEX_KEY));
        status = r.status();
        if (status == 200) {
          admitted++;
          assertThat(r.header("ratelimit-policy")).startsWith("\"partner\";q=20;w=2");
        } else {
          assertThat(status).isEqualTo(429);
          assertThat(r.header("retry-after")).isEqualTo("1");
          assertThat(r.json().getString("type")).endsWith("/rate-limited");
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      assertThat(admitted).as("the burst of 20, plus what 10/s refilled in %.2f s", seconds)
          .isBetween(20, 20 + (int) Math.ceil(seconds * 10) + 1);
      assertThat(bff.get(PATH, key(PartnerSecurityTest.ACME_KEY)).status()).as("acme has its own bucket").isEqualTo(200);
    } finally {
      bff.close();
    }
  }

  @Test
  void twoReplicasSharingRedisEnforceOneLimit() {
    try (TestRedis redis = TestRedis.start()) {
      Map<String, String> vars = new HashMap<>(demo.vars());
      vars.put("BFF_RATE_LIMIT_STORE", "redis");
      vars.put("REDIS_URL", redis.url());
      BffUnderTest a = BuiltInBff.start(vertx, new PartnerBff(), vars);
      BffUnderTest b = BuiltInBff.start(vertx, new PartnerBff(), vars);
      try {
        int admitted = 0;
        long start = System.nanoTime();
        for (int i = 0; i < 60; i++) {
          BffUnderTest replica = i % 2 == 0 ? a : b;
          if (replica.get(PATH, key(PartnerSecurityTest.GLOBEX_KEY)).status() == 200) {
            admitted++;
          }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(admitted).as("one burst of 20 for both replicas, plus what 10/s refilled in %.2f s", seconds)
            .isBetween(20, 20 + (int) Math.ceil(seconds * 10) + 1);
        assertThat(redis.run("KEYS", "bff:rl:*")).isNotBlank();
      } finally {
        a.close();
        b.close();
      }
    }
  }
}
