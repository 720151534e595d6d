package dev.bff.common.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.FakeUpstream;
import dev.bff.common.testing.Load;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(120)
class BalancingTest {
  FakeUpstream a;
  FakeUpstream b;
  FakeUpstream c;
  BffUnderTest bff;

  @BeforeEach
  void start(Vertx vertx) {
    a = FakeUpstream.start(vertx, "a");
    b = FakeUpstream.start(vertx, "b");
    c = FakeUpstream.start(vertx, "c");
  }

  @AfterEach
  void stop(Vertx vertx) {
    if (bff != null) {
      InFlight.assertDrained(vertx, bff);
      bff.close();
    }
    a.close();
    b.close();
    c.close();
  }

  private BffUnderTest gateway(Vertx vertx, String balancer) {
    return gateway(vertx, balancer, 1);
  }

  private BffUnderTest gateway(Vertx vertx, String balancer, int eventLoops) {
    return BffUnderTest.start(vertx, """
        server: { port: 0, admin-port: 0, instances: %d }
        upstreams:
          svc: { instances: ["${A}", "${B}", "${C}"], balancer: %s }
        routes:
          - { path: "/api/**", upstream: svc, strip-prefix: /api }
        """.formatted(eventLoops, balancer), Map.of("A", a.url(), "B", b.url(), "C", c.url()));
  }

  @Test
  void roundRobinSpreadsSequentialRequestsExactlyEvenly(Vertx vertx) {
    bff = gateway(vertx, "round-robin");
    for (int i = 0; i < 300; i++) {
      assertThat(bff.get("/api/x").status()).isEqualTo(200);
    }
    assertThat(List.of(a.count(), b.count(), c.count())).containsExactly(100, 100, 100);
  }

  @Test
  void roundRobinIsSharedByAllEventLoops(Vertx vertx) {
    bff = gateway(vertx, "round-robin", 2);
    List<BffUnderTest.Response> rs = Load.get(vertx, bff.port(), "/api/x", 300, 4);
    assertThat(rs).hasSize(300).allMatch(r -> r.status() == 200);
    assertThat(List.of(a.count(), b.count(), c.count())).containsExactly(100, 100, 100);
  }

  @Test
  void leastRequestsSendsFewerRequestsToASlowInstance(Vertx vertx) {
    a.handler(req -> vertx.setTimer(200, t -> req.response().end("slow")));
    bff = gateway(vertx, "least-requests");
    List<BffUnderTest.Response> rs = Load.get(vertx, bff.port(), "/api/x", 200, 20);
    assertThat(rs).hasSize(200).allMatch(r -> r.status() == 200);
    assertThat(a.count() + b.count() + c.count()).isEqualTo(200);
    // Random choice would give the slow one about a third (67). With a request held for 200 ms it
    // almost always has more in flight than the fast instance it is compared with, so it only wins
    // the rare draws where the other is just as busy: 8-21 against about 90 in trial runs. Less than
    // half of each fast one's share leaves a wide margin for a loaded machine.
    assertThat(a.count() * 2).as("slow=%d fast=%d,%d", a.count(), b.count(), c.count())
        .isLessThan(b.count())
        .isLessThan(c.count());
  }

  @Test
  void leastRequestsSpreadsEvenlyOverEqualInstances(Vertx vertx) {
    bff = gateway(vertx, "least-requests");
    List<BffUnderTest.Response> rs = Load.get(vertx, bff.port(), "/api/x", 300, 20);
    assertThat(rs).hasSize(300).allMatch(r -> r.status() == 200);
    // Even uniformly random picks would give each instance 100 +- 8 (one standard deviation of
    // Binomial(300, 1/3)); power of two choices is tighter still. 100 +- 40 is about five standard
    // deviations of the random case, so only a real skew fails it.
    assertThat(List.of(a.count(), b.count(), c.count())).allSatisfy(n -> assertThat(n).isBetween(60, 140));
  }
}
