package dev.bff.common.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.FakeUpstream;
import dev.bff.common.testing.Load;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(120)
class RetryTest {
  FakeUpstream a;
  FakeUpstream b;
  BffUnderTest bff;

  @BeforeEach
  void start(Vertx vertx) {
    a = FakeUpstream.start(vertx, "a").handler(req -> req.connection().close());
    b = FakeUpstream.start(vertx, "b");
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

  private BffUnderTest gateway(Vertx vertx, String settings) {
    return BffUnderTest.start(vertx, """
        upstreams:
          svc: { instances: ["${A}", "${B}"], %s }
        routes:
          - { path: "/api/**", upstream: svc, strip-prefix: /api }
        """.formatted(settings), Map.of("A", a.url(), "B", b.url()));
  }

  @Test
  void aGetIsRetriedOnAnotherInstanceWhenTheFirstResetsTheConnection(Vertx vertx) {
    bff = gateway(vertx, "balancer: round-robin");
    var r = bff.get("/api/x");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getString("name")).isEqualTo("b");
    assertThat(a.count()).isEqualTo(1);
    assertThat(b.count()).isEqualTo(1);
  }

  @Test
  void retriesNeverGoBackToAnInstanceThatAlreadyFailedTheRequest(Vertx vertx) {
    FakeUpstream c = FakeUpstream.start(vertx, "c");
    b.handler(req -> req.connection().close());
    try {
      bff = BffUnderTest.start(vertx, """
          upstreams:
            svc: { instances: ["${A}", "${B}", "${C}"], balancer: least-requests,
                   retry: { attempts: 2, min-per-second: 10000 }, outlier: { consecutive-failures: 0 } }
          routes:
            - { path: "/api/**", upstream: svc, strip-prefix: /api }
          """, Map.of("A", a.url(), "B", b.url(), "C", c.url()));
      for (int i = 0; i < 50; i++) { // a and b reset every connection, c answers
        assertThat(bff.get("/api/x").status()).as("request %d", i).isEqualTo(200);
      }
    } finally {
      c.close();
    }
  }

  @Test
  void aPostWithABodyIsNeverRetried(Vertx vertx) {
    bff = gateway(vertx, "retry: { attempts: 3 }");
    var r = bff.send(HttpMethod.POST, "/api/x", Map.of("content-type", "text/plain"), Buffer.buffer("hello"));
    assertThat(r.status()).isEqualTo(502);
    assertThat(r.json().getString("type")).endsWith("/upstream-reset");
    assertThat(a.count()).isEqualTo(1);
    assertThat(b.count()).isZero();
  }

  @Test
  void putAndDeleteWithoutABodyAreRetried(Vertx vertx) {
    bff = gateway(vertx, "balancer: round-robin");
    assertThat(bff.send(HttpMethod.PUT, "/api/x", Map.of(), null).status()).isEqualTo(200);
    assertThat(bff.send(HttpMethod.DELETE, "/api/x", Map.of(), null).status()).isEqualTo(200);
    assertThat(a.seen()).extracting(FakeUpstream.Seen::method).containsExactly("PUT", "DELETE");
    assertThat(b.seen()).extracting(FakeUpstream.Seen::method).containsExactly("PUT", "DELETE");
  }

  @Test
  void zeroAttemptsDisablesRetries(Vertx vertx) {
    bff = gateway(vertx, "retry: { attempts: 0 }");
    assertThat(bff.get("/api/x").status()).isEqualTo(502);
    assertThat(a.count()).isEqualTo(1);
    assertThat(b.count()).isZero();
  }

  @Test
  void onStatusRetriesThoseStatusesOnAnotherInstanceAndNoOthers(Vertx vertx) {
    a.status(503);
    bff = gateway(vertx, "retry: { on-status: [503] }");
    var r = bff.get("/api/x");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getString("name")).isEqualTo("b");
    assertThat(a.count()).isEqualTo(1);
    assertThat(b.count()).isEqualTo(1);

    a.status(500);
    var notListed = bff.get("/api/x"); // round-robin: a's turn again (the retry took b's)
    assertThat(notListed.status()).isEqualTo(500);
    assertThat(notListed.json().getString("name")).isEqualTo("a");
    assertThat(b.count()).isEqualTo(1);
  }

  @Test
  void anEmptyRetryBudgetAllowsNoRetries(Vertx vertx) {
    bff = gateway(vertx, "retry: { attempts: 3, budget-ratio: 0, min-per-second: 0 }");
    assertThat(bff.get("/api/x").status()).isEqualTo(502);
    assertThat(a.count()).isEqualTo(1);
    assertThat(b.count()).isZero();
  }

  @Test
  void aRequestOnAPooledConnectionTheUpstreamClosedIsRetriedOnAFreshConnection(Vertx vertx) {
    // Every request on a reused connection finds it closed, as when the backend's idle timeout
    // closes all the connections that went idle together just as the gateway reuses them: a retry
    // on another pooled connection would fail the same way, only a new connection helps.
    Set<HttpConnection> used = ConcurrentHashMap.newKeySet();
    b.handler(req -> {
      if (!used.add(req.connection())) {
        req.connection().close();
      } else {
        vertx.setTimer(100, t -> req.response().end("fresh"));
      }
    });
    bff = BffUnderTest.start(vertx, """
        upstreams:
          svc: { instances: ["${B}"], keep-alive: 30s }
        routes:
          - { path: "/api/**", upstream: svc, strip-prefix: /api }
        """, Map.of("B", b.url()));
    assertThat(Load.get(vertx, bff.port(), "/api/x", 4, 4)).allMatch(r -> r.status() == 200);
    assertThat(b.connections()).as("four connections pooled").isEqualTo(4);
    for (int i = 0; i < 3; i++) {
      var r = bff.get("/api/x");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body().toString()).isEqualTo("fresh");
    }
    assertThat(b.count()).isEqualTo(4 + 3 * 2);
  }

  @Test
  void burstsAfterTheUpstreamsIdleTimeoutAllSucceed(Vertx vertx) {
    FakeUpstream quick = FakeUpstream.start(vertx, "quick", new HttpServerOptions().setIdleTimeout(1), "127.0.0.1", 0);
    try {
      bff = BffUnderTest.start(vertx, """
          upstreams:
            svc: { instances: ["${Q}"], keep-alive: 30s, retry: { min-per-second: 1000 } }
          routes:
            - { path: "/api/**", upstream: svc, strip-prefix: /api }
          """, Map.of("Q", quick.url()));
      List<Integer> statuses = new ArrayList<>();
      // waits around the upstream's 1 s idle timeout, so that some bursts race its closing (the
      // generous retry budget keeps this about stale connections, not about the budget)
      for (long wait : new long[] {1500, 980, 1000, 1020, 1050, 1100}) {
        Load.get(vertx, bff.port(), "/api/x", 8, 4).forEach(r -> statuses.add(r.status()));
        vertx.timer(wait).await();
      }
      Load.get(vertx, bff.port(), "/api/x", 8, 4).forEach(r -> statuses.add(r.status()));
      assertThat(statuses).hasSize(56).containsOnly(200);
      assertThat(quick.connections()).as("the upstream closed idle connections").isGreaterThan(4);
    } finally {
      quick.close();
    }
  }
}
