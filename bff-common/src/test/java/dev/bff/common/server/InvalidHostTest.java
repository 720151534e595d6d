package dev.bff.common.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.BffUnderTest.Response;
import dev.bff.common.testing.FakeUpstream;
import dev.bff.common.testing.RawHttp;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A Host header Vert.x cannot parse is the client's mistake: 400, never forwarded. It used to throw
 * wherever the gateway read the authority (500, or no answer at all when that came after an
 * asynchronous step such as a Redis rate limit).
 */
@ExtendWith(VertxExtension.class)
class InvalidHostTest {
  FakeUpstream svc;
  BffUnderTest bff;

  @BeforeEach
  void start(Vertx vertx) {
    svc = FakeUpstream.start(vertx, "svc");
    bff = BffUnderTest.start(vertx, """
        server: { port: 0, admin-port: 0, instances: 1 }
        upstreams:
          svc: { instances: ["${SVC}"] }
        routes:
          - { path: "/api/**", upstream: svc }
        """, Map.of("SVC", svc.url()));
  }

  @AfterEach
  void stop() {
    bff.close();
    svc.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"sh%op", "a%zz.example"})
  void anUnparsableHostIs400AndNeverForwarded(String host) {
    Response r = RawHttp.exchange(bff.port(), "GET /api/x HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.header("content-type")).isEqualTo("application/problem+json");
    assertThat(r.json().getString("detail")).contains("Host");
    assertThat(svc.count()).isZero();
  }

  @org.junit.jupiter.api.Test
  void anHttp11RequestWithoutOrWithTwoHostsIs400AndNeverForwarded() {
    Response none = RawHttp.exchange(bff.port(), "GET /api/x HTTP/1.1\r\nConnection: close\r\n\r\n");
    assertThat(none.status()).isEqualTo(400);
    assertThat(none.json().getString("detail")).isEqualTo("an HTTP/1.1 request needs a Host header");
    Response two = RawHttp.exchange(bff.port(),
        "GET /api/x HTTP/1.1\r\nHost: shop.example\r\nHost: evil.example\r\nConnection: close\r\n\r\n");
    assertThat(two.status()).isEqualTo(400);
    assertThat(two.json().getString("detail")).isEqualTo("the request has more than one Host header");
    assertThat(svc.count()).isZero();
    Response http10 = RawHttp.exchange(bff.port(), "GET /api/x HTTP/1.0\r\n\r\n");
    assertThat(http10.status()).as("HTTP/1.0 may leave Host out").isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(strings = {"shop.example", "shop.example:8080", "127.0.0.1:1", "[::1]:8080"})
  void validHostsPass(String host) {
    Response r = RawHttp.exchange(bff.port(), "GET /api/x HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
    assertThat(r.status()).isEqualTo(200);
    assertThat(svc.count()).isEqualTo(1);
  }
}
