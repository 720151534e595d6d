package dev.bff.common.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.FakeUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(120)
class HealthCheckTest {
  FakeUpstream a;
  FakeUpstream b;
  BffUnderTest bff;
  /** What a's /health answers; 0 never answers. */
  volatile int aHealth = 200;
  /** What a answers to other requests. */
  volatile int aStatus = 200;
  final AtomicInteger aFailedChecks = new AtomicInteger();

  @BeforeEach
  void start(Vertx vertx) {
    a = FakeUpstream.start(vertx, "a").handler(this::answerA);
    b = FakeUpstream.start(vertx, "b").handler(req -> req.response().end("b"));
  }

  @AfterEach
  void stop(Vertx vertx) {
    if (bff != null) {
      InFlight.assertDrained(vertx, bff);
      bff.close();
    }
    a.close();
    b.close();
  }

  private void answerA(HttpServerRequest req) {
    if (!req.path().equals("/health")) {
      req.response().setStatusCode(aStatus).end("a");
      return;
    }
    int s = aHealth;
    if (s != 200) {
      aFailedChecks.incrementAndGet();
    }
    if (s != 0) {
      req.response().setStatusCode(s).end();
    }
  }

  private BffUnderTest gateway(Vertx vertx, String settings) {
    return BffUnderTest.start(vertx, """
        upstreams:
          svc: { instances: ["${A}", "${B}"], %s }
        routes:
          - { path: "/api/**", upstream: svc, strip-prefix: /api }
        """.formatted(settings), Map.of("A", a.url(), "B", b.url()));
  }

  private static long traffic(FakeUpstream u) {
    return u.seen().stream().filter(s -> !s.uri().equals("/health")).count();
  }

  private Instance instanceA() {
    return bff.running().gateway().groups().get("svc").instances().get(0);
  }

  private List<String> bodies(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(bff.get("/api/x").body().toString());
    }
    return out;
  }

  private static void await(Vertx vertx, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() - deadline).as("waiting for: " + what).isNegative();
      vertx.timer(20).await();
    }
  }

  @Test
  void anInstanceFailingHealthChecksLeavesRotationAndComesBackWhenTheyPass(Vertx vertx) {
    bff = gateway(vertx, "health-check: { path: /health, interval: 200ms, unhealthy-threshold: 2, "
        + "healthy-threshold: 1 }");
    assertThat(bodies(4)).containsExactly("a", "b", "a", "b");

    aHealth = 503;
    await(vertx, "a unhealthy", () -> !instanceA().healthy());
    assertThat(aFailedChecks.get()).as("failed checks before leaving rotation").isGreaterThanOrEqualTo(2);
    assertThat(bodies(10)).containsOnly("b");
    assertThat(traffic(a)).isEqualTo(2);

    aHealth = 200;
    await(vertx, "a healthy", () -> instanceA().healthy());
    assertThat(bodies(10)).containsOnly("a", "b").filteredOn("a"::equals).hasSize(5);
  }

  @Test
  void aHealthCheckThatTimesOutCountsAsFailed(Vertx vertx) {
    bff = gateway(vertx, "health-check: { path: /health, interval: 200ms, timeout: 300ms, "
        + "unhealthy-threshold: 2 }");
    aHealth = 0;
    await(vertx, "a unhealthy", () -> !instanceA().healthy());
    assertThat(bodies(6)).containsOnly("b");
  }

  @Test
  void anEjectedInstanceIsReadmittedEarlyByAPassingHealthCheck(Vertx vertx) {
    aStatus = 500;
    aHealth = 500;
    bff = gateway(vertx, "health-check: { path: /health, interval: 200ms, unhealthy-threshold: 100 }, "
        + "outlier: { consecutive-failures: 2, base-ejection: 1m }");
    // a fails requests 1 and 3 and is ejected for a minute; its failing checks stay below the threshold
    assertThat(bodies(3)).containsExactly("a", "b", "a");
    assertThat(instanceA().ejected(System.nanoTime())).isTrue();
    assertThat(bodies(5)).containsOnly("b");

    aStatus = 200;
    aHealth = 200;
    long fixed = System.nanoTime();
    await(vertx, "a re-admitted", () -> bff.get("/api/x").body().toString().equals("a"));
    assertThat((System.nanoTime() - fixed) / 1_000_000).as("ms until re-admitted").isLessThan(30_000);
    assertThat(instanceA().ejected(System.nanoTime())).isFalse();
  }

  @Test
  void whenEveryInstanceIsUnhealthyTheGatewayAnswers503(Vertx vertx) {
    b.handler(req -> req.response().setStatusCode(req.path().equals("/health") ? 503 : 200).end("b"));
    aHealth = 503;
    bff = gateway(vertx, "health-check: { path: /health, interval: 200ms, unhealthy-threshold: 2 }");
    await(vertx, "both unhealthy", () -> bff.running().gateway().groups().get("svc").instances().stream()
        .noneMatch(Instance::healthy));
    var r = bff.get("/api/x");
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.header("content-type")).isEqualTo("application/problem+json");
    assertThat(traffic(a) + traffic(b)).isZero();
  }
}
