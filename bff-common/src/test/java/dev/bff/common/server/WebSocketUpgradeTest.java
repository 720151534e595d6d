package dev.bff.common.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.config.ServerConfig;
import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.FakeUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A route without {@code websocket} does not tunnel WebSockets: an upgrade request is proxied as a plain request. */
@ExtendWith(VertxExtension.class)
class WebSocketUpgradeTest {

  @Test
  void anUpgradeRequestIsProxiedAsAPlainRequestWithoutUpgradeHeaders(Vertx vertx) {
    FakeUpstream up = FakeUpstream.start(vertx, "svc");
    try (BffUnderTest bff = BffUnderTest.start(vertx, """
        server: { port: 0, admin-port: 0, instances: 1 }
        upstreams:
          svc: { instances: ["${SVC}"] }
        routes:
          - { path: "/api/**", upstream: svc, strip-prefix: /api }
        """, Map.of("SVC", up.url()))) {
      var r = bff.get("/api/socket", Map.of("Connection", "Upgrade", "Upgrade", "websocket",
          "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version", "13",
          "Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits"));

      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("upgrade")).isNull();
      assertThat(r.header("sec-websocket-extensions")).isNull();
      JsonObject seen = r.json().getJsonObject("headers");
      assertThat(seen.containsKey("upgrade")).isFalse();
      assertThat(r.json().getString("path")).isEqualTo("/socket");
    } finally {
      up.close();
    }
  }

  @Test
  void theListenerNegotiatesNoWebSocketCompression() {
    ServerConfig sc = BffUnderTest.parse("server: { port: 0, admin-port: 0 }", Map.of()).server();
    HttpServerOptions o = GatewayVerticle.serverOptions(sc);
    assertThat(o.getPerFrameWebSocketCompressionSupported()).isFalse();
    assertThat(o.getPerMessageWebSocketCompressionSupported()).isFalse();
  }
}
