package dev.bff.common.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.FakeWebSocketUpstream;
import dev.bff.common.testing.TestClient;
import dev.bff.common.testing.TestWebSocket;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** WebSocket routes and configuration reloads: open tunnels live on; what the listeners decode is fixed. */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class WebSocketReloadTest {
  static final String YAML = """
      server: { port: 0, admin-port: 0, instances: 1 }
      upstreams:
        ws: { instances: ["${WS}"] }
      routes:
        - { id: live, path: "/live/**", upstream: ws, auth: public, websocket: { %s } }
      """;

  Vertx vertx;
  FakeWebSocketUpstream up;
  Path file;
  BffUnderTest bff;
  TestClient admin;

  @BeforeEach
  void start(Vertx vertx, @TempDir Path dir) throws Exception {
    this.vertx = vertx;
    up = FakeWebSocketUpstream.start(vertx);
    file = dir.resolve("bff.yaml");
    Files.writeString(file, YAML.formatted(""));
    bff = BffUnderTest.startFile(vertx, BffUnderTest.TestModule.INSTANCE, file, Map.of("WS", up.url()));
    admin = TestClient.of(vertx, bff.adminPort());
  }

  @AfterEach
  void stop() {
    admin.close();
    bff.close();
    up.close();
  }

  @Test
  void anOpenTunnelLivesThroughAReloadOfItsRoute() throws Exception {
    try (TestWebSocket ws = TestWebSocket.connect(vertx, bff.port(), "/live/a", Map.of())) {
      Files.writeString(file, YAML.formatted("idle-timeout: 5m, max-frame-size: 16KB"));
      var r = admin.send(HttpMethod.POST, "/admin/reload", Map.of(), null);
      assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
      assertThat(r.body().toJsonObject().getJsonObject("changes").getJsonObject("routes").getJsonArray("changed"))
          .containsExactly("live");
      ws.text("still here");
      assertThat(ws.next().text()).isEqualTo("still here");
    }
  }

  @Test
  void raisingAFrameSizeAboveWhatTheListenersDecodeTakesARestart() throws Exception {
    Files.writeString(file, YAML.formatted("max-frame-size: 1MB, max-message-size: 4MB"));
    var r = admin.send(HttpMethod.POST, "/admin/reload", Map.of(), null);
    assertThat(r.status()).isEqualTo(422);
    JsonObject problem = r.body().toJsonObject().getJsonArray("problems").getJsonObject(0);
    assertThat(problem.getString("path")).isEqualTo("routes[0].websocket.max-frame-size");
    assertThat(problem.getString("message")).contains("262144 bytes").contains("takes a restart");
  }
}
