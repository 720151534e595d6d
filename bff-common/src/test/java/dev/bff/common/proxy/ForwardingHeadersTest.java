package dev.bff.common.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.FakeUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class ForwardingHeadersTest {
  FakeUpstream up;
  BffUnderTest bff;

  @BeforeEach
  void start(Vertx vertx) {
    up = FakeUpstream.start(vertx, "svc");
  }

  @AfterEach
  void stop() {
    if (bff != null) {
      bff.close();
    }
    up.close();
  }

  private BffUnderTest gateway(Vertx vertx, String trusted) {
    return BffUnderTest.start(vertx, """
        server: { port: 0, admin-port: 0, instances: 1, trusted-proxies: %s }
        upstreams:
          svc: { instances: ["${SVC}"] }
        routes:
          - { path: "/api/**", upstream: svc, strip-prefix: /api }
        """.formatted(trusted), Map.of("SVC", up.url()));
  }

  @Test
  void hopByHopHeadersAndThoseNamedInConnectionAreRemovedBothWays(Vertx vertx) {
    up.handler(req -> req.response().putHeader("Connection", "x-secret").putHeader("X-Secret", "s")
        .putHeader("Keep-Alive", "timeout=5").putHeader("X-Kept", "yes").end("ok"));
    bff = gateway(vertx, "[]");
    var r = bff.get("/api/x", Map.of("Connection", "x-drop, keep-alive", "X-Drop", "1", "Keep-Alive", "timeout=9",
        "Proxy-Connection", "keep-alive", "TE", "trailers", "Upgrade", "x-custom/1", "X-Stay", "1"));
    assertThat(r.status()).isEqualTo(200);
    var h = up.seen().get(0).headers();
    assertThat(h.contains("x-drop")).isFalse();
    assertThat(h.contains("keep-alive")).isFalse();
    assertThat(h.contains("proxy-connection")).isFalse();
    assertThat(h.contains("te")).isFalse();
    assertThat(h.contains("upgrade")).isFalse();
    assertThat(h.get("x-stay")).isEqualTo("1");
    assertThat(r.header("x-secret")).isNull();
    assertThat(r.header("keep-alive")).isNull();
    assertThat(r.header("x-kept")).isEqualTo("yes");
    assertThat(r.header("via")).isEqualTo("1.1 bff");
  }

  @Test
  void forwardingHeadersFromAnUntrustedPeerAreReplaced(Vertx vertx) {
    bff = gateway(vertx, "[]");
    var r = bff.get("/api/x", Map.of("X-Forwarded-For", "6.6.6.6", "X-Forwarded-Proto", "https",
        "X-Forwarded-Host", "evil.example", "Forwarded", "for=6.6.6.6", "Via", "1.1 spoof"));
    JsonObject seen = r.json().getJsonObject("headers");
    assertThat(seen.getString("x-forwarded-for")).isEqualTo("127.0.0.1");
    assertThat(seen.getString("x-forwarded-proto")).isEqualTo("http");
    assertThat(seen.getString("x-forwarded-host")).isEqualTo("127.0.0.1:" + bff.port());
    assertThat(seen.containsKey("forwarded")).isFalse();
    assertThat(seen.getString("via")).isEqualTo("1.1 spoof, 1.1 bff");
    assertThat(seen.getString("host")).isEqualTo("127.0.0.1:" + up.port());
  }

  @Test
  void forwardingHeadersFromATrustedProxyAreExtended(Vertx vertx) {
    bff = gateway(vertx, "[\"127.0.0.0/8\", \"::1\"]");
    var r = bff.get("/api/x", Map.of("X-Forwarded-For", "203.0.113.7", "X-Forwarded-Proto", "https",
        "X-Forwarded-Host", "shop.example"));
    JsonObject seen = r.json().getJsonObject("headers");
    assertThat(seen.getString("x-forwarded-for")).isEqualTo("203.0.113.7, 127.0.0.1");
    assertThat(seen.getString("x-forwarded-proto")).isEqualTo("https");
    assertThat(seen.getString("x-forwarded-host")).isEqualTo("shop.example");
  }

  @Test
  void requestIdIsGeneratedWhenAbsentAndPropagatedWhenPresent(Vertx vertx) {
    bff = gateway(vertx, "[]");
    var generated = bff.get("/api/x");
    String id = generated.header("x-request-id");
    assertThat(id).matches("[0-9a-f]{32}");
    assertThat(generated.json().getJsonObject("headers").getString("x-request-id")).isEqualTo(id);

    var given = bff.get("/api/x", Map.of("X-Request-Id", "abc-123"));
    assertThat(given.header("x-request-id")).isEqualTo("abc-123");
    assertThat(given.json().getJsonObject("headers").getString("x-request-id")).isEqualTo("abc-123");

    var invalid = bff.get("/api/x", Map.of("X-Request-Id", "bad id with spaces"));
    assertThat(invalid.header("x-request-id")).matches("[0-9a-f]{32}");
  }
}
