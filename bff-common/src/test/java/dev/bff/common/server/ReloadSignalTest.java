package dev.bff.common.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.ChildGateway;
import dev.bff.common.testing.FakeUpstream;
import dev.bff.common.testing.Poll;
import dev.bff.common.testing.TestClient;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** A launched BFF (its own JVM) reloads its {@code --config} file on SIGHUP, and keeps serving when the file is bad. */
@ExtendWith(VertxExtension.class)
@Timeout(120)
class ReloadSignalTest {
  @Test
  void sighupReloadsTheConfigFile(Vertx vertx) throws Exception {
    FakeUpstream svc = FakeUpstream.start(vertx, "svc");
    String yaml = """
        server: { port: 0, admin-port: 0, instances: 1 }
        upstreams:
          svc: { instances: ["%s"] }
        routes:
          - { id: one, path: "/one/**", upstream: svc }
        """.formatted(svc.url());
    try (ChildGateway child = ChildGateway.start(yaml);
        TestClient client = TestClient.of(vertx, child.port())) {
      assertThat(client.get("/two/x").status()).isEqualTo(404);
      Files.writeString(child.configFile(), yaml + "  - { id: two, path: \"/two/**\", upstream: svc }\n");
      child.signal("HUP");
      Poll.until("the reloaded route to answer", Duration.ofSeconds(20), () -> client.get("/two/x").status() == 200);
      assertThat(child.output()).contains("configuration reloaded (SIGHUP)").contains("routes +two");

      Files.writeString(child.configFile(), "server: [");
      child.signal("HUP");
      Poll.until("the bad file to be refused", Duration.ofSeconds(20),
          () -> child.output().contains("refused, version 2 stays"));
      assertThat(client.get("/two/x").status()).isEqualTo(200);
      assertThat(child.process().isAlive()).isTrue();
    } finally {
      svc.close();
    }
  }
}
