package dev.bff.common.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.FakeUpstream;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class PortSharingTest {
  @Test
  void withPortZeroEveryEventLoopListensOnTheSamePickedPort(Vertx vertx) {
    FakeUpstream up = FakeUpstream.start(vertx, "svc");
    BffUnderTest bff = BffUnderTest.start(vertx, """
        server: { port: 0, admin-port: 0, instances: 3 }
        upstreams:
          svc: { instances: ["${SVC}"] }
        routes:
          - { path: "/**", upstream: svc }
        """, Map.of("SVC", up.url()));
    try {
      assertThat(bff.running().gateway().servers()).hasSize(3)
          .allSatisfy(s -> assertThat(s.actualPort()).isEqualTo(bff.port()));
      assertThat(bff.get("/x").status()).isEqualTo(200);
    } finally {
      bff.close();
      up.close();
    }
  }
}
