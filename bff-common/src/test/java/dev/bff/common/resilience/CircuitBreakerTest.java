package dev.bff.common.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.aggregate.Composition;
import dev.bff.common.aggregate.Degradation;
import dev.bff.common.aggregate.Part;
import dev.bff.common.routing.BffModule;
import dev.bff.common.routing.Endpoints;
import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.FakeUpstream;
import dev.bff.common.testing.Poll;
import dev.bff.common.testing.TestClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Circuit breakers per upstream, through a real gateway: routes and composed parts. */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class CircuitBreakerTest {
  Vertx vertx;
  FakeUpstream svc;
  FakeUpstream other;
  BffUnderTest bff;
  TestClient admin;

  /** One endpoint with a required and an optional part on separate upstreams. */
  static final class PageBff implements BffModule {
    @Override
    public String name() {
      return "breaker-bff";
    }

    @Override
    public void endpoints(Endpoints e) {
      e.get("page", "/page/:id", Composition.of(
          Part.required("product", "other", (u, c) -> u.getJson("/products/" + c.param("id"))),
          Part.optional("reviews", "svc", (u, c) -> u.getJson("/reviews/" + c.param("id")))
              .fallback(new JsonObject().put("count", 0))));
      e.get("strict", "/strict/:id", Composition.of(
          Part.required("reviews", "svc", (u, c) -> u.getJson("/reviews/" + c.param("id")))));
    }
  }

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    svc = FakeUpstream.start(vertx, "svc");
    other = FakeUpstream.start(vertx, "other");
  }

  @AfterEach
  void stop() {
    if (admin != null) {
      admin.close();
    }
    if (bff != null) {
      bff.close();
    }
    svc.close();
    other.close();
  }

  private void gateway(String breaker) {
    bff = BffUnderTest.start(vertx, new PageBff(), """
        upstreams:
          svc:   { instances: ["${SVC}"], retry: { attempts: 0 }, outlier: { consecutive-failures: 0 },
                   response-timeout: 150ms, circuit-breaker: %s }
          other: { instances: ["${OTHER}"] }
        routes:
          - { path: "/api/**", upstream: svc, strip-prefix: /api }
        """.formatted(breaker), Map.of("SVC", svc.url(), "OTHER", other.url()));
    admin = TestClient.of(vertx, bff.adminPort());
  }

  private String state() {
    return admin.get("/admin/upstreams").json().getJsonObject("svc").getJsonObject("circuitBreaker").getString("state");
  }

  @Test
  void aRouteOpensAfterTheFailureCountAndThenAnswers503WithoutCallingTheUpstream() {
    gateway("{ failures: 3, window: 10s, open-for: 10s }");
    svc.status(500);
    for (int i = 0; i < 3; i++) {
      assertThat(bff.get("/api/x").status()).as("passed through while closed").isEqualTo(500);
    }
    var r = bff.get("/api/x");
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.header("content-type")).isEqualTo("application/problem+json");
    assertThat(r.json().getString("type")).endsWith("/circuit-open");
    assertThat(r.json().getString("detail")).contains("'svc'").doesNotContain("127.0.0.1");
    assertThat(svc.count()).as("the open circuit answered without calling").isEqualTo(3);
    JsonObject view = admin.get("/admin/upstreams").json().getJsonObject("svc").getJsonObject("circuitBreaker");
    assertThat(view.getString("state")).isEqualTo("open");
    assertThat(view.getLong("timesOpened")).isEqualTo(1);
    assertThat(view.getLong("rejected")).isEqualTo(1);
  }

  @Test
  void timeoutsAndResetsCountAsFailures() {
    gateway("{ failures: 2, window: 10s, open-for: 10s }");
    svc.handler(req -> { }); // hangs: the 150 ms response timeout answers 504
    assertThat(bff.get("/api/x").status()).isEqualTo(504);
    svc.handler(req -> req.connection().close());
    assertThat(bff.get("/api/x").status()).isEqualTo(502);
    assertThat(bff.get("/api/x").status()).isEqualTo(503);
    assertThat(svc.count()).isEqualTo(2);
  }

  @Test
  void notFoundAnswersAndClientMistakesDoNotOpenIt() {
    gateway("{ failures: 2, window: 10s, open-for: 10s }");
    svc.status(404);
    for (int i = 0; i < 10; i++) {
      assertThat(bff.get("/api/x").status()).isEqualTo(404);
    }
    assertThat(state()).isEqualTo("closed");
  }

  @Test
  void theRatioOpensItOnlyOnceTheMinimumNumberOfCallsWasMade() {
    gateway("{ failure-ratio: 0.5, minimum-calls: 10, window: 10s, open-for: 10s }");
    AtomicInteger n = new AtomicInteger();
    svc.handler(req -> req.response().setStatusCode(n.incrementAndGet() % 2 == 0 ? 500 : 200).end("{}"));
    for (int i = 0; i < 9; i++) {
      bff.get("/api/x");
    }
    assertThat(state()).as("4 of 9 failed, under the minimum of 10 calls").isEqualTo("closed");
    assertThat(bff.get("/api/x").status()).as("the 10th call, the 5th failure").isEqualTo(500);
    assertThat(state()).isEqualTo("open");
    assertThat(bff.get("/api/x").status()).isEqualTo(503);
    assertThat(svc.count()).isEqualTo(10);
  }

  @Test
  void afterOpenForOneTrialCallClosesTheCircuitWhenTheUpstreamRecovered() {
    gateway("{ failures: 2, window: 10s, open-for: 300ms }");
    svc.status(500);
    bff.get("/api/x");
    bff.get("/api/x");
    assertThat(bff.get("/api/x").status()).isEqualTo(503);
    svc.status(200);
    Poll.until("half-open", Duration.ofSeconds(5), () -> state().equals("half_open"));
    assertThat(bff.get("/api/x").status()).as("the trial").isEqualTo(200);
    // vertx-circuit-breaker moves the state on the event loop one hop after the trial's result
    Poll.until("closed after the trial", Duration.ofSeconds(5), () -> state().equals("closed"));
    assertThat(bff.get("/api/x").status()).isEqualTo(200);
  }

  @Test
  void aFailedTrialOpensTheCircuitAgain() {
    gateway("{ failures: 2, window: 10s, open-for: 300ms }");
    svc.status(500);
    bff.get("/api/x");
    bff.get("/api/x");
    Poll.until("half-open", Duration.ofSeconds(5), () -> state().equals("half_open"));
    int before = svc.count();
    assertThat(bff.get("/api/x").status()).as("the trial fails").isEqualTo(500);
    Poll.until("open again after the trial", Duration.ofSeconds(5), () -> state().equals("open"));
    assertThat(bff.get("/api/x").status()).isEqualTo(503);
    assertThat(svc.count()).isEqualTo(before + 1);
    JsonObject view = admin.get("/admin/upstreams").json().getJsonObject("svc").getJsonObject("circuitBreaker");
    assertThat(view.getLong("timesOpened")).isEqualTo(2);
  }

  @Test
  void anOptionalPartWhoseCircuitIsOpenDegradesAtOnceAndARequiredOneAnswers503NamingIt() {
    gateway("{ failures: 2, window: 10s, open-for: 10s }");
    svc.status(500);
    bff.get("/api/x");
    bff.get("/api/x");
    int before = svc.count();
    var page = bff.get("/page/7");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header(Degradation.HEADER)).isEqualTo("reviews=circuit_open");
    assertThat(page.json().getJsonObject("reviews").getInteger("count")).isZero();
    JsonObject meta = page.json().getJsonObject("_meta").getJsonArray("degraded").getJsonObject(0);
    assertThat(meta.getString("reason")).isEqualTo("circuit_open");
    assertThat(meta.getString("served")).isEqualTo("fallback");
    assertThat(page.header("server-timing")).contains("reviews;dur=").contains("desc=\"circuit_open\"");

    var strict = bff.get("/strict/7");
    assertThat(strict.status()).isEqualTo(503);
    assertThat(strict.json().getString("type")).endsWith("/circuit-open");
    assertThat(strict.json().getString("detail")).contains("'reviews'");
    assertThat(svc.count()).as("neither part called the open upstream").isEqualTo(before);
  }

  @Test
  void partFailuresCountTowardsTheUpstreamsCircuit() {
    gateway("{ failures: 2, window: 10s, open-for: 10s }");
    svc.status(500);
    assertThat(bff.get("/page/1").header(Degradation.HEADER)).isEqualTo("reviews=error");
    assertThat(bff.get("/page/2").header(Degradation.HEADER)).isEqualTo("reviews=error");
    assertThat(bff.get("/page/3").header(Degradation.HEADER)).isEqualTo("reviews=circuit_open");
    assertThat(bff.get("/api/x").status()).as("the route shares the upstream's circuit").isEqualTo(503);
  }
}
