package dev.bff.common.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.routing.BffModule;
import dev.bff.common.routing.Endpoints;
import dev.bff.common.routing.Reply;
import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.BffUnderTest.Response;
import dev.bff.common.testing.FakeUpstream;
import dev.bff.common.testing.Poll;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Rate limits in memory, through a real gateway: bursts, 429s, headers, keys, several policies on
 * one route, quotas and endpoints. Clients are told apart by {@code X-Forwarded-For} from the
 * trusted loopback. Rates are slow enough (per minute) that nothing refills during a test, except
 * where refilling is the point.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class RateLimitTest {
  static final Pattern RATELIMIT = Pattern.compile("\"([^\"]+)\";r=(\\d+);t=(\\d+)");

  /** A module with one Java endpoint, so endpoints are limited like routes. */
  static final BffModule MODULE = new BffModule() {
    @Override
    public String name() {
      return "rate-limit-test";
    }

    @Override
    public void endpoints(Endpoints e) {
      e.get("hello", "/hello", r -> Future.succeededFuture(Reply.json(new JsonObject().put("hello", "world"))));
    }
  };

  FakeUpstream svc;
  BffUnderTest bff;

  @BeforeEach
  void start(Vertx vertx) {
    svc = FakeUpstream.start(vertx, "svc");
    bff = BffUnderTest.start(vertx, MODULE, """
        server: { port: 0, admin-port: 0, instances: 2, trusted-proxies: ["127.0.0.1/32"] }
        upstreams:
          svc: { instances: ["${SVC}"] }
        rate-limits:
          default: [per-ip]
          policies:
            per-ip:   { key: ip, rate: 3/m }
            global:   { key: route, rate: 1/m, burst: 5 }
            refill:   { key: ip, rate: 10/s, burst: 2 }
            daily:    { key: ip, rate: 100/s, quota: 2/day }
            tenant:   { key: "header:X-Tenant", rate: 1/m, burst: 2 }
            per-user: { key: user, rate: 1/m, burst: 1 }
            window:   { key: ip, rate: 2/m, algorithm: sliding-window }
        routes:
          - { path: "/ip/**", upstream: svc }
          - { path: "/all/**", upstream: svc, rate-limit: [global] }
          - { path: "/both/**", upstream: svc, rate-limit: [per-ip, global] }
          - { path: "/free/**", upstream: svc, rate-limit: none }
          - { path: "/refill/**", upstream: svc, rate-limit: [refill] }
          - { path: "/quota/**", upstream: svc, rate-limit: [daily] }
          - { path: "/tenant/**", upstream: svc, rate-limit: [tenant] }
          - { path: "/user/**", upstream: svc, rate-limit: [per-user] }
          - { path: "/window/**", upstream: svc, rate-limit: window }
        endpoints:
          hello: { rate-limit: [global] }
        """, Map.of("SVC", svc.url()));
  }

  @AfterEach
  void stop() {
    bff.close();
    svc.close();
  }

  Response get(String path, String ip) {
    return bff.get(path, Map.of("X-Forwarded-For", ip));
  }

  static long[] state(Response r, String item) {
    Matcher m = RATELIMIT.matcher(r.header("RateLimit"));
    while (m.find()) {
      if (m.group(1).equals(item)) {
        return new long[] {Long.parseLong(m.group(2)), Long.parseLong(m.group(3))};
      }
    }
    throw new AssertionError("no item " + item + " in RateLimit: " + r.header("RateLimit"));
  }

  @Test
  void theBurstIsAdmittedExactlyThen429WithRetryAfterAndDecreasingRemaining() {
    Response first = get("/ip/a", "10.0.0.1");
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.header("RateLimit-Policy")).as("3/m: a burst of 3 refilled in 60 s").isEqualTo("\"per-ip\";q=3;w=60");
    assertThat(first.header("RateLimit")).as("one used, back in 20 s").isEqualTo("\"per-ip\";r=2;t=20");
    assertThat(first.header("X-RateLimit-Limit")).as("legacy headers only with ietf+legacy").isNull();
    Response second = get("/ip/b", "10.0.0.1");
    assertThat(state(second, "per-ip")[0]).isEqualTo(1);
    assertThat(state(second, "per-ip")[1]).isBetween(39L, 40L);
    Response third = get("/ip/c", "10.0.0.1");
    assertThat(state(third, "per-ip")[0]).isZero();
    assertThat(state(third, "per-ip")[1]).isBetween(59L, 60L);
    Response refused = get("/ip/d", "10.0.0.1");
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.header("content-type")).isEqualTo("application/problem+json");
    assertThat(refused.json().getString("type")).endsWith("/rate-limited");
    assertThat(refused.json().getInteger("status")).isEqualTo(429);
    assertThat(refused.json().getString("detail")).contains("per-ip");
    assertThat(Long.parseLong(refused.header("Retry-After"))).as("the next token, 20 s after the first").isBetween(19L, 20L);
    assertThat(refused.header("RateLimit-Policy")).isEqualTo("\"per-ip\";q=3;w=60");
    assertThat(state(refused, "per-ip")[0]).isZero();
    assertThat(svc.count()).as("the refused request never reached the service").isEqualTo(3);
    assertThat(get("/ip/e", "10.0.0.2").status()).as("another address has its own bucket").isEqualTo(200);
  }

  @Test
  void anIpKeyCountsEachClientAndARouteKeyCountsThemAll() {
    for (String ip : new String[] {"10.0.1.1", "10.0.1.2"}) {
      for (int i = 0; i < 3; i++) {
        assertThat(get("/ip/x", ip).status()).isEqualTo(200);
      }
      assertThat(get("/ip/x", ip).status()).isEqualTo(429);
    }
    for (int i = 0; i < 5; i++) {
      assertThat(get("/all/x", "10.0.2." + i).status()).as("request %d", i).isEqualTo(200);
    }
    Response r = get("/all/x", "10.0.2.99");
    assertThat(r.status()).as("a new client, but the route's 5 are used").isEqualTo(429);
    assertThat(r.header("RateLimit-Policy")).isEqualTo("\"global\";q=5;w=300");
  }

  @Test
  void everyPolicyOfARouteMustAdmitAndARefusedRequestCountsAgainstNone() {
    for (int i = 0; i < 3; i++) {
      assertThat(get("/both/x", "10.0.3.1").status()).isEqualTo(200);
    }
    Response perIp = get("/both/x", "10.0.3.1");
    assertThat(perIp.status()).isEqualTo(429);
    assertThat(perIp.json().getString("detail")).contains("per-ip").doesNotContain("global");
    assertThat(perIp.header("RateLimit-Policy")).isEqualTo("\"per-ip\";q=3;w=60, \"global\";q=5;w=300");
    assertThat(state(perIp, "global")[0]).as("the refused request took nothing from global").isEqualTo(2);
    assertThat(get("/both/x", "10.0.3.2").status()).isEqualTo(200);
    Response last = get("/both/x", "10.0.3.2");
    assertThat(last.status()).isEqualTo(200);
    assertThat(state(last, "per-ip")[0]).isEqualTo(1);
    assertThat(state(last, "global")[0]).isZero();
    Response global = get("/both/x", "10.0.3.2");
    assertThat(global.status()).as("per-ip has 1 left, global none").isEqualTo(429);
    assertThat(global.json().getString("detail")).contains("global");
    assertThat(state(global, "per-ip")[0]).isEqualTo(1);
    assertThat(svc.count()).isEqualTo(5);
  }

  @Test
  void rateLimitNoneOverridesTheDefault() {
    for (int i = 0; i < 10; i++) {
      Response r = get("/free/x", "10.0.4.1");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("RateLimit")).isNull();
      assertThat(r.header("RateLimit-Policy")).isNull();
    }
  }

  @Test
  void tokensComeBackOverTime() {
    assertThat(get("/refill/x", "10.0.5.1").status()).isEqualTo(200);
    assertThat(get("/refill/x", "10.0.5.1").status()).isEqualTo(200);
    Response refused = get("/refill/x", "10.0.5.1");
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.header("Retry-After")).isEqualTo("1");
    Poll.until("a token to come back (10/s)", Duration.ofSeconds(10), () -> get("/refill/x", "10.0.5.1").status() == 200);
  }

  @Test
  void anExhaustedDailyQuotaIsRefusedUntilTheNextUtcMidnight() {
    long untilMidnight = LocalDate.now(ZoneOffset.UTC).plusDays(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond()
        - System.currentTimeMillis() / 1000;
    Assumptions.assumeTrue(untilMidnight > 30, "not within 30 s of midnight UTC");
    Response first = get("/quota/x", "10.0.6.1");
    assertThat(first.header("RateLimit-Policy")).isEqualTo("\"daily\";q=100;w=1, \"daily-quota\";q=2;w=86400");
    assertThat(state(first, "daily-quota")[0]).isEqualTo(1);
    assertThat(state(first, "daily-quota")[1]).isBetween(untilMidnight - 5, untilMidnight + 1);
    assertThat(get("/quota/x", "10.0.6.1").status()).isEqualTo(200);
    Response refused = get("/quota/x", "10.0.6.1");
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.json().getString("detail")).contains("daily-quota");
    long now = System.currentTimeMillis() / 1000;
    long expected = LocalDate.now(ZoneOffset.UTC).plusDays(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond() - now;
    assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(expected - 2, expected + 1);
  }

  @Test
  void aHeaderKeyCountsPerValueAndRequestsWithoutItShareOneBucket() {
    assertThat(bff.get("/tenant/x", Map.of("X-Tenant", "a")).status()).isEqualTo(200);
    assertThat(bff.get("/tenant/x", Map.of("X-Tenant", "a")).status()).isEqualTo(200);
    assertThat(bff.get("/tenant/x", Map.of("X-Tenant", "a")).status()).isEqualTo(429);
    assertThat(bff.get("/tenant/x", Map.of("X-Tenant", "b")).status()).isEqualTo(200);
    assertThat(bff.get("/tenant/x").status()).isEqualTo(200);
    assertThat(bff.get("/tenant/x").status()).isEqualTo(200);
    assertThat(bff.get("/tenant/x").status()).as("leaving the header out is no way around it").isEqualTo(429);
  }

  @Test
  void aUserKeyDoesNotLimitAnonymousRequests() {
    for (int i = 0; i < 3; i++) {
      Response r = get("/user/x", "10.0.7.1");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("RateLimit")).isNull();
    }
  }

  @Test
  void aSlidingWindowAdmitsItsLimitPerWindow() {
    assertThat(get("/window/x", "10.0.8.1").header("RateLimit-Policy")).isEqualTo("\"window\";q=2;w=60");
    assertThat(get("/window/x", "10.0.8.1").status()).isEqualTo(200);
    Response refused = get("/window/x", "10.0.8.1");
    assertThat(refused.status()).isEqualTo(429);
    assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 120L);
  }

  @Test
  void ietfPlusLegacyAddsXRateLimitHeadersForTheMostRestrictiveLimit(Vertx vertx) {
    BffUnderTest legacy = BffUnderTest.start(vertx, """
        upstreams:
          svc: { instances: ["${SVC}"] }
        rate-limits:
          headers: ietf+legacy
          default: [per-client, global]
          policies:
            per-client: { key: ip, rate: 3/m }
            global:     { key: route, rate: 1/m, burst: 5 }
        routes:
          - { path: "/**", upstream: svc }
        """, Map.of("SVC", svc.url()));
    try {
      Response r = legacy.get("/x");
      assertThat(r.header("RateLimit-Policy")).isEqualTo("\"per-client\";q=3;w=60, \"global\";q=5;w=300");
      assertThat(r.header("RateLimit")).isEqualTo("\"per-client\";r=2;t=20, \"global\";r=4;t=60");
      assertThat(r.header("X-RateLimit-Limit")).isEqualTo("3");
      assertThat(r.header("X-RateLimit-Remaining")).isEqualTo("2");
      assertThat(r.header("X-RateLimit-Reset")).isEqualTo("20");
      legacy.get("/x");
      assertThat(legacy.get("/x").header("X-RateLimit-Remaining")).isEqualTo("0");
      Response refused = legacy.get("/x");
      assertThat(refused.status()).isEqualTo(429);
      assertThat(refused.header("X-RateLimit-Remaining")).isEqualTo("0");
      assertThat(refused.header("X-RateLimit-Limit")).isEqualTo("3");
    } finally {
      legacy.close();
    }
  }

  @Test
  void endpointsAreLimitedLikeRoutesAndTheAdminListenerCountsDecisions(Vertx vertx) {
    for (int i = 0; i < 5; i++) {
      assertThat(get("/hello", "10.0.9." + i).status()).isEqualTo(200);
    }
    Response r = get("/hello", "10.0.9.9");
    assertThat(r.status()).isEqualTo(429);
    assertThat(r.header("RateLimit-Policy")).isEqualTo("\"global\";q=5;w=300");
    get("/ip/x", "10.0.9.1");
    WebClient admin = WebClient.create(vertx);
    try {
      JsonObject stats = admin.get(bff.adminPort(), "127.0.0.1", "/admin/rate-limits").send().await().bodyAsJsonObject();
      assertThat(stats.getString("store")).isEqualTo("memory");
      JsonObject global = stats.getJsonObject("policies").getJsonObject("global");
      assertThat(global.getLong("allowed")).isEqualTo(5);
      assertThat(global.getLong("limited")).isEqualTo(1);
      assertThat(global.getLong("storeErrors")).isZero();
      assertThat(stats.getJsonObject("policies").getJsonObject("per-ip").getLong("allowed")).isEqualTo(1);
    } finally {
      admin.close();
    }
  }
}
