package dev.bff.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.BuiltInBff;
import dev.bff.common.testing.DemoStack;
import dev.bff.common.testing.Scrape;
import dev.bff.common.testing.TestClient;
import dev.bff.common.testing.TestNginx;
import dev.bff.common.testing.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scale-out: two bff-web replicas behind nginx (round robin), sharing Redis for the visitor rate
 * limit and the response cache, as {@code deploy/scale-out.sh} runs them. A visitor's allowance is
 * one across the replicas (not one each), and an answer cached by one replica is a hit on the other.
 */
@ExtendWith(VertxExtension.class)
@Timeout(120)
class ScaleOutTest {
  static final int BURST = 12;

  @Test
  void twoReplicasBehindALoadBalancerShareOneRateLimitAndOneCache(Vertx vertx) {
    try (TestRedis redis = TestRedis.start(); DemoStack demo = DemoStack.start(vertx)) {
      Map<String, String> vars = new HashMap<>(demo.vars());
      vars.put("REDIS_URL", redis.url());
      vars.put("BFF_RATE_LIMIT_STORE", "redis");
      vars.put("BFF_CACHE_STORE", "redis");
      vars.put("BFF_VISITOR_RATE", BURST + "/h"); // no refill within the test
      vars.put("BFF_VISITOR_BURST", String.valueOf(BURST));
      try (BffUnderTest a = BuiltInBff.start(vertx, new WebBff(), vars);
          BffUnderTest b = BuiltInBff.start(vertx, new WebBff(), vars);
          TestNginx lb = TestNginx.start(List.of(a.port(), b.port()));
          TestClient client = TestClient.of(vertx, lb.port())) {
        // the cache: the first replica stores the answer in Redis, the second serves it from there
        var first = client.get("/api/products/5");
        var second = client.get("/api/products/5");
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.header("x-cache")).isEqualTo("MISS");
        assertThat(second.header("x-cache")).isEqualTo("HIT");
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(List.of(cache(a, "miss"), cache(b, "miss"))).containsExactlyInAnyOrder(1.0, 0.0);
        assertThat(cache(a, "hit") + cache(b, "hit")).isEqualTo(1.0);
        assertThat(cache(a, "miss") + cache(a, "hit")).as("nginx alternated: one request each").isEqualTo(1.0);

        // the rate limit: one allowance of BURST across both replicas (two spent above)
        int allowed = 2;
        int status;
        do {
          status = client.get("/api/products/" + (100 + allowed)).status();
          if (status == 200) {
            allowed++;
          }
        } while (status == 200 && allowed < 3 * BURST);
        assertThat(status).isEqualTo(429);
        assertThat(allowed).as("requests allowed across the two replicas").isEqualTo(BURST);
        assertThat(decisions(a, "allowed")).as("replica a allowed some").isPositive();
        assertThat(decisions(b, "allowed")).as("replica b allowed some").isPositive();
        assertThat(decisions(a, "allowed") + decisions(b, "allowed")).isEqualTo(BURST);
        assertThat(client.get("/api/products/1").status()).as("the other replica refuses too").isEqualTo(429);
      }
    }
  }

  private static double cache(BffUnderTest bff, String result) {
    return Scrape.of(bff).value("bff_cache_requests_total", "route", "products", "result", result);
  }

  private static double decisions(BffUnderTest bff, String decision) {
    return Scrape.of(bff).value("bff_rate_limit_decisions_total", "policy", "visitor", "decision", decision);
  }
}
