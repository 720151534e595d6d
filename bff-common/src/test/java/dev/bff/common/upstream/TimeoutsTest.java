package dev.bff.common.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.Blackhole;
import dev.bff.common.testing.FakeUpstream;
import dev.bff.common.testing.OnContext;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(120)
class TimeoutsTest {
  FakeUpstream up;
  BffUnderTest bff;

  @BeforeEach
  void start(Vertx vertx) {
    up = FakeUpstream.start(vertx, "svc");
  }

  @AfterEach
  void stop(Vertx vertx) {
    if (bff != null) {
      InFlight.assertDrained(vertx, bff);
      bff.close();
    }
    up.close();
  }

  private static long msSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  @Test
  void anUpstreamThatNeverAnswersGets504AfterTheResponseTimeoutAndItsConnectionClosed(Vertx vertx) {
    Promise<Void> upstreamClosed = Promise.promise();
    up.handler(req -> req.connection().closeHandler(v -> upstreamClosed.tryComplete()));
    bff = BffUnderTest.start(vertx, """
        upstreams:
          svc: { instances: ["${SVC}"], response-timeout: 300ms }
        routes:
          - { path: "/api/**", upstream: svc, strip-prefix: /api }
        """, Map.of("SVC", up.url()));
    long start = System.nanoTime();
    var r = bff.get("/api/hang");
    long took = msSince(start);
    assertThat(r.status()).isEqualTo(504);
    assertThat(r.json().getString("type")).endsWith("/upstream-timeout");
    assertThat(took).isBetween(280L, 10_000L);
    upstreamClosed.future().timeout(5, TimeUnit.SECONDS).await();
    assertThat(up.count()).as("a timed-out request is not retried").isEqualTo(1);
  }

  @Test
  void eachRequestGetsItsOwnFullResponseTimeoutWhateverElseIsWaiting(Vertx vertx) {
    up.handler(req -> {
      if (req.path().startsWith("/fast")) {
        req.response().end("fast");
      } // anything else hangs
    });
    bff = BffUnderTest.start(vertx, """
        upstreams:
          svc: { instances: ["${SVC}"], response-timeout: 400ms, retry: { attempts: 0 } }
        routes:
          - { path: "/api/**", upstream: svc, strip-prefix: /api }
        """, Map.of("SVC", up.url()));
    var client = dev.bff.common.testing.TestClient.of(vertx, bff.port());
    long firstStart = System.nanoTime();
    Future<BffUnderTest.Response> first = client.sendAsync(HttpMethod.GET, "/api/hang/1", Map.of(), null);
    vertx.timer(200, TimeUnit.MILLISECONDS).await();
    long secondStart = System.nanoTime();
    Future<BffUnderTest.Response> second = client.sendAsync(HttpMethod.GET, "/api/hang/2", Map.of(), null);
    assertThat(client.get("/api/fast").status()).as("a fast request in between is not held up").isEqualTo(200);
    assertThat(dev.bff.common.testing.TestClient.await(first, "first").status()).isEqualTo(504);
    long firstTook = msSince(firstStart);
    assertThat(dev.bff.common.testing.TestClient.await(second, "second").status()).isEqualTo(504);
    long secondTook = msSince(secondStart);
    assertThat(firstTook).isGreaterThanOrEqualTo(380L);
    assertThat(secondTook).as("not cut at the first request's deadline").isGreaterThanOrEqualTo(380L);
    client.close();
  }

