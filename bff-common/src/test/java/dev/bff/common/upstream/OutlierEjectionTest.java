package dev.bff.common.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.FakeUpstream;
import dev.bff.common.testing.Load;
import dev.bff.common.testing.OnContext;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(120)
class OutlierEjectionTest {
  FakeUpstream a;
  FakeUpstream b;
  BffUnderTest bff;

  @BeforeEach
  void start(Vertx vertx) {
    a = FakeUpstream.start(vertx, "a");
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

  private BffUnderTest gateway(Vertx vertx, String instances, String settings) {
    return BffUnderTest.start(vertx, """
        upstreams:
          svc: { instances: %s, %s }
        routes:
          - { path: "/api/**", upstream: svc, strip-prefix: /api }
        """.formatted(instances, settings), Map.of("A", a.url(), "B", b.url()));
  }

  private List<Integer> statuses(int n) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(bff.get("/api/x").status());
    }
    return out;
  }

  @Test
  void anInstanceAnswering500IsEjectedAfterConsecutiveFailures(Vertx vertx) {
    a.status(500);
    bff = gateway(vertx, "[\"${A}\", \"${B}\"]", "outlier: { consecutive-failures: 3, base-ejection: 1m }");
    // round-robin: a, b, a, b, a -> the third 500 in a row from a ejects it
    assertThat(statuses(5)).containsExactly(500, 200, 500, 200, 500);
    assertThat(statuses(10)).containsOnly(200);
    assertThat(a.count()).isEqualTo(3);
    assertThat(b.count()).isEqualTo(12);
  }

  @Test
  void anEjectedInstanceIsReadmittedAfterTheBaseEjectionTime(Vertx vertx) {
    a.status(500);
    bff = gateway(vertx, "[\"${A}\", \"${B}\"]", "outlier: { consecutive-failures: 3, base-ejection: 500ms }");
    statuses(4);
    long beforeEjection = System.nanoTime(); // the gateway ejects a while answering the next request
    assertThat(bff.get("/api/x").status()).isEqualTo(500);
    long deadline = beforeEjection + 10_000_000_000L;
    List<Integer> whileEjected = new ArrayList<>();
    int last = 0;
    while (a.count() == 3 && System.nanoTime() - deadline < 0) {
      last = bff.get("/api/x").status();
      if (a.count() == 3) {
        whileEjected.add(last);
        vertx.timer(20).await();
      }
    }
    long readmittedAfterMs = (System.nanoTime() - beforeEjection) / 1_000_000;
    assertThat(a.count()).as("re-admitted within 10 s").isEqualTo(4);
    assertThat(last).as("the re-admitted instance answered").isEqualTo(500);
    assertThat(whileEjected).isNotEmpty().containsOnly(200);
    assertThat(readmittedAfterMs).isGreaterThanOrEqualTo(500);
  }

  @Test
  void maxEjectedPercentKeepsTheLastInstanceInRotation(Vertx vertx) {
    a.status(500);
    b.status(500);
    bff = gateway(vertx, "[\"${A}\", \"${B}\"]", "outlier: { consecutive-failures: 2, base-ejection: 1m, "
        + "max-ejected-percent: 50 }");
    // a fails twice (requests 1 and 3) and is ejected; b then fails every time but is the last half
    assertThat(statuses(20)).containsOnly(500);
    assertThat(a.count()).isEqualTo(2);
    assertThat(b.count()).isEqualTo(18);
  }

  @Test
  void withMaxEjectedPercent100TheOnlyInstanceIsEjected(Vertx vertx) {
    a.status(500);
    bff = gateway(vertx, "[\"${A}\"]", "outlier: { consecutive-failures: 2, base-ejection: 1m, "
        + "max-ejected-percent: 100 }");
    assertThat(statuses(4)).containsExactly(500, 500, 503, 503);
    assertThat(a.count()).isEqualTo(2);
  }

  @Test
  void withTheDefaultMaxEjectedPercentTheOnlyInstanceIsNeverEjected(Vertx vertx) {
    a.status(500);
    bff = gateway(vertx, "[\"${A}\"]", "outlier: { consecutive-failures: 2, base-ejection: 1m }");
    assertThat(statuses(10)).containsOnly(500);
    assertThat(a.count()).isEqualTo(10);
  }

  @Test
  void connectFailuresEjectToo(Vertx vertx) {
    String closedUrl = a.url();
    a.close();
    bff = gateway(vertx, "[\"${A}\", \"${B}\"]", "retry: { attempts: 0 }, "
        + "outlier: { consecutive-failures: 3, base-ejection: 1m }");
    assertThat(statuses(5)).containsExactly(502, 200, 502, 200, 502);
    assertThat(statuses(10)).containsOnly(200);
    assertThat(b.count()).isEqualTo(12);
    Instance closed = bff.running().gateway().groups().get("svc").instances().get(0);
    assertThat(closed.toString()).isEqualTo(closedUrl);
    assertThat(closed.ejected(System.nanoTime())).isTrue();
  }

  @Test
  void aFullLocalConnectionPoolIsNotCountedAgainstTheInstance(Vertx vertx) {
    a.handler(req -> vertx.setTimer(300, t -> req.response().end("a")));
    b.handler(req -> vertx.setTimer(300, t -> req.response().end("b")));
    bff = gateway(vertx, "[\"${A}\", \"${B}\"]", "pool: 1, queue: 0, "
        + "outlier: { consecutive-failures: 2, base-ejection: 1m }");
    List<Integer> burst = Load.get(vertx, bff.port(), "/api/x", 8, 8).stream().map(r -> r.status()).toList();
    assertThat(burst).as("one request per instance fits the pools, the rest are turned away")
        .containsOnly(200, 503).filteredOn(s -> s == 200).hasSize(2);
    assertThat(a.count() + b.count()).isEqualTo(2);
    long now = System.nanoTime();
    assertThat(bff.running().gateway().groups().get("svc").instances()).as("no instance failed")
        .noneMatch(i -> i.ejected(now));
    List<String> after = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      after.add(bff.get("/api/x").body().toString());
    }
    assertThat(after).containsExactlyInAnyOrder("a", "a", "b", "b");
  }

  @Test
  void clientsThatGiveUpAreNotCountedAgainstTheInstance(Vertx vertx) {
    AtomicInteger upstreamClosed = new AtomicInteger();
    Handler<HttpServerRequest> slow = req -> {
      req.connection().closeHandler(v -> upstreamClosed.incrementAndGet());
      vertx.setTimer(5000, t -> req.response().end("late"));
    };
    a.handler(slow);
    b.handler(slow);
    bff = gateway(vertx, "[\"${A}\", \"${B}\"]", "outlier: { consecutive-failures: 2, base-ejection: 1m }");
    HttpClient client = vertx.createHttpClient();
    for (int i = 0; i < 4; i++) { // a, b, a, b: each gets two requests whose clients hang up
      int sent = i + 1;
      OnContext.await(bff.context(), () -> client.request(HttpMethod.GET, bff.port(), "127.0.0.1", "/api/x")
          .compose(req -> {
            req.end();
            return vertx.timer(100).compose(t -> req.connection().close());
          }));
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (upstreamClosed.get() < sent && System.nanoTime() < deadline) {
        vertx.timer(20).await();
      }
    }
    client.close().await();
    long now = System.nanoTime();
    assertThat(bff.running().gateway().groups().get("svc").instances()).as("no instance failed")
        .noneMatch(i -> i.ejected(now));
  }
}
