package dev.bff.common.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.BffUnderTest.Response;
import dev.bff.common.testing.FakeUpstream;
import dev.bff.common.testing.OnContext;
import dev.bff.common.testing.Poll;
import dev.bff.common.testing.TestRedis;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * Two gateways sharing one real {@code redis-server} enforce one limit; Redis going away and coming
 * back is logged once each way, counted, and handled as configured, without restarting a gateway.
 */
@ExtendWith(VertxExtension.class)
@Timeout(120)
class RedisRateLimitTest {
  static final Duration WAIT = Duration.ofSeconds(20);

  /** Every event of the rate limiter's logger. */
  static final class Logs extends AppenderBase<ILoggingEvent> {
    final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    protected void append(ILoggingEvent e) {
      lines.add(e.getLevel() + " " + e.getFormattedMessage());
    }
  }

  final Logger limiterLog = (Logger) LoggerFactory.getLogger(RateLimiter.class);
  final Logs logs = new Logs();
  TestRedis redis;
  FakeUpstream svc;
  final List<BffUnderTest> gateways = new ArrayList<>();
  HttpClient client;
  Context context;

  @BeforeEach
  void start(Vertx vertx) {
    logs.start();
    limiterLog.addAppender(logs);
    redis = TestRedis.start();
    svc = FakeUpstream.start(vertx, "svc");
    client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(8));
    context = vertx.getOrCreateContext();
  }

  @AfterEach
  void stop() {
    limiterLog.detachAppender(logs);
    gateways.forEach(BffUnderTest::close);
    client.close().await();
    svc.close();
    redis.close();
  }

  /** A gateway with one route, {@code /api/**}, under the policy {@code shared} (a route key: one bucket). */
  BffUnderTest gateway(Vertx vertx, String policy, String onError, int replicas) {
    BffUnderTest g = BffUnderTest.start(vertx, """
        redis: { url: "${REDIS}", timeout: 300ms }
        upstreams:
          svc: { instances: ["${SVC}"] }
        rate-limits:
          store: redis
          on-store-error: %s
          replicas: %d
          default: [shared]
          policies:
            shared: %s
        routes:
          - { id: api, path: "/api/**", upstream: svc }
        """.formatted(onError, replicas, policy), Map.of("SVC", svc.url(), "REDIS", redis.url()));
    gateways.add(g);
    return g;
  }

  /** Sends {@code n} GETs to {@code port} at once; the statuses, in completion order. */
  Future<List<Integer>> burst(int port, int n) {
    List<Future<Integer>> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(client.request(new RequestOptions().setHost("127.0.0.1").setPort(port).setURI("/api/x"))
          .compose(req -> req.send()).compose(resp -> resp.body().map(b -> resp.statusCode())));
    }
    return Future.all(all).map(cf -> cf.<Integer>list());
  }

  Response get(BffUnderTest g) {
    return g.get("/api/x");
  }

  JsonObject admin(Vertx vertx, BffUnderTest g) {
    WebClient web = WebClient.create(vertx);
    try {
      return web.get(g.adminPort(), "127.0.0.1", "/admin/rate-limits").send().await().bodyAsJsonObject();
    } finally {
      web.close();
    }
  }

  @Test
  void anInstantBurstOverTwoGatewaysAdmitsExactlyTheBurst(Vertx vertx) {
    BffUnderTest a = gateway(vertx, "{ key: route, rate: 1/m, burst: 20 }", "fail-closed", 2);
    BffUnderTest b = gateway(vertx, "{ key: route, rate: 1/m, burst: 20 }", "fail-closed", 2);
    List<Integer> statuses = OnContext.await(context, () -> Future.all(burst(a.port(), 40), burst(b.port(), 40))
        .map(cf -> {
          List<Integer> out = new ArrayList<>(cf.<List<Integer>>resultAt(0));
          out.addAll(cf.resultAt(1));
          return out;
        }));
    assertThat(statuses).hasSize(80).containsOnly(200, 429);
    assertThat(statuses.stream().filter(s -> s == 200).count()).isEqualTo(20);
    assertThat(svc.count()).isEqualTo(20);
    long allowed = admin(vertx, a).getJsonObject("policies").getJsonObject("shared").getLong("allowed")
        + admin(vertx, b).getJsonObject("policies").getJsonObject("shared").getLong("allowed");
    assertThat(allowed).isEqualTo(20);
  }

  /**
   * 50/s burst 10 for about 4 s, from four clients (two per gateway) each sending a request every
   * 20 ms, about three times the limit. The admitted count is compared with the rate over the time the
   * test measured (from the first answer received to the last) plus the burst.
   */
  @Test
  void aSustainedLoadOverTwoGatewaysIsAdmittedAtTheRate(Vertx vertx) {
    BffUnderTest a = gateway(vertx, "{ key: route, rate: 50/s, burst: 10 }", "fail-closed", 2);
    BffUnderTest b = gateway(vertx, "{ key: route, rate: 50/s, burst: 10 }", "fail-closed", 2);
    // the test's connections open, the script loaded and the JIT warm; then the bucket refills before measuring
    OnContext.await(context, () -> Future.all(burst(a.port(), 8), burst(b.port(), 8)));
    sleep(500);
    AtomicInteger admitted = new AtomicInteger();
    AtomicInteger other = new AtomicInteger();
    AtomicLong lastAnswer = new AtomicLong();
    AtomicLong firstAnswer = new AtomicLong(Long.MAX_VALUE);
    long start = System.nanoTime();
    long until = start + Duration.ofSeconds(4).toNanos();
    OnContext.await(context, () -> {
      List<Future<Void>> loops = new ArrayList<>();
      for (BffUnderTest g : List.of(a, b, a, b)) {
        Promise<Void> done = Promise.promise();
        pace(vertx, g.port(), until, admitted, other, firstAnswer, lastAnswer, done);
        loops.add(done.future());
      }
      return Future.all(loops);
    });
    // both ends measured where the test sees a decision, on receiving its answer: their delays cancel out
    double seconds = (lastAnswer.get() - firstAnswer.get()) / 1e9;
    double expected = 50 * seconds + 10;
    System.out.printf("sustained: %d admitted in %.3f s (first answer after %.1f ms), expected %.1f (%.2f%%), "
        + "%d refused%n", admitted.get(), seconds, (firstAnswer.get() - start) / 1e6, expected,
        100 * (admitted.get() - expected) / expected, other.get());
    assertThat(other.get()).as("far more requests than the limit were sent").isGreaterThan(admitted.get());
    assertThat((double) admitted.get()).isBetween(expected * 0.98, expected * 1.02);
  }

  private void pace(Vertx vertx, int port, long until, AtomicInteger admitted, AtomicInteger other,
      AtomicLong firstAnswer, AtomicLong lastAnswer, Promise<Void> done) {
    if (System.nanoTime() - until >= 0) {
      done.complete();
      return;
    }
    client.request(new RequestOptions().setHost("127.0.0.1").setPort(port).setURI("/api/x"))
        .compose(req -> req.send()).compose(resp -> resp.body().map(b -> resp.statusCode()))
        .onSuccess(status -> {
          long now = System.nanoTime();
          firstAnswer.accumulateAndGet(now, Math::min);
          lastAnswer.accumulateAndGet(now, Math::max);
          (status == 200 ? admitted : other).incrementAndGet();
          vertx.setTimer(20, t -> pace(vertx, port, until, admitted, other, firstAnswer, lastAnswer, done));
        })
        .onFailure(done::tryFail);
  }

  @Test
  void failClosedAnswers503WhileRedisIsDownAndRecoversByItself(Vertx vertx) {
    BffUnderTest g = gateway(vertx, "{ key: route, rate: 1/m, burst: 100 }", "fail-closed", 2);
    assertThat(get(g).status()).isEqualTo(200);
    redis.stop();
    for (int i = 0; i < 10; i++) {
      Response r = get(g);
      assertThat(r.status()).isEqualTo(503);
      assertThat(r.header("content-type")).isEqualTo("application/problem+json");
      assertThat(r.json().getString("type")).endsWith("/rate-limit-unavailable");
      assertThat(r.header("Retry-After")).isEqualTo("1");
    }
    assertThat(svc.count()).isEqualTo(1);
    JsonObject down = admin(vertx, g);
    assertThat(down.getBoolean("storeAvailable")).isFalse();
    assertThat(down.getLong("storeOutages")).isEqualTo(1);
    JsonObject shared = down.getJsonObject("policies").getJsonObject("shared");
    assertThat(shared.getLong("storeErrors")).isGreaterThanOrEqualTo(1);
    assertThat(shared.getLong("unavailable")).isEqualTo(10);
    assertThat(warnings()).as("logged once, not per request").hasSize(1);
    assertThat(warnings().get(0)).contains("fail-closed").contains("503");
    redis.restart();
    Poll.until("decisions back on Redis", WAIT, () -> get(g).status() == 200);
    assertThat(admin(vertx, g).getBoolean("storeAvailable")).isTrue();
    assertThat(logs.lines).filteredOn(l -> l.startsWith("INFO") && l.contains("answers again")).hasSize(1);
    assertThat(redis.run("KEYS", "bff:rl:*")).as("the bucket is in Redis again").isNotBlank();
  }

  @Test
  void failOpenDecidesLocallyAtTheLimitOverReplicasAndGoesBackToRedis(Vertx vertx) {
    BffUnderTest a = gateway(vertx, "{ key: route, rate: 1/m, burst: 10 }", "fail-open", 2);
    BffUnderTest b = gateway(vertx, "{ key: route, rate: 1/m, burst: 10 }", "fail-open", 2);
    Response shared = get(a);
    assertThat(shared.header("RateLimit-Policy")).isEqualTo("\"shared\";q=10;w=600");
    assertThat(shared.header("RateLimit")).startsWith("\"shared\";r=9;");
    assertThat(get(b).header("RateLimit")).as("one bucket for both").startsWith("\"shared\";r=8;");
    redis.stop();
    for (BffUnderTest g : List.of(a, b)) {
      int admitted = 0;
      for (int i = 0; i < 8; i++) {
        Response r = get(g);
        if (r.status() == 200) {
          admitted++;
          assertThat(r.header("RateLimit-Policy")).as("the local share").isEqualTo("\"shared\";q=5;w=600");
        } else {
          assertThat(r.status()).isEqualTo(429);
          assertThat(r.json().getString("detail")).contains("this replica's share");
        }
      }
      assertThat(admitted).as("limit/replicas on each gateway").isEqualTo(5);
      JsonObject stats = admin(vertx, g).getJsonObject("policies").getJsonObject("shared");
      assertThat(stats.getLong("fallbackDecisions")).isEqualTo(8);
      assertThat(stats.getLong("storeErrors")).isGreaterThanOrEqualTo(1);
    }
    assertThat(warnings()).as("one warning per gateway").hasSize(2);
    assertThat(warnings().get(0)).contains("fail-open").contains("limit/2");
    redis.restart(); // empty: the shared bucket starts full again
    for (BffUnderTest g : List.of(a, b)) {
      Poll.until("decisions back on Redis", WAIT, () -> "\"shared\";q=10;w=600".equals(get(g).header("RateLimit-Policy")));
    }
    long fallback = admin(vertx, a).getJsonObject("policies").getJsonObject("shared").getLong("fallbackDecisions");
    Response back = get(a);
    assertThat(back.status()).isEqualTo(200);
    assertThat(back.header("RateLimit-Policy")).isEqualTo("\"shared\";q=10;w=600");
    assertThat(admin(vertx, a).getJsonObject("policies").getJsonObject("shared").getLong("fallbackDecisions"))
        .isEqualTo(fallback);
  }

  @Test
  void slidingWindowsQuotasAndSeveralPoliciesAreDecidedInOneScript(Vertx vertx) {
    BffUnderTest g = BffUnderTest.start(vertx, """
        redis: { url: "${REDIS}" }
        upstreams:
          svc: { instances: ["${SVC}"] }
        rate-limits:
          store: redis
          policies:
            window: { key: route, rate: 3/m, algorithm: sliding-window }
            daily:  { key: route, rate: 100/s, quota: 2/day }
            tight:  { key: ip, rate: 1/m, burst: 2 }
            wide:   { key: route, rate: 1/m, burst: 10 }
        routes:
          - { path: "/window/**", upstream: svc, rate-limit: [window] }
          - { path: "/daily/**", upstream: svc, rate-limit: [daily] }
          - { path: "/both/**", upstream: svc, rate-limit: [tight, wide] }
        """, Map.of("SVC", svc.url(), "REDIS", redis.url()));
    gateways.add(g);
    for (int i = 2; i >= 0; i--) {
      Response r = g.get("/window/x");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("RateLimit")).startsWith("\"window\";r=" + i + ";");
    }
    Response window = g.get("/window/x");
    assertThat(window.status()).isEqualTo(429);
    assertThat(Long.parseLong(window.header("Retry-After"))).isBetween(1L, 90L);
    long untilMidnight = java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(1)
        .atStartOfDay(java.time.ZoneOffset.UTC).toEpochSecond() - System.currentTimeMillis() / 1000;
    org.junit.jupiter.api.Assumptions.assumeTrue(untilMidnight > 30, "not within 30 s of midnight UTC");
    assertThat(g.get("/daily/x").header("RateLimit")).contains("\"daily-quota\";r=1;");
    assertThat(g.get("/daily/x").status()).isEqualTo(200);
    Response daily = g.get("/daily/x");
    assertThat(daily.status()).isEqualTo(429);
    assertThat(Long.parseLong(daily.header("Retry-After"))).isBetween(untilMidnight - 5, untilMidnight + 1);
    assertThat(g.get("/both/x").status()).isEqualTo(200);
    assertThat(g.get("/both/x").status()).isEqualTo(200);
    for (int i = 0; i < 3; i++) {
      Response r = g.get("/both/x");
      assertThat(r.status()).isEqualTo(429);
      assertThat(r.json().getString("detail")).contains("tight").doesNotContain("wide");
      assertThat(r.header("RateLimit")).as("refused requests take nothing from wide")
          .isEqualTo("\"tight\";r=0;t=120, \"wide\";r=8;t=120");
    }
  }

  private List<String> warnings() {
    return logs.lines.stream().filter(l -> l.startsWith("WARN")).toList();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