  @Test
  void aRouteTimeoutOverridesTheUpstreamsResponseTimeoutBothWays(Vertx vertx) {
    up.handler(req -> {
      if (req.path().startsWith("/slow")) {
        vertx.setTimer(1000, t -> req.response().end("late"));
      } // anything else hangs
    });
    bff = BffUnderTest.start(vertx, """
        upstreams:
          patient: { instances: ["${SVC}"], response-timeout: 20s }
          hasty: { instances: ["${SVC}"], response-timeout: 300ms }
        routes:
          - { path: "/short/**", upstream: patient, strip-prefix: /short, timeout: 300ms }
          - { path: "/long/**", upstream: hasty, strip-prefix: /long, timeout: 5s }
          - { path: "/default/**", upstream: hasty, strip-prefix: /default }
        """, Map.of("SVC", up.url()));
    long start = System.nanoTime();
    assertThat(bff.get("/short/hang").status()).isEqualTo(504);
    assertThat(msSince(start)).as("the route's 300 ms, not the upstream's 20 s").isBetween(280L, 15_000L);

    assertThat(bff.get("/default/slow").status()).as("the upstream's 300 ms without a route timeout")
        .isEqualTo(504);
    var r = bff.get("/long/slow");
    assertThat(r.status()).as("the route's 5 s, not the upstream's 300 ms").isEqualTo(200);
    assertThat(r.body().toString()).isEqualTo("late");
  }

  @Test
  void aConnectThatHangsGets504AfterTheConnectTimeout(Vertx vertx) {
    try (Blackhole hole = Blackhole.open()) {
      bff = BffUnderTest.start(vertx, """
          upstreams:
            svc: { instances: ["${SVC}"], connect-timeout: 300ms, response-timeout: 20s }
          routes:
            - { path: "/api/**", upstream: svc, strip-prefix: /api }
          """, Map.of("SVC", hole.url()));
      long start = System.nanoTime();
      var r = bff.get("/api/x");
      assertThat(r.status()).isEqualTo(504);
      assertThat(r.json().getString("type")).endsWith("/upstream-timeout");
      assertThat(msSince(start)).as("the connect timeout, not the response timeout").isBetween(280L, 15_000L);
    }
  }

  @Test
  void anUpstreamThatStallsMidBodyHasTheClientResponseCutAfterTheIdleTimeout(Vertx vertx) {
    up.handler(req -> req.response().setChunked(true).putHeader("content-type", "text/plain")
        .write("first part;")); // and then silence, connection open
    bff = BffUnderTest.start(vertx, """
        upstreams:
          svc: { instances: ["${SVC}"], idle-timeout: 1s, response-timeout: 20s }
        routes:
          - { path: "/api/**", upstream: svc, strip-prefix: /api }
        """, Map.of("SVC", up.url()));
    long start = System.nanoTime();
    Buffer received = Buffer.buffer();
    Future<Buffer> body = OnContext.await(bff.context(), () -> bff.client()
        .request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(bff.port())
            .setURI("/api/stall"))
        .compose(req -> req.send())
        .map(resp -> {
          assertThat(resp.statusCode()).isEqualTo(200);
          Promise<Buffer> whole = Promise.promise();
          resp.handler(received::appendBuffer);
          resp.exceptionHandler(whole::tryFail);
          resp.endHandler(v -> whole.tryComplete(received));
          return whole.future();
        }));
    Throwable cut = body.timeout(30, TimeUnit.SECONDS).transform(ar -> Future.succeededFuture(ar.cause())).await();
    long took = msSince(start);
    assertThat(cut).as("the body must fail, never end as if complete").isNotNull();
    assertThat(received.toString()).isEqualTo("first part;");
    assertThat(took).isBetween(950L, 15_000L);
  }

  @Test
  void theResponseTimeoutEndsWithTheResponseHeadAndDoesNotCutASlowSteadyBody(Vertx vertx) {
    up.handler(req -> {
      var resp = req.response().setChunked(true);
      resp.write("0;");
      vertx.setTimer(500, t1 -> resp.write("1;"));
      vertx.setTimer(1000, t2 -> resp.end("2;"));
    });
    bff = BffUnderTest.start(vertx, """
        upstreams:
          svc: { instances: ["${SVC}"], response-timeout: 300ms }
        routes:
          - { path: "/api/**", upstream: svc, strip-prefix: /api }
        """, Map.of("SVC", up.url()));
    var r = bff.get("/api/stream");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().toString()).isEqualTo("0;1;2;");
  }
}
