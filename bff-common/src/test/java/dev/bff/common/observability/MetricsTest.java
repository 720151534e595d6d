package dev.bff.common.observability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.FakeUpstream;
import dev.bff.common.testing.Poll;
import dev.bff.common.testing.Scrape;
import dev.bff.common.testing.TestClient;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code GET /metrics} on the admin listener after known traffic: exact counts per route and status
 * class, per upstream and error kind, per endpoint part and outcome, per authentication failure
 * reason and per rate-limit decision; the circuit state; and labels that never carry a path or an id.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class MetricsTest {
  static final String KEY = "ak_test_acme_9d1c0b7e2f";
  static final Duration WAIT = Duration.ofSeconds(10);

  FakeUpstream svc;
  FakeUpstream resets;
  FakeUpstream slow;
  FakeUpstream broken;
  FakeUpstream cached;
  BffUnderTest bff;
  String goneUrl;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    svc = FakeUpstream.start(vertx, "svc");
    resets = FakeUpstream.start(vertx, "resets").handler(req -> req.connection().close());
    slow = FakeUpstream.start(vertx, "slow").handler(req -> { }); // never answers
    broken = FakeUpstream.start(vertx, "broken").status(500);
    AtomicInteger oldCalls = new AtomicInteger();
    cached = FakeUpstream.start(vertx, "cached").handler(req -> {
      if (req.method() == HttpMethod.POST) {
        req.response().setStatusCode(201).end();
      } else if (req.path().endsWith("/fresh")) {
        req.response().putHeader("Cache-Control", "max-age=60").end("fresh");
      } else if (oldCalls.incrementAndGet() == 1) { // stale on arrival, kept for stale-if-error
        req.response().putHeader("Cache-Control", "max-age=1").putHeader("Age", "5").end("old");
      } else {
        req.response().setStatusCode(500).end();
      }
    });
    var dead = vertx.createHttpServer().requestHandler(req -> { }).listen(0, "127.0.0.1").await();
    goneUrl = "http://127.0.0.1:" + dead.actualPort();
    dead.close().await(); // refused from now on
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(KEY.getBytes(StandardCharsets.UTF_8)));
    bff = BffUnderTest.start(vertx, """
        server: { port: 0, admin-port: 0, instances: 1, trusted-proxies: ["127.0.0.1/32"] }
        auth:
          default: public
          api-keys:
            keys:
              - { id: acme-1, sha256: "%s", partner: acme }
        upstreams:
          svc:    { instances: ["${SVC}"], retry: { attempts: 0 } }
          resets: { instances: ["${RESETS}"], retry: { attempts: 0 }, outlier: { consecutive-failures: 0 } }
          slow:   { instances: ["${SLOW}"], retry: { attempts: 0 }, response-timeout: 100ms,
                    outlier: { consecutive-failures: 0 } }
          broken: { instances: ["${BROKEN}"], retry: { attempts: 0 }, outlier: { consecutive-failures: 0 } }
          gone:   { instances: ["${GONE}"], retry: { attempts: 0 }, outlier: { consecutive-failures: 0 } }
          cached: { instances: ["${CACHED}"], retry: { attempts: 0 }, outlier: { consecutive-failures: 0 } }
          flaky:  { instances: ["${BROKEN}"], retry: { attempts: 0 }, outlier: { consecutive-failures: 0 },
                    circuit-breaker: { failures: 2, window: 10s, open-for: 30s } }
        rate-limits:
          policies:
            two: { key: ip, rate: 2/m }
        routes:
          - { id: products, path: "/api/products/**", upstream: svc, strip-prefix: /api }
          - { id: resets, path: "/resets/**", upstream: resets }
          - { id: slow, path: "/slow/**", upstream: slow }
          - { id: broken, path: "/broken/**", upstream: broken }
          - { id: gone, path: "/gone/**", upstream: gone }
          - { id: flaky, path: "/flaky/**", upstream: flaky }
          - { id: partner, path: "/partner/**", upstream: svc, auth: api-key }
          - { id: globex-only, path: "/globex/**", upstream: svc, auth: { methods: [api-key], clients: [globex] } }
          - { id: limited, path: "/limited/**", upstream: svc, rate-limit: [two] }
          - { id: cached, path: "/cached/**", upstream: cached, cache: { stale-if-error: 10m } }
        endpoints:
          page:
            path: /page/:id
            parts:
              product: { upstream: svc, path: "/products/{id}", required: true }
              reviews: { upstream: broken, path: "/reviews/{id}" }
              stock:   { upstream: broken, path: "/stock/{id}", fallback: { value: { quantity: 0 } } }
          brief:
            path: /brief/:id
            cache: { ttl: 60s }
            parts:
              product: { upstream: svc, path: "/products/{id}", required: true }
        """.formatted(sha), Map.of("SVC", svc.url(), "RESETS", resets.url(), "SLOW", slow.url(),
        "BROKEN", broken.url(), "GONE", goneUrl, "CACHED", cached.url()));
  }

  @AfterEach
  void stop() {
    bff.close();
    svc.close();
    resets.close();
    slow.close();
    broken.close();
    cached.close();
  }

  /** Scrapes until {@code name} (with the labels) reaches {@code expected}: meters are recorded as responses end. */
  Scrape scrapeWhen(double expected, String name, String... labels) {
    Scrape[] last = new Scrape[1];
    Poll.until(name + " " + String.join(",", labels) + " = " + expected, WAIT, () -> {
      last[0] = Scrape.of(bff);
      return last[0].value(name, labels) == expected;
    });
    return last[0];
  }

  @Test
  void requestsTheDecoderRefusesAreCountedAsUnmatched() {
    var garbage = dev.bff.common.testing.RawHttp.exchange(bff.port(), "GARBAGE\r\n\r\n");
    assertThat(garbage.status()).isEqualTo(400);
    var tooLong = dev.bff.common.testing.RawHttp.exchange(bff.port(),
        "GET /" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(tooLong.status()).isEqualTo(414);
    scrapeWhen(2, "bff_request_duration_seconds_count", "route", "unmatched", "status", "4xx");
  }

  @Test
  void requestsAreCountedPerRouteAndStatusClassWithALatencyHistogramBytesAndInFlight() {
    for (int i = 0; i < 3; i++) {
      assertThat(bff.get("/api/products/" + i).status()).isEqualTo(200);
    }
    svc.status(404);
    assertThat(bff.get("/api/products/9").status()).isEqualTo(404);
    assertThat(bff.get("/nowhere").status()).isEqualTo(404);
    assertThat(bff.get("/broken/x").status()).isEqualTo(500);

    Scrape s = scrapeWhen(3, "bff_request_duration_seconds_count", "route", "products", "status", "2xx");
    s = scrapeWhen(1, "bff_request_duration_seconds_count", "route", "unmatched", "status", "4xx");
    assertThat(s.value("bff_request_duration_seconds_count", "route", "products", "status", "4xx")).isEqualTo(1);
    assertThat(s.value("bff_request_duration_seconds_count", "route", "broken", "status", "5xx")).isEqualTo(1);
    assertThat(s.value("bff_request_duration_seconds_count", "route", "products")).isEqualTo(4);
    // a histogram: cumulative buckets up to +Inf, so histogram_quantile gives p50/p90/p99
    assertThat(s.value("bff_request_duration_seconds_bucket", "route", "products", "status", "2xx", "le", "+Inf"))
        .isEqualTo(3);
    assertThat(s.value("bff_request_duration_seconds_bucket", "route", "products", "status", "2xx", "le", "10.0"))
        .isEqualTo(3);
    assertThat(s.has("bff_request_duration_seconds_bucket", "route", "products", "le", "0.005")).isTrue();
    assertThat(s.value("bff_response_body_bytes_total", "route", "products")).isPositive();
    assertThat(s.value("bff_requests_in_flight", "route", "products")).isZero();
    assertThat(s.value("bff_upstream_requests_total", "upstream", "svc", "outcome", "2xx")).isEqualTo(3);
    assertThat(s.value("bff_upstream_requests_total", "upstream", "svc", "outcome", "4xx")).isEqualTo(1);
    assertThat(s.value("bff_upstream_request_duration_seconds_count", "upstream", "svc")).isEqualTo(4);
  }

  @Test
  void upstreamErrorsAreCountedByKind() {
    assertThat(bff.get("/resets/x").status()).isEqualTo(502);
    assertThat(bff.get("/slow/x").status()).isEqualTo(504);
    assertThat(bff.get("/broken/x").status()).isEqualTo(500);
    assertThat(bff.get("/gone/x").status()).isEqualTo(502);

    Scrape s = scrapeWhen(1, "bff_request_duration_seconds_count", "route", "gone", "status", "5xx");
    assertThat(s.value("bff_upstream_errors_total", "upstream", "resets", "kind", "reset")).isEqualTo(1);
    assertThat(s.value("bff_upstream_errors_total", "upstream", "slow", "kind", "timeout")).isEqualTo(1);
    assertThat(s.value("bff_upstream_errors_total", "upstream", "broken", "kind", "5xx")).isEqualTo(1);
    assertThat(s.value("bff_upstream_errors_total", "upstream", "gone", "kind", "refused")).isEqualTo(1);
    assertThat(s.value("bff_upstream_errors_total")).isEqualTo(4);
    assertThat(s.value("bff_upstream_requests_total", "upstream", "resets", "outcome", "reset")).isEqualTo(1);
    assertThat(s.value("bff_upstream_requests_total", "upstream", "slow", "outcome", "timeout")).isEqualTo(1);
    assertThat(s.value("bff_upstream_requests_total", "upstream", "broken", "outcome", "5xx")).isEqualTo(1);
    assertThat(s.value("bff_upstream_requests_total", "upstream", "gone", "outcome", "refused")).isEqualTo(1);
    assertThat(s.value("bff_upstream_retries_total", "upstream", "resets")).isZero();
    assertThat(s.value("bff_upstream_instances", "upstream", "gone", "state", "available")).isEqualTo(1);
    assertThat(s.value("bff_upstream_pool_connections_max", "upstream", "svc")).isEqualTo(64);
  }

  @Test
  void theOpenCircuitIsAGaugeOf2WithItsTransitionAndTheCallsItRefused() {
    Scrape before = Scrape.of(bff);
    assertThat(before.value("bff_circuit_state", "upstream", "flaky")).isZero();
    assertThat(before.has("bff_circuit_state", "upstream", "svc")).as("no breaker, no gauge").isFalse();
    assertThat(bff.get("/flaky/1").status()).isEqualTo(500);
    assertThat(bff.get("/flaky/2").status()).isEqualTo(500);
    assertThat(bff.get("/flaky/3").status()).isEqualTo(503); // open: not called

    Scrape s = scrapeWhen(2, "bff_circuit_state", "upstream", "flaky");
    assertThat(s.value("bff_circuit_transitions_total", "upstream", "flaky", "to", "open")).isEqualTo(1);
    assertThat(s.value("bff_circuit_transitions_total", "upstream", "flaky", "to", "closed")).isZero();
    assertThat(s.value("bff_upstream_errors_total", "upstream", "flaky", "kind", "5xx")).isEqualTo(2);
    assertThat(s.value("bff_upstream_errors_total", "upstream", "flaky", "kind", "circuit_open")).isEqualTo(1);
    assertThat(s.value("bff_upstream_requests_total", "upstream", "flaky")).as("attempts sent").isEqualTo(2);
  }

  @Test
  void partsAreCountedByOutcomeAndWhatWasServedAndTheDegradedAnswerToo() {
    var r = bff.get("/page/7");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("BFF-Degraded")).isEqualTo("reviews=error, stock=error");

    Scrape s = scrapeWhen(1, "bff_degraded_responses_total", "route", "page");
    s = scrapeWhen(1, "bff_parts_total", "endpoint", "page", "part", "stock");
    assertThat(s.value("bff_parts_total", "endpoint", "page", "part", "product", "outcome", "ok", "served", "value"))
        .isEqualTo(1);
    assertThat(s.value("bff_parts_total", "endpoint", "page", "part", "reviews", "outcome", "error", "served",
        "omitted")).isEqualTo(1);
    assertThat(s.value("bff_parts_total", "endpoint", "page", "part", "stock", "outcome", "error", "served",
        "fallback")).isEqualTo(1);
    assertThat(s.value("bff_parts_total")).isEqualTo(3);
    assertThat(s.value("bff_part_duration_seconds_count", "endpoint", "page", "part", "reviews")).isEqualTo(1);
    assertThat(s.value("bff_request_duration_seconds_count", "route", "page", "status", "2xx")).isEqualTo(1);
    assertThat(s.value("bff_upstream_errors_total", "upstream", "broken", "kind", "5xx")).isEqualTo(2);

    svc.status(500); // the required part fails: the endpoint answers 502, the others are counted as they ended
    assertThat(bff.get("/page/8").status()).isEqualTo(502);
    s = scrapeWhen(1, "bff_parts_total", "part", "product", "outcome", "error", "served", "failed");
    assertThat(s.value("bff_request_duration_seconds_count", "route", "page", "status", "5xx")).isEqualTo(1);
    assertThat(s.value("bff_degraded_responses_total", "route", "page")).isEqualTo(1);
  }

  @Test
  void authenticationFailuresAreCountedByReason() {
    assertThat(bff.get("/partner/a").status()).isEqualTo(401);
    assertThat(bff.get("/partner/b").status()).isEqualTo(401);
    assertThat(bff.get("/partner/c", Map.of("X-Api-Key", "ak_test_wrong_000000000")).status()).isEqualTo(401);
    assertThat(bff.get("/globex/d", Map.of("X-Api-Key", KEY)).status()).isEqualTo(403);
    assertThat(bff.get("/partner/e", Map.of("X-Api-Key", KEY)).status()).isEqualTo(200);

    Scrape s = scrapeWhen(1, "bff_request_duration_seconds_count", "route", "partner", "status", "2xx");
    s = scrapeWhen(1, "bff_auth_failures_total", "reason", "forbidden");
    assertThat(s.value("bff_auth_failures_total", "route", "partner", "reason", "missing")).isEqualTo(2);
    assertThat(s.value("bff_auth_failures_total", "route", "partner", "reason", "invalid")).isEqualTo(1);
    assertThat(s.value("bff_auth_failures_total", "route", "globex-only", "reason", "forbidden")).isEqualTo(1);
    assertThat(s.value("bff_auth_failures_total")).isEqualTo(4);
    assertThat(s.text()).doesNotContain(KEY).doesNotContain("acme");
  }

  @Test
  void rateLimitDecisionsAreCountedPerPolicy() {
    for (int i = 0; i < 2; i++) {
      assertThat(bff.get("/limited/x", Map.of("X-Forwarded-For", "203.0.113.5")).status()).isEqualTo(200);
    }
    assertThat(bff.get("/limited/x", Map.of("X-Forwarded-For", "203.0.113.5")).status()).isEqualTo(429);
    assertThat(bff.get("/limited/x", Map.of("X-Forwarded-For", "203.0.113.6")).status()).isEqualTo(200);

    Scrape s = Scrape.of(bff); // counted as the decision is made, before the answer
    assertThat(s.value("bff_rate_limit_decisions_total", "policy", "two", "decision", "allowed")).isEqualTo(3);
    assertThat(s.value("bff_rate_limit_decisions_total", "policy", "two", "decision", "limited")).isEqualTo(1);
    assertThat(s.value("bff_rate_limit_decisions_total", "policy", "two", "decision", "unavailable")).isZero();
    assertThat(s.value("bff_rate_limit_store_errors_total", "policy", "two")).isZero();
    assertThat(s.value("bff_rate_limit_fallback_decisions_total", "policy", "two")).isZero();
    assertThat(s.value("bff_rate_limit_store_up")).isEqualTo(1);
    assertThat(s.text()).doesNotContain("203.0.113");
  }

  @Test
  void noLabelCarriesAPathAnIdOrAQuery() {
    assertThat(bff.get("/api/products/12345?session=s3cr3t", Map.of("X-Request-Id", "req-77777")).status())
        .isEqualTo(200);
    assertThat(bff.get("/page/67890").status()).isEqualTo(200);
    assertThat(bff.get("/no/such/44444").status()).isEqualTo(404);
    Scrape s = scrapeWhen(1, "bff_request_duration_seconds_count", "route", "unmatched");
    for (Scrape.Series x : s.series()) {
      for (String v : x.labels().values()) {
        assertThat(v).as(x.name() + x.labels()).doesNotContain("12345").doesNotContain("67890")
            .doesNotContain("44444").doesNotContain("77777").doesNotContain("s3cr3t").doesNotContain("/");
      }
    }
    assertThat(s.text()).doesNotContain("12345").doesNotContain("67890").doesNotContain("s3cr3t");
  }

  @Test
  void jvmAndProcessMetricsAreExported() {
    Scrape s = Scrape.of(bff);
    assertThat(s.value("jvm_memory_used_bytes")).isPositive();
    assertThat(s.value("jvm_threads_live_threads")).isPositive();
    assertThat(s.value("process_uptime_seconds")).isPositive();
    assertThat(s.has("jvm_classes_loaded_classes")).isTrue();
    assertThat(s.has("system_cpu_count")).isTrue();
    assertThat(s.has("process_files_open_files")).isTrue();
  }

  @Test
  void withMetricsOffThereIsNoMetricsPath(Vertx vertx) {
    try (BffUnderTest off = BffUnderTest.start(vertx, """
        metrics: { enabled: false }
        upstreams:
          svc: { instances: ["${SVC}"] }
        routes:
          - { path: "/api/**", upstream: svc }
        """, Map.of("SVC", svc.url())); TestClient admin = TestClient.of(vertx, off.adminPort())) {
      assertThat(off.get("/api/x").status()).isEqualTo(200);
      assertThat(admin.get("/metrics").status()).isEqualTo(404);
      assertThat(off.running().gateway().metrics().enabled()).isFalse();
    }
  }

  @Test
  void aBffStartedLikeLaunchAlsoExportsVertxPoolAndClientMetrics() {
    var registry = Metrics.newRegistry();
    Vertx own = Vertx.builder().with(new io.vertx.core.VertxOptions().setMetricsOptions(Metrics.vertxOptions()))
        .withMetrics(new io.vertx.micrometer.MicrometerMetricsFactory(registry)).build();
    try (BffUnderTest b = BffUnderTest.start(own, BffUnderTest.TestModule.INSTANCE, """
        upstreams:
          svc: { instances: ["${SVC}"] }
        routes:
          - { id: all, path: "/api/**", upstream: svc }
        """, Map.of("SVC", svc.url()), new Telemetry(registry, null))) {
      assertThat(b.get("/api/x").status()).isEqualTo(200);
      // the request is recorded when its exchange completes, just after the answer went out
      Poll.until("the request is counted", java.time.Duration.ofSeconds(10),
          () -> Scrape.of(b).has("bff_request_duration_seconds_count", "route", "all"));
      Scrape s = Scrape.of(b);
      assertThat(s.series()).anyMatch(x -> x.name().startsWith("vertx_http_client_"));
      assertThat(s.series()).anyMatch(x -> x.name().startsWith("vertx_pool_"));
      assertThat(s.series()).noneMatch(x -> x.name().startsWith("vertx_http_server_"));
      assertThat(s.has("bff_request_duration_seconds_count", "route", "all")).isTrue();
    } finally {
      own.close().await();
    }
  }

  @Test
  void theResponseCacheCountsEachResultPerRouteAndTheStoreItsEntries() {
    assertThat(xCache(bff.get("/cached/fresh"))).isEqualTo("MISS");
    assertThat(xCache(bff.get("/cached/fresh"))).isEqualTo("HIT");
    assertThat(xCache(bff.get("/cached/fresh?x=1"))).isEqualTo("MISS");
    assertThat(xCache(bff.get("/cached/fresh"))).isEqualTo("HIT");
    assertThat(xCache(bff.get("/cached/old"))).isEqualTo("MISS");
    var stale = bff.get("/cached/old"); // expired, and the upstream answers 500 now
    assertThat(stale.status()).isEqualTo(200);
    assertThat(xCache(stale)).isEqualTo("STALE");
    assertThat(xCache(bff.send(HttpMethod.POST, "/cached/other", Map.of(), Buffer.buffer("{}")))).isEqualTo("BYPASS");
    assertThat(xCache(bff.get("/brief/1"))).isEqualTo("MISS");
    assertThat(xCache(bff.get("/brief/1"))).isEqualTo("HIT");

    Scrape s = scrapeWhen(1, "bff_cache_requests_total", "route", "cached", "result", "bypass");
    assertThat(s.value("bff_cache_requests_total", "route", "cached", "result", "hit")).isEqualTo(2);
    assertThat(s.value("bff_cache_requests_total", "route", "cached", "result", "miss")).isEqualTo(3);
    assertThat(s.value("bff_cache_requests_total", "route", "cached", "result", "stale")).isEqualTo(1);
    assertThat(s.value("bff_cache_requests_total", "route", "cached", "result", "revalidated")).isZero();
    assertThat(s.value("bff_cache_requests_total", "route", "cached")).isEqualTo(7);
    assertThat(s.value("bff_cache_requests_total", "route", "brief", "result", "miss")).isEqualTo(1);
    assertThat(s.value("bff_cache_requests_total", "route", "brief", "result", "hit")).isEqualTo(1);
    assertThat(s.series()).as("only cached routes and endpoints, by id: never a path or the key's prefix")
        .filteredOn(x -> x.name().equals("bff_cache_requests_total"))
        .allMatch(x -> Set.of("cached", "brief").contains(x.labels().get("route")));
    // /cached/fresh, /cached/fresh?x=1, /cached/old and /brief/1 (the POST invalidated nothing stored)
    assertThat(s.value("bff_cache_entries")).isEqualTo(4);
    assertThat(s.value("bff_cache_size_bytes")).isPositive();
    assertThat(s.value("bff_cache_evictions_total")).isZero();
    assertThat(s.value("bff_cache_store_up")).isEqualTo(1);
    assertThat(s.value("bff_cache_store_errors_total")).isZero();
    assertThat(cached.count()).as("the hits never reached the upstream").isEqualTo(5);
  }

  static String xCache(BffUnderTest.Response r) {
    return r.header("X-Cache");
  }

  @Test
  void theCacheHooksRecordNothingWithMetricsOff() {
    assertThat(Metrics.off().cache("x")).isSameAs(CacheMeters.NONE);
    CacheMeters.NONE.hit();
    CacheMeters.NONE.revalidated();
  }
}
