package dev.bff.common.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.routing.BffModule;
import dev.bff.common.routing.Endpoints;
import dev.bff.common.routing.Reply;
import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.FakeUpstream;
import dev.bff.common.testing.Load;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Retries of calls from Java endpoints ({@link UpstreamClient#call}), the other path to upstreams. */
@ExtendWith(VertxExtension.class)
@Timeout(120)
class EndpointRetryTest {
  FakeUpstream a;
  FakeUpstream b;
  BffUnderTest bff;

  /** One endpoint that relays the upstream's answer: status and body. */
  static final class Relay implements BffModule {
    @Override
    public String name() {
      return "relay";
    }

    @Override
    public void endpoints(Endpoints e) {
      // a distinct URI per client request, so identical concurrent calls are not merged into one
      e.get("relay", "/relay", r -> r.upstream("svc").get("/x?for=" + r.requestId())
          .map(u -> new Reply(u.status(), io.vertx.core.http.HttpHeaders.headers(), u.body())));
    }
  }

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

  @Test
  void aGetFromAnEndpointIsRetriedOnAnotherInstanceAfterAReset(Vertx vertx) {
    bff = BffUnderTest.start(vertx, new Relay(), """
        upstreams:
          svc: { instances: ["${A}", "${B}"] }
        """, Map.of("A", a.url(), "B", b.url()));
    var r = bff.get("/relay");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getString("name")).isEqualTo("b");
    assertThat(a.count()).isEqualTo(1);
    assertThat(b.count()).isEqualTo(1);
  }

  @Test
  void aCallOnAPooledConnectionTheUpstreamClosedIsRetriedOnAFreshConnection(Vertx vertx) {
    Set<HttpConnection> used = ConcurrentHashMap.newKeySet();
    b.handler(req -> {
      if (!used.add(req.connection())) {
        req.connection().close();
      } else {
        vertx.setTimer(100, t -> req.response().end("fresh"));
      }
    });
    bff = BffUnderTest.start(vertx, new Relay(), """
        upstreams:
          svc: { instances: ["${B}"] }
        """, Map.of("B", b.url()));
    assertThat(Load.get(vertx, bff.port(), "/relay", 4, 4)).allMatch(r -> r.status() == 200);
    assertThat(b.connections()).as("four connections pooled").isEqualTo(4);
    for (int i = 0; i < 3; i++) {
      var r = bff.get("/relay");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body().toString()).isEqualTo("fresh");
    }
  }
}
