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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A request head must arrive within the idle timeout of its first byte (a slowloris client, which
 * trickles it a byte at a time, never lets the idle timeout itself fire), and the strict decoder
 * refuses what Netty would pass on or Vert.x would answer with a bare 501: a header with an empty
 * name, a protocol version other than HTTP/1.x. HTTP/1.2 is read as HTTP/1.1.
 */
@ExtendWith(VertxExtension.class)
class SlowHeadAndVersionTest {
  FakeUpstream svc;
  BffUnderTest bff;

  void start(Vertx vertx, boolean h2c) {
    svc = FakeUpstream.start(vertx, "svc");
    bff = BffUnderTest.start(vertx, """
        server: { port: 0, admin-port: 0, instances: 1, idle-timeout: 1s, h2c: %s }
        upstreams:
          svc: { instances: ["${SVC}"] }
        routes:
          - { path: "/api/**", upstream: svc }
        """.formatted(h2c), Map.of("SVC", svc.url()));
  }

  @AfterEach
  void stop() {
    bff.close();
    svc.close();
  }

  /** Trickles {@code head} a byte every 100 ms for up to 8 s; ms until the gateway closed, or -1. */
  private static long trickle(RawHttp raw, String head) {
    long start = System.nanoTime();
    for (int i = 0; i < 80; i++) {
      try {
        raw.write(String.valueOf(head.charAt(i % head.length())));
      } catch (AssertionError e) { // the gateway closed (and reset) the connection under the write
        return (System.nanoTime() - start) / 1_000_000;
      }
      if (raw.closedByPeer(100)) {
        return (System.nanoTime() - start) / 1_000_000;
      }
    }
    return -1;
  }

  @Test
  void aHeadTrickledForLongerThanTheIdleTimeoutIsCut(Vertx vertx) {
    start(vertx, false);
    try (RawHttp raw = RawHttp.connect(bff.port())) {
      long lived = trickle(raw, "GET /api/slow HTTP/1.1\r\nHost: x\r\nX-Slow: " + "a".repeat(200));
      assertThat(lived).as("ms until the gateway closed the connection").isBetween(900L, 3_000L);
    }
    assertThat(svc.count()).isZero();
  }

  @Test
  void onAnH2cListenerTheHeadOfASecondRequestIsTimedToo(Vertx vertx) {
    start(vertx, true);
    try (RawHttp raw = RawHttp.connect(bff.port())) {
      raw.write("GET /api/first HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(raw.read().status()).isEqualTo(200);
      long lived = trickle(raw, "GET /api/slow HTTP/1.1\r\nHost: x\r\nX-Slow: " + "a".repeat(200));
      assertThat(lived).isBetween(900L, 3_000L);
    }
    assertThat(svc.count()).isEqualTo(1);
  }

  @Test
  void aHeadInTwoPartsWithinTheTimeoutAndSlowBodiesAreNotCutByIt(Vertx vertx) throws InterruptedException {
    start(vertx, false);
    try (RawHttp raw = RawHttp.connect(bff.port())) {
      raw.write("GET /api/a HTTP/1.1\r\nHo");
      Thread.sleep(500);
      raw.write("st: x\r\n\r\n");
      assertThat(raw.read().status()).isEqualTo(200);
      raw.write("POST /api/b HTTP/1.1\r\nHost: x\r\nContent-Length: 8\r\n\r\nab");
      for (int i = 0; i < 6; i++) { // the body keeps coming for 3 s, each pause shorter than the idle timeout
        Thread.sleep(500);
        raw.write("c");
      }
      assertThat(raw.read().status()).isEqualTo(200);
    }
    assertThat(svc.count()).isEqualTo(2);
  }

  @Test
  void aHeaderWithAnEmptyNameIs400AndNeverForwarded(Vertx vertx) {
    start(vertx, false);
    Response r = RawHttp.exchange(bff.port(), "GET /api/x HTTP/1.1\r\nHost: x\r\n: no-name\r\n\r\n");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.header("content-type")).isEqualTo("application/problem+json");
    assertThat(svc.count()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"HTTP/2.0", "HTTP/9.9", "HTTP/0.9", "http/1.1", "HTTP/1.10"})
  void aProtocolVersionOtherThanHttp1IsRefusedWith400(String version, Vertx vertx) {
    start(vertx, false);
    Response r = RawHttp.exchange(bff.port(), "GET /api/x " + version + "\r\nHost: x\r\n\r\n");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.header("content-type")).isEqualTo("application/problem+json");
    assertThat(svc.count()).isZero();
  }

  @Test
  void http12IsReadAsHttp11(Vertx vertx) {
    start(vertx, false);
    Response r = RawHttp.exchange(bff.port(), "GET /api/x HTTP/1.2\r\nHost: x\r\n\r\n");
    assertThat(r.status()).isEqualTo(200);
    assertThat(svc.count()).isEqualTo(1);
  }
}
