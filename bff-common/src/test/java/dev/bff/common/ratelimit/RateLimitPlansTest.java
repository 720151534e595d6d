package dev.bff.common.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.BffUnderTest.Response;
import dev.bff.common.testing.FakeUpstream;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Partners calling with API keys get the limits of their plan. */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class RateLimitPlansTest {
  static final String BASIC = "ak_test_basic_4c1e9a07d2b85f36";
  static final String PREMIUM = "ak_test_premium_8e2d6b1f0a9c47d3";
  static final String GOLD = "ak_test_gold_1b7f3e5a9d0c62e8";

  FakeUpstream svc;
  BffUnderTest bff;

  static String sha256(String key) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
  }

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    svc = FakeUpstream.start(vertx, "svc");
    bff = BffUnderTest.start(vertx, """
        auth:
          default: api-key
          api-keys:
            keys:
              - { id: k-basic, sha256: "%s", partner: globex, plan: basic }
              - { id: k-premium, sha256: "%s", partner: acme, plan: premium }
              - { id: k-gold, sha256: "%s", partner: initech, plan: gold }
        upstreams:
          svc: { instances: ["${SVC}"] }
        rate-limits:
          policies:
            partner:
              key: partner
              plans:
                basic:   { rate: 1/m, burst: 2, quota: 100/day }
                premium: { rate: 1/m, burst: 4 }
            with-default:
              key: partner
              plans:
                premium: { rate: 1/m, burst: 4 }
                default: { rate: 1/m, burst: 1 }
        routes:
          - { path: "/v1/**", upstream: svc, rate-limit: [partner] }
          - { path: "/v2/**", upstream: svc, rate-limit: [with-default] }
        """.formatted(sha256(BASIC), sha256(PREMIUM), sha256(GOLD)), Map.of("SVC", svc.url()));
  }

  @AfterEach
  void stop() {
    bff.close();
    svc.close();
  }

  int admitted(String path, String key, int tries) {
    int ok = 0;
    for (int i = 0; i < tries; i++) {
      int status = bff.get(path, Map.of("X-Api-Key", key)).status();
      assertThat(status).isIn(200, 429);
      ok += status == 200 ? 1 : 0;
    }
    return ok;
  }

  @Test
  void basicAndPremiumPartnersGetTheirPlansLimits() {
    Response first = bff.get("/v1/x", Map.of("X-Api-Key", BASIC));
    assertThat(first.header("RateLimit-Policy")).isEqualTo("\"partner\";q=2;w=120, \"partner-quota\";q=100;w=86400");
    assertThat(admitted("/v1/x", BASIC, 5)).as("basic: burst 2, one used already").isEqualTo(1);
    Response premium = bff.get("/v1/x", Map.of("X-Api-Key", PREMIUM));
    assertThat(premium.header("RateLimit-Policy")).isEqualTo("\"partner\";q=4;w=240");
    assertThat(premium.header("RateLimit")).isEqualTo("\"partner\";r=3;t=60");
    assertThat(admitted("/v1/x", PREMIUM, 6)).as("premium: burst 4, one used already").isEqualTo(3);
  }

  @Test
  void aPlanWithoutLimitsIsNotLimitedUnlessTheresADefaultPlan() {
    Response gold = bff.get("/v1/x", Map.of("X-Api-Key", GOLD));
    assertThat(gold.header("RateLimit")).as("no gold plan and no default: not limited by it").isNull();
    assertThat(admitted("/v1/x", GOLD, 6)).isEqualTo(6);
    assertThat(admitted("/v2/x", GOLD, 3)).as("the default plan: burst 1").isEqualTo(1);
    assertThat(admitted("/v2/x", PREMIUM, 6)).isEqualTo(4);
  }
}
